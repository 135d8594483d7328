"""What else must follow the index: records kept beside the chunks (tasks, legal relations) that are
replaced when their document changes and dropped when it goes.

Why a Protocol: the indexer knows when a document's chunks are written or removed; the records that depend
on it live in other stores (the service's database, the relations table) that the indexer must not know.
The composition root (``assistant.service.runtime``) hands the indexer its observers.
"""

from __future__ import annotations

from typing import Protocol

from core.documents import Chunk, Document


class IndexObserver(Protocol):
    def document_indexed(self, doc: Document, chunks: list[Chunk]) -> None:
        """``doc`` (parsed: header fields in ``metadata``, its ``tables``) was added or changed."""

    def document_removed(self, doc_id: str) -> None:
        """``doc_id`` left the index (pruned, removed, or now stamped secret)."""
