"""Summaries published by the province's shared data warehouse (Kho dữ liệu dùng chung).

The format is ours, documented in docs/warehouse-format.md: a file holds one record or
``{"records": [...]}``. Each record is validated on its own, so one bad record is one Rejection and
the good records of the same file are still indexed. A record whose ``do_mat`` is a secrecy level is
refused: state secrets never enter the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from connectors.base import (
    DEFAULT_MAX_BYTES,
    Rejection,
    iter_json_files,
    normalize_record,
)
from core.access import AccessLabel
from core.documents import Document
from core.errors import RejectedInput, SecretDocument
from core.secrecy import STAMPS, secrecy_reason

REQUIRED_TEXT = ("id", "title", "owner_unit", "summary")
# Longest value each text field may hold: a longer one is a broken export, not a summary.
MAX_CHARS = {"id": 120, "title": 500, "owner_unit": 300, "period": 100, "summary": 200_000}
# do_mat values that mean "not classified".
_NOT_SECRET = {"", "không", "thường", "công khai", "không mật"}
_STAMP_BY_KEY = {s.casefold(): s for s in STAMPS}


def looks_like_warehouse(data: Any) -> bool:
    """True for ``{"records": ...}`` or a single record with ``summary`` and ``owner_unit``."""
    return isinstance(data, dict) and ("records" in data or ("summary" in data and "owner_unit" in data))


def _text_field(record: dict[str, Any], key: str, required: bool) -> str:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise RejectedInput(f"thiếu trường bắt buộc '{key}'")
        return ""
    if not isinstance(value, str):
        raise RejectedInput(f"trường '{key}' phải là chuỗi, nhận được {type(value).__name__}")
    longest = MAX_CHARS.get(key, 10_000)
    if len(value.strip()) > longest:
        raise RejectedInput(f"trường '{key}' dài {len(value.strip())} ký tự, vượt giới hạn {longest}")
    return value.strip()


def _figures(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RejectedInput("trường 'figures' phải là danh sách")
    figures = []
    for i, fig in enumerate(value, 1):
        if not isinstance(fig, dict):
            raise RejectedInput(f"trường 'figures' mục {i} phải là đối tượng {{name, value, unit}}")
        name = fig.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RejectedInput(f"trường 'figures' mục {i}: thiếu 'name'")
        val = fig.get("value")
        if isinstance(val, bool) or not isinstance(val, int | float | str) or val == "":
            raise RejectedInput(f"trường 'figures' mục {i} («{name.strip()}»): 'value' phải là số hoặc chuỗi")
        unit = fig.get("unit") or ""
        if not isinstance(unit, str):
            raise RejectedInput(f"trường 'figures' mục {i} («{name.strip()}»): 'unit' phải là chuỗi")
        figures.append({"name": name.strip(), "value": val, "unit": unit.strip()})
    return figures


def _updated_at(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RejectedInput("thiếu trường bắt buộc 'updated_at'")
    try:
        return datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise RejectedInput(f"trường 'updated_at' không phải thời điểm ISO 8601: {value!r}") from None


def _check_do_mat(value: Any) -> None:
    if value is None:
        return
    key = " ".join(str(value).split()).casefold()
    if key in _STAMP_BY_KEY:
        raise SecretDocument(secrecy_reason(_STAMP_BY_KEY[key]))
    if key not in _NOT_SECRET:
        raise RejectedInput(
            f"trường 'do_mat' không hợp lệ: {value!r} (chỉ nhận Mật / Tối mật / Tuyệt mật hoặc để trống)"
        )


def warehouse_document(record: Any, source: str) -> Document:
    """One validated record as a Document (kind "warehouse"); raises RejectedInput naming the field."""
    if not isinstance(record, dict):
        raise RejectedInput(f"bản ghi phải là đối tượng JSON, nhận được {type(record).__name__}")
    _check_do_mat(record.get("do_mat"))
    rid, title, owner, summary = (_text_field(record, k, True) for k in REQUIRED_TEXT)
    period = _text_field(record, "period", False)
    if "access" not in record:
        raise RejectedInput("thiếu trường bắt buộc 'access'")
    try:
        access = AccessLabel.from_record(record["access"])
    except (ValueError, TypeError, AttributeError) as exc:
        raise RejectedInput(f"trường 'access' không hợp lệ: {exc}") from None
    updated_at = _updated_at(record.get("updated_at"))
    figures = _figures(record.get("figures"))
    clean = {
        **record,
        "id": rid,
        "title": title,
        "owner_unit": owner,
        "summary": summary,
        "period": period,
        "figures": figures,
        "updated_at": updated_at,
    }
    metadata = {
        "co_quan_ban_hanh": owner,
        "loai_van_ban": "Báo cáo tổng hợp",
        "ky_bao_cao": period,
        "updated_at": updated_at,
    }
    return Document(
        doc_id=f"kho:{rid}",
        kind="warehouse",
        title=title,
        text=summary,
        source=source,
        access=access,
        metadata={k: v for k, v in metadata.items() if v},
        record=clean,
    )


def warehouse_documents(data: Any, source: str) -> Iterator[Document | Rejection]:
    """All records of one parsed file: a Document per good record, a Rejection per bad one."""
    data = normalize_record(data)
    if isinstance(data, dict) and "records" in data:
        records = data["records"]
        if not isinstance(records, list):
            yield Rejection(source, "JSON không đúng định dạng kho dữ liệu: 'records' phải là danh sách")
            return
    elif isinstance(data, dict):
        records = [data]
    else:
        yield Rejection(
            source, 'JSON không đúng định dạng kho dữ liệu: cần một bản ghi hoặc {"records": [...]}'
        )
        return
    if not records:
        yield Rejection(source, "kho dữ liệu: 'records' rỗng, không có bản ghi nào")
    seen: set[str] = set()
    for i, record in enumerate(records, 1):
        rid = record.get("id") if isinstance(record, dict) else None
        label = f"bản ghi «{rid}»" if isinstance(rid, str) and rid.strip() else f"bản ghi thứ {i}"
        try:
            doc = warehouse_document(record, source)
        except RejectedInput as exc:
            yield Rejection(source, f"{label}: {exc}")
            continue
        if doc.doc_id in seen:
            yield Rejection(source, f"{label}: trùng id với một bản ghi trước trong cùng tệp")
            continue
        seen.add(doc.doc_id)
        yield doc


class WarehouseConnector:
    """Reads warehouse JSON files (or folders of them)."""

    def __init__(self, paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.paths = [Path(p) for p in paths]
        self.max_bytes = max_bytes

    def documents(self) -> Iterator[Document | Rejection]:
        for item in iter_json_files(self.paths, self.max_bytes):
            if isinstance(item, Rejection):
                yield item
            else:
                yield from warehouse_documents(item[1], item[0])
