"""The payload stored with each point: what filters, citations and the access check need."""

from __future__ import annotations

from typing import Any

from core.deadlines import today_in_vietnam
from core.documents import Chunk, Document
from core.legal_status import status_of_metadata

_HEADER_FIELDS = ("so_hieu", "so_hieu_key", "loai_van_ban", "co_quan_chu_quan", "co_quan_ban_hanh", "trich_yeu",
                  "dia_danh", "ngay_ban_hanh", "ngay_hieu_luc", "do_khan", "quyen_han_ky", "chuc_vu", "nguoi_ky",
                  "linh_vuc", "tinh_trang_hieu_luc", "source_format")


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
        "validity": status_of_metadata(doc.metadata, today_in_vietnam()),
        "content_hash": chash,
        "fields": chunk.fields,
        **doc.access.payload(),
    }
    for key in _HEADER_FIELDS:
        value = doc.metadata.get(key)
        if value:
            payload[key] = value
    signed = [str(s["summary"]) for s in doc.metadata.get("ky_so") or () if isinstance(s, dict) and s.get("summary")]
    if signed:  # "Ký số: Ủy ban nhân dân tỉnh …, 16/04/2020 07:37 — …" for the source panel
        payload["ky_so"] = signed
    basis = [b["so_hieu"] for b in doc.metadata.get("can_cu") or () if isinstance(b, dict) and b.get("so_hieu")]
    if basis:  # the numbers this document rests on, for "what is based on Nghị định 30/2020" and validity
        payload["can_cu_so_hieu"] = basis
    return payload
