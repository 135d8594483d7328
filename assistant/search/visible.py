"""The store as one principal sees it, handed to the steps that open chunks by id (validity notes, a missing
document's fate): they read through the asker's access filter without holding the store or the principal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.access import Principal
from indexing.store import Hit, SearchFilter, VectorStore


@dataclass(frozen=True)
class VisibleChunks:
    """The store as one principal sees it: chunks read by id, or a document's chunks, through the principal's
    access filter (what validity notes and a missing document's fate cite must be readable by the asker)."""

    store: VectorStore
    principal: Principal

    def get(self, chunk_ids: Sequence[str]) -> list[Hit]:
        return self.store.get(list(chunk_ids), SearchFilter(principal=self.principal)) if chunk_ids else []

    def doc_chunks(self, doc_id: str) -> list[Hit]:
        return self.store.doc_chunks(doc_id, SearchFilter(principal=self.principal))
