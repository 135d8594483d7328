"""Administrative procedures (thủ tục hành chính) exported from the national public-service portal.

One procedure per JSON file: ``metadata`` (mã_thủ_tục, tên_thủ_tục, số_quyết_định, cấp_thực_hiện,
lĩnh_vực, …), ``content`` (trình_tự_thực_hiện, cơ_quan_thực_hiện, …) and ``tables`` (hinh_thuc_nop,
thanh_phan_ho_so, can_cu_phap_ly). The record is kept whole so the parser can chunk by field group
and answer fee / time-limit / agency questions from structured fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.base import DEFAULT_MAX_BYTES, Rejection, iter_json_files, normalize_record
from core.documents import Document
from core.errors import RejectedInput
from core.vietnamese import normalize_text

TABLES = ("hinh_thuc_nop", "thanh_phan_ho_so", "can_cu_phap_ly")

# Values the portal prints where it has no data. "Không quy định" is *not* here: for a time limit it
# is an answer ("the law sets no time limit").
_PLACEHOLDERS = {
    "",
    "không có thông tin",
    "chưa có thông tin",
    "không",
    "không có",
    "n/a",
    "na",
    "none",
    "null",
    "-",
    "--",
    "...",
    "…",
}


def clean_value(value: Any) -> str:
    """A field's text with portal placeholders ("Không có thông tin", "Không", "N/A") turned into ""."""
    if value is None:
        return ""
    text = str(value).replace("\t", " ").strip()
    if text.rstrip(".").strip().casefold() in _PLACEHOLDERS:
        return ""
    return text


def looks_like_tthc(data: Any) -> bool:
    """True for a portal export: a ``metadata`` object carrying ``mã_thủ_tục``."""
    if not isinstance(data, dict) or not isinstance(data.get("metadata"), dict):
        return False
    return any(normalize_text(str(k)) == "mã_thủ_tục" for k in data["metadata"])


def validate_tthc(data: Any) -> None:
    """Raise RejectedInput naming the first missing or mistyped part of the export."""
    prefix = "JSON không đúng định dạng TTHC"
    if not isinstance(data, dict):
        raise RejectedInput(f"{prefix}: cần một đối tượng JSON, nhận được {type(data).__name__}")
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        raise RejectedInput(f"{prefix}: thiếu metadata")
    for key, longest in (("mã_thủ_tục", 64), ("tên_thủ_tục", 1000)):
        if not isinstance(meta.get(key), str) or not clean_value(meta.get(key)):
            raise RejectedInput(f"{prefix}: thiếu metadata.{key}")
        if len(meta[key]) > longest:
            raise RejectedInput(f"{prefix}: metadata.{key} dài {len(meta[key])} ký tự, vượt giới hạn {longest}")
    if "content" in data and not isinstance(data["content"], dict):
        raise RejectedInput(f"{prefix}: content phải là đối tượng")
    tables = data.get("tables", {})
    if not isinstance(tables, dict):
        raise RejectedInput(f"{prefix}: tables phải là đối tượng")
    for name in TABLES:
        rows = tables.get(name, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise RejectedInput(f"{prefix}: tables.{name} phải là danh sách các đối tượng")


def _summary(meta: dict[str, Any], agency: str) -> str:
    parts = [
        f"Thủ tục hành chính {clean_value(meta.get('mã_thủ_tục'))}: {clean_value(meta.get('tên_thủ_tục'))}."
    ]
    for label, value in (
        ("Lĩnh vực", meta.get("lĩnh_vực")),
        ("Cấp thực hiện", meta.get("cấp_thực_hiện")),
        ("Cơ quan", agency),
        ("Ban hành kèm theo", meta.get("số_quyết_định")),
    ):
        if clean_value(value):
            parts.append(f"{label}: {clean_value(value)}.")
    return " ".join(parts)


def tthc_document(data: Any, source: str) -> Document:
    """One procedure as a Document (kind "tthc"); raises RejectedInput for a wrong shape."""
    record = normalize_record(data)
    validate_tthc(record)
    meta = record["metadata"]
    content = record.get("content") or {}
    code = clean_value(meta["mã_thủ_tục"])
    agency = clean_value(content.get("cơ_quan_có_thẩm_quyền")) or clean_value(
        content.get("cơ_quan_thực_hiện")
    )
    metadata = {
        "so_hieu": code,
        "loai_van_ban": "Thủ tục hành chính",
        "linh_vuc": clean_value(meta.get("lĩnh_vực")),
        "co_quan_ban_hanh": agency,
        "quyet_dinh": clean_value(meta.get("số_quyết_định")),
        "cap_thuc_hien": clean_value(meta.get("cấp_thực_hiện")),
    }
    return Document(
        doc_id=f"tthc:{code}",
        kind="tthc",
        title=clean_value(meta["tên_thủ_tục"]),
        text=_summary(meta, agency),
        source=source,
        metadata={k: v for k, v in metadata.items() if v},
        record=record,
    )


class TthcConnector:
    """Reads portal-export JSON files (or folders of them); each bad file becomes a Rejection."""

    def __init__(self, paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.paths = [Path(p) for p in paths]
        self.max_bytes = max_bytes

    def documents(self) -> Iterator[Document | Rejection]:
        for item in iter_json_files(self.paths, self.max_bytes):
            if isinstance(item, Rejection):
                yield item
                continue
            source, data = item
            try:
                yield tthc_document(data, source)
            except RejectedInput as exc:
                yield Rejection(source, str(exc))


@dataclass(frozen=True)
class Collision:
    """One procedure code read from two records in one run: ``kept`` (the newer) is indexed, ``dropped`` is not."""

    code: str
    kept: str
    dropped: str
    kept_decision: str
    dropped_decision: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "kept": self.kept, "dropped": self.dropped,
                "kept_decision": self.kept_decision, "dropped_decision": self.dropped_decision}


def _decision_day(doc: Document) -> str:
    """The record's decision date as ISO ("16-01-2026" → "2026-01-16"); "" when the record has none."""
    raw = clean_value(((doc.record or {}).get("metadata") or {}).get("ngày_quyết_định"))
    parts = raw.replace("/", "-").split("-")
    if len(parts) == 3 and len(parts[2]) == 4:
        return f"{parts[2]}-{parts[1].zfill(2)}-{parts[0].zfill(2)}"
    return ""


def _decision(doc: Document) -> str:
    return " ".join(x for x in (str(doc.metadata.get("quyet_dinh") or ""), _decision_day(doc)) if x)


def newest_records(items: Iterable[Document | Rejection],
                   collisions: list[Collision]) -> Iterator[Document | Rejection]:
    """``items`` with one record per procedure code: where two sets hold the same code (the defence set and the
    province's), the record with the later decision date wins (one with a date beats one without; on a tie, the
    one read last). Each collision is appended to ``collisions`` for the index report.

    Why here: both records have the id ``tthc:<code>``, so indexing both made each run replace one with the other
    ("updated" every time) and left which one answered to the order of the folders."""
    chosen: dict[str, Document] = {}
    for item in items:
        if not isinstance(item, Document) or item.kind != "tthc":
            yield item
            continue
        other = chosen.get(item.doc_id)
        if other is None:
            chosen[item.doc_id] = item
            continue
        newer, older = (item, other) if _decision_day(item) >= _decision_day(other) else (other, item)
        chosen[item.doc_id] = newer
        collisions.append(Collision(str(newer.metadata.get("so_hieu") or newer.doc_id), newer.source, older.source,
                                    _decision(newer), _decision(older)))
    yield from chosen.values()
