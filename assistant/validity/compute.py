"""Validity computed from relations and dates, not copied from a website's status line.

A document is not yet in force before its ngày hiệu lực, expired once a document that replaces or wholly
repeals it takes effect, and partly amended / repealed once a change to a listed Điều/Khoản takes effect.
Every change is kept with its date (past and future), so the same payload answers "as of today" and "as of
2020" (``core.legal_status.status_at``, the one computation of a status) without another lookup. The source's
own status line ("Tình trạng: Còn hiệu lực") is used when no relation says otherwise; when one does, the
relation wins (it is citable) and the disagreement is reported.

The payload fields (the same on every chunk of the document) are ``validity``, ``hieu_luc_tu``,
``het_hieu_luc_tu``, ``thay_the_boi`` (whole replacements / repeals) and ``sua_doi`` (partial changes); each
change carries the access label of the document it was read from, so a note never names a replacing document
to someone who may not read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from assistant.validity.relations import Relation, Unit
from assistant.validity.store import LegalDocument
from core.legal_status import (
    VALIDITY_EXPIRED,
    VALIDITY_IN_FORCE,
    VALIDITY_NOT_YET,
    changes_in_effect,
    stated_status,
    status_at,
)

VALIDITY_FIELDS = ("validity", "hieu_luc_tu", "het_hieu_luc_tu", "thay_the_boi", "sua_doi", "nguon_ghi",
                   "xac_minh_den")
_PUBLIC = {"access_level": "public", "access_units": [], "access_roles": []}


def _change(rel: Relation, actor: LegalDocument | None, source_doc: LegalDocument | None) -> dict[str, Any]:
    return {
        "kind": rel.kind, "units": [u.label for u in rel.units],
        "unit_keys": [{"dieu": u.dieu, "khoan": u.khoan, "diem": u.diem} for u in rel.units],
        "scope": rel.scope, "by": rel.actor_so_hieu, "by_doc_id": actor.doc_id if actor else "",
        "clause": rel.actor_unit, "chunk_id": rel.source_chunk_id, "from": rel.effective, "source": rel.source,
        "source_doc_id": rel.source_doc_id,
        "access": dict(source_doc.access) if source_doc is not None else dict(_PUBLIC),
    }


def validity_payload(doc: LegalDocument, relations: Iterable[Relation],
                     lookup: Callable[[str], LegalDocument | None],
                     by_key: Callable[[str], LegalDocument | None], today: date,
                   verified_through: date | None = None) -> dict[str, Any]:
    """The validity fields of ``doc`` from the relations aimed at it (``lookup``: a document by id,
    ``by_key``: the indexed document with a số hiệu key, both None when not indexed). ``verified_through``: the
    date up to which the relations held are known complete (an explicit setting); without it, a document with no
    change on record is of unknown status, not in force (``core.legal_status.status_at``)."""
    whole: list[dict[str, Any]] = []
    partial: list[dict[str, Any]] = []
    for rel in relations:
        if rel.kind not in ("replaces", "repeals", "amends") or rel.source_doc_id == doc.doc_id:
            continue
        change = _change(rel, by_key(rel.actor_key) if rel.actor_key else None,
                         lookup(rel.source_doc_id) if rel.source_doc_id else None)
        (whole if rel.kind != "amends" and rel.whole else partial).append(change)
    payload: dict[str, Any] = {
        "hieu_luc_tu": doc.ngay_hieu_luc, "thay_the_boi": _dedupe(whole), "sua_doi": _dedupe(partial),
        "nguon_ghi": doc.metadata_status or None,
        "xac_minh_den": verified_through.isoformat() if verified_through else None,
    }
    expired = [c["from"] for c in whole if c["from"]]
    payload["het_hieu_luc_tu"] = min(expired) if expired else None
    payload["validity"] = status_at(payload, None, today)
    return payload


def _dedupe(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[tuple, dict[str, Any]] = {}
    for c in changes:
        seen.setdefault((c["kind"], tuple(c["units"]), c["scope"], c["by"], c["clause"], c["source"]), c)
    return sorted(seen.values(), key=lambda c: (c["from"] or "", c["by"], c["clause"]))


def changes_at(payload: dict[str, Any], as_of: date | None, today: date) -> list[dict[str, Any]]:
    """The partial changes in effect on ``as_of`` (today when None)."""
    return changes_in_effect(payload.get("sua_doi") or [], (as_of or today).isoformat())


def changes_of_unit(payload: dict[str, Any], fields: dict[str, Any], as_of: date | None,
                    today: date) -> list[dict[str, Any]]:
    """Partial changes in effect that touch the chunk with these ``fields`` (its dieu / khoan)."""
    dieu, khoan = fields.get("dieu"), fields.get("khoan")
    if not dieu:
        return []
    here = Unit(str(dieu), str(khoan) if khoan else None)
    hits = []
    for c in changes_at(payload, as_of, today):
        units = [Unit(**u) for u in c.get("unit_keys") or []]
        if any(u.covers(here) or here.covers(u) for u in units):
            hits.append(c)
    return hits


def disagreement(payload: dict[str, Any], today: date) -> str:
    """The source's status line against the relations ("" when they agree or one of them is silent)."""
    stated = payload.get("nguon_ghi")
    if not stated:
        return ""
    said = stated_status(stated)
    computed = status_at({**payload, "nguon_ghi": None}, None, today)
    if said == VALIDITY_IN_FORCE and computed == VALIDITY_EXPIRED:
        by = ", ".join(sorted({c["by"] for c in payload.get("thay_the_boi") or [] if c["by"]}))
        return f"nguồn ghi «{stated}», nhưng văn bản đã bị thay thế / bãi bỏ bởi {by or 'một văn bản khác'}"
    if said == VALIDITY_EXPIRED and computed == VALIDITY_NOT_YET:
        return f"nguồn ghi «{stated}», nhưng ngày hiệu lực {payload.get('hieu_luc_tu')} chưa đến"
    return ""


def source_disagreements(relations: Iterable[Relation]) -> list[str]:
    """Where the Bộ pháp điển and the indexed amending text disagree on which Điều, or from when."""
    text: dict[tuple[str, str], list[Relation]] = {}
    imported: dict[tuple[str, str], list[Relation]] = {}
    for rel in relations:
        pair = (rel.actor_key, rel.target_key)
        (text if rel.source == "text" else imported).setdefault(pair, []).append(rel)
    notes = []
    for pair, rels in sorted(imported.items()):
        read = text.get(pair)
        if not read or not pair[0]:
            continue
        read_dieu = {u.dieu for r in read for u in r.units}
        for rel in rels:  # a text naming no unit at all ("sửa đổi một số điều") cannot be compared by unit
            missing = [u.label for u in rel.units if u.dieu not in read_dieu]
            if missing and read_dieu:
                notes.append(f"pháp điển ghi {rel.actor_so_hieu} tác động {', '.join(missing)} của "
                             f"{rel.target_so_hieu}, văn bản sửa đổi không nêu")
            dates = {r.effective for r in read if r.effective}
            if rel.effective and dates and rel.effective not in dates:
                notes.append(f"pháp điển ghi hiệu lực {rel.effective} cho {rel.actor_so_hieu} → "
                             f"{rel.target_so_hieu}, văn bản ghi {', '.join(sorted(dates))}")
    return list(dict.fromkeys(notes))
