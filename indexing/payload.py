"""The payload stored with each point: what filters, citations and the access check need."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.deadlines import today_in_vietnam
from core.documents import Chunk, Document
from indexing.store import VALIDITY_EXPIRED, VALIDITY_IN_FORCE, VALIDITY_NOT_YET, VALIDITY_UNKNOWN

_HEADER_FIELDS = ("so_hieu", "loai_van_ban", "co_quan_chu_quan", "co_quan_ban_hanh", "trich_yeu", "dia_danh",
                  "ngay_ban_hanh", "ngay_hieu_luc", "do_khan", "quyen_han_ky", "chuc_vu", "nguoi_ky", "linh_vuc",
                  "tinh_trang_hieu_luc", "source_format")


def validity(metadata: dict[str, Any], today: date | None = None) -> str:
    """Status text wins (hết / còn / chưa có hiệu lực); a future effective date means not yet in force."""
    status = str(metadata.get("tinh_trang_hieu_luc") or "").lower()
    if "hết hiệu lực" in status or "het hieu luc" in status:
        return VALIDITY_EXPIRED
    if "chưa có hiệu lực" in status:
        return VALIDITY_NOT_YET
    if "còn hiệu lực" in status or "có hiệu lực" in status:
        return VALIDITY_IN_FORCE
    effective = metadata.get("ngay_hieu_luc")
    if effective:
        try:
            if date.fromisoformat(str(effective)) > (today or today_in_vietnam()):
                return VALIDITY_NOT_YET
        except ValueError:
            pass
    return VALIDITY_UNKNOWN


def build_payload(doc: Document, chunk: Chunk, order: int, chash: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "doc_id": doc.doc_id,
        "kind": doc.kind,
        "title": doc.title,
        "source": doc.source,
        "path": list(chunk.path),
        "citation": chunk.citation,
        "text": chunk.text,
        "context": chunk.context,
        "order": order,
        "validity": validity(doc.metadata),
        "content_hash": chash,
        "fields": chunk.fields,
        **doc.access.payload(),
    }
    for key in _HEADER_FIELDS:
        value = doc.metadata.get(key)
        if value:
            payload[key] = value
    basis = [b["so_hieu"] for b in doc.metadata.get("can_cu") or () if isinstance(b, dict) and b.get("so_hieu")]
    if basis:  # the numbers this document rests on, for "what is based on Nghị định 30/2020" and validity
        payload["can_cu_so_hieu"] = basis
    return payload
