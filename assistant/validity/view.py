"""A document's relations as a person may see them: what it replaces, amends, guides or is based on, what
replaced or amended it, its computed validity with any disagreement, and a short history
(issued → amended by … → replaced by …). The API route and the CLI command both show this.

Access: a relation read from a document the person may not see is left out, and a counterpart document they
may not see is shown without its id or title; a document they may not see is not found at all.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.validity.compute import disagreement, source_disagreements, validity_payload
from assistant.validity.relations import KIND_LABELS, Relation
from assistant.validity.store import LegalDocument, RelationStore
from core.access import Principal
from core.deadlines import today_in_vietnam
from core.legal_status import status_at
from indexing.stores.filters import payload_allows


def _visible(doc: LegalDocument | None, principal: Principal) -> bool:
    """A document's relations are its metadata: shown as the documents list shows them (an administrator
    sees every document there, ``assistant.documents``), else under its access label."""
    return doc is not None and (principal.is_admin or payload_allows(doc.access, principal))


def document_relations(store: RelationStore, doc_id: str, principal: Principal,
                       today: date | None = None, verified_through: date | None = None) -> dict[str, Any] | None:
    """None when the document is not known or not visible to ``principal`` (the same answer for both).
    ``verified_through``: ``Settings.validity_verified_through`` (see ``core.legal_status.status_at``)."""
    today = today or today_in_vietnam()
    doc = store.document(doc_id)
    if doc is None or not _visible(doc, principal):
        return None
    docs: dict[str, LegalDocument | None] = {}

    def by_key(key: str) -> LegalDocument | None:
        if key not in docs:
            found = store.documents_with_key([key]) if key else []
            docs[key] = found[0] if found else None
        return docs[key]

    rows = []
    kept: list[Relation] = []
    for rel in store.of_document(doc_id, doc.key, doc.name_key):
        if rel.source == "text" and rel.source_doc_id != doc_id and not _visible(store.document(rel.source_doc_id),
                                                                                principal):
            continue
        kept.append(rel)
        target, actor = by_key(rel.target_key), by_key(rel.actor_key)
        rows.append({
            "direction": _direction(rel, doc), "kind": rel.kind, "label": KIND_LABELS[rel.kind],
            "target_so_hieu": rel.target_so_hieu, "target_name": rel.target_name,
            "target_doc_id": target.doc_id if _visible(target, principal) else None,
            "target_indexed": target is not None and _visible(target, principal),
            "actor_so_hieu": rel.actor_so_hieu, "actor_doc_id": actor.doc_id if _visible(actor, principal) else None,
            "units": [u.label for u in rel.units], "scope": rel.scope, "clause": rel.actor_unit,
            "chunk_id": rel.source_chunk_id or None, "quote": rel.quote, "effective": rel.effective,
            "source": rel.source, "source_doc_id": rel.source_doc_id or None})
    # The status is a fact about this document (the same as its points say); who caused it is not shown above
    # to someone who may not read the causing document.
    payload = validity_payload(doc, store.targeting(*doc.keys), store.document, by_key, today, verified_through)
    named = disagreement(payload, today)
    notes = ([named] if named and all(_visible(store.document(c["source_doc_id"]), principal)
                                      for c in payload["thay_the_boi"] if c["source_doc_id"]) else [])
    notes += source_disagreements(kept)
    return {"doc_id": doc.doc_id, "so_hieu": doc.so_hieu, "title": doc.title, "ngay_hieu_luc": doc.ngay_hieu_luc,
            "validity": status_at(payload, None, today), "expired_from": payload["het_hieu_luc_tu"],
            "relations": rows, "disagreements": notes, "history": history(doc, rows)}


def _direction(rel: Relation, doc: LegalDocument) -> str:
    """"outgoing" when this document acts, "incoming" when it is acted upon, "reported" when its text only
    records what another document did to a third (a văn bản hợp nhất lists the laws that amended the law it
    consolidates: it amends nothing itself)."""
    if rel.actor_key and doc.key:
        acts = rel.actor_key == doc.key
    else:  # an actor without a number: the text it was read from is the actor
        acts = rel.source_doc_id == doc.doc_id
    if acts:
        return "outgoing"
    if rel.target_key and rel.target_key in doc.keys:
        return "incoming"
    return "reported" if rel.source_doc_id == doc.doc_id else "incoming"


def history(doc: LegalDocument, rows: list[dict[str, Any]]) -> list[str]:
    """"ban hành / có hiệu lực 01/07/2012" → "sửa đổi, bổ sung bởi 42/2013/QH13 (01/07/2014)" → "thay thế bởi …"."""
    steps = [(doc.ngay_hieu_luc or "", f"có hiệu lực {doc.ngay_hieu_luc}" if doc.ngay_hieu_luc else "ban hành")]
    for row in rows:
        if row["direction"] != "incoming" or row["kind"] not in ("amends", "repeals", "replaces"):
            continue
        part = f" {', '.join(row['units'])}" if row["units"] else (f" {row['scope']}" if row["scope"] else "")
        by = row["actor_so_hieu"] or "văn bản khác"
        steps.append((row["effective"] or "", f"{row['label']}{part} bởi {by}"
                      + (f" ({row['effective']})" if row["effective"] else "")))
    first, rest = steps[0], sorted(set(steps[1:]))
    return [text for _, text in [first, *rest]]
