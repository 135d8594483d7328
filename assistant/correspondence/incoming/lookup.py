"""Cited documents resolved as one reader sees them: the indexed legal document with that số hiệu, its computed
validity and what replaced it, through the validity face; a document the reader may not see is not found, the
same answer as one that is not in the store ("chưa tìm thấy trong kho")."""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.validity import RelationStore, document_relations
from core.access import Principal
from core.so_hieu import parse_so_hieu

VALIDITY_WORDS = {"con_hieu_luc": "còn hiệu lực", "het_hieu_luc": "đã hết hiệu lực",
                  "chua_co_hieu_luc": "chưa có hiệu lực", "chua_ro": "chưa xác minh hiệu lực"}


class IndexedLookup:
    """``CardLookup`` over the relations store for ``principal`` on ``today``."""

    def __init__(self, store: RelationStore, principal: Principal, today: date) -> None:
        self.store = store
        self.principal = principal
        self.today = today

    def __call__(self, so_hieu: str) -> dict[str, Any] | None:
        parsed = parse_so_hieu(so_hieu)
        if parsed is None:
            return None
        for doc in self.store.documents_with_key([parsed.key]):
            view = document_relations(self.store, doc.doc_id, self.principal, today=self.today)
            if view is None:
                continue
            validity = str(view.get("validity") or "chua_ro")
            replaced_by = list(dict.fromkeys(
                r["actor_so_hieu"] for r in view["relations"]
                if r["direction"] == "incoming" and r["kind"] == "replaces" and r["actor_so_hieu"]))
            return {"doc_id": doc.doc_id, "so_hieu": doc.so_hieu or so_hieu, "title": view.get("title") or doc.title,
                    "validity": validity, "validity_words": VALIDITY_WORDS.get(validity, validity),
                    "replaced_by": replaced_by}
        return None
