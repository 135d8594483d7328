"""Căn cứ for drafts and checks, from the index and the relations store, always as the asking principal.

Why here and through ``assistant.validity``: a suggested căn cứ comes from a search run under the asker's
access (``Retriever.search``), and the fate of a cited one (replaced, expired, not yet in force, by which
document) is the relations store's, read through the validity face's ``document_relations`` so that a document
the asker may not see is neither suggested nor told about.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.correspondence.drafting.checks import CitedFate
from assistant.correspondence.drafting.draft import BasisItem, suggest_basis
from assistant.validity import RelationStore, document_relations
from core.access import Principal
from core.so_hieu import parse_so_hieu


class RelationsLookup:
    """``BasisLookup`` over the relations store for one principal: an indexed document the principal may see
    gets its computed status and the documents that replaced it; anything else is not known (None)."""

    def __init__(self, store: RelationStore, principal: Principal) -> None:
        self.store = store
        self.principal = principal

    def __call__(self, so_hieu: str, on: date) -> CitedFate | None:
        parsed = parse_so_hieu(so_hieu)
        if parsed is None:
            return None
        for doc in self.store.documents_with_key([parsed.key]):
            view = document_relations(self.store, doc.doc_id, self.principal, today=on)
            if view is None:
                continue
            replaced_by = tuple(dict.fromkeys(
                r["actor_so_hieu"] for r in view["relations"]
                if r["direction"] == "incoming" and r["kind"] == "replaces" and r["actor_so_hieu"]
                and (not r["effective"] or r["effective"] <= on.isoformat())))
            return CitedFate(doc.so_hieu or so_hieu, str(view["validity"] or ""), replaced_by, view["ngay_hieu_luc"])
        return None


def basis_for(retriever: Any, principal: Principal, subject: str, today: date, limit: int = 5) -> list[BasisItem]:
    """Căn cứ suggested for a draft about ``subject``: the legal documents the search finds for the principal,
    none expired or replaced."""
    if not subject.strip():
        return []
    hits = retriever.search(subject, principal, top_k=24)
    return suggest_basis(hits, today, limit)
