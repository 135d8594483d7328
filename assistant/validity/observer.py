"""Keeps the relations table and the validity fields of the points in step with the index.

When a legal document is indexed its relations are read from its text and stored; then every document whose
validity may have changed (the new one, the ones it names, the ones that name it) is recomputed, and only
those whose fields changed get a payload update (``VectorStore.set_payload``): a replacing law flips the old
one's status without re-embedding it, whichever of the two is indexed first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from assistant.validity.compute import validity_payload
from assistant.validity.extraction import canonical, extract_relations, own_effective
from assistant.validity.store import LegalDocument, RelationStore
from core.deadlines import today_in_vietnam
from core.documents import Chunk, Document
from core.so_hieu import so_hieu_key
from indexing.store import VectorStore


def legal_document(doc: Document) -> LegalDocument:
    """The parsed document as the relations table keeps it."""
    so_hieu = canonical(str(doc.metadata.get("so_hieu") or ""))
    key = str(doc.metadata.get("so_hieu_key") or so_hieu_key(so_hieu))  # the indexer's, else a bare document's
    return LegalDocument(doc_id=doc.doc_id, so_hieu=so_hieu, key=key, title=doc.title[:500],
                         loai_van_ban=str(doc.metadata.get("loai_van_ban") or "")[:100],
                         ngay_hieu_luc=own_effective(doc),
                         metadata_status=str(doc.metadata.get("tinh_trang_hieu_luc") or "")[:200],
                         access=doc.access.payload(),
                         ngay_ban_hanh=str(doc.metadata.get("ngay_ban_hanh") or "")[:10] or None)


class RelationsObserver:
    """An ``IndexObserver``: ``chunk_ids(doc_id)`` gives a document's points (from the manifest)."""

    def __init__(self, relations: RelationStore, store: VectorStore, chunk_ids: Callable[[str], list[str]],
                 today: Callable[[], date] = today_in_vietnam, verified_through: date | None = None) -> None:
        """``verified_through``: the operator's statement that the relations held cover every change up to that
        date (``Settings.validity_verified_through``); only then does "no change on record" mean in force."""
        self.relations = relations
        self.store = store
        self.chunk_ids = chunk_ids
        self.today = today
        self.verified_through = verified_through

    def document_indexed(self, doc: Document, chunks: list[Chunk]) -> None:
        if doc.kind != "legal":
            return
        legal = legal_document(doc)
        keys = self.relations.put_document(legal, extract_relations(doc, chunks))
        self.refresh(keys, fresh=legal)

    def document_removed(self, doc_id: str) -> None:
        self.refresh(self.relations.remove_document(doc_id))

    def refresh(self, keys: Iterable[str], fresh: LegalDocument | None = None) -> int:
        """Recompute the documents with these keys (and ``fresh``, just written: its points always get the
        fields); returns how many points' payloads were updated."""
        docs = {d.doc_id: d for d in self.relations.documents_with_key(keys)}
        if fresh is not None:
            docs[fresh.doc_id] = self.relations.document(fresh.doc_id) or fresh
        return self._recompute(list(docs.values()), fresh.doc_id if fresh is not None else None)

    def refresh_all(self) -> int:
        """Recompute every document (the date moved on: a law whose day has come is now in force)."""
        return self._recompute(self.relations.documents(), None)

    def _recompute(self, docs: list[LegalDocument], forced: str | None) -> int:
        cache: dict[str, LegalDocument | None] = {}

        def by_key(key: str) -> LegalDocument | None:
            if key not in cache:
                found = self.relations.documents_with_key([key])
                cache[key] = found[0] if found else None
            return cache[key]

        updated = 0
        today = self.today()
        for doc in docs:
            payload = validity_payload(doc, self.relations.targeting(*doc.keys), self.relations.document, by_key,
                                       today, self.verified_through)
            if doc.doc_id == forced or payload != doc.payload:
                ids = self.chunk_ids(doc.doc_id)
                self.store.set_payload(ids, payload)
                self.relations.set_payload(doc.doc_id, payload)
                updated += len(ids)
        return updated
