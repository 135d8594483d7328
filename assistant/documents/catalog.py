"""The list of indexed documents as a person may see it: every header field, the source format, pages and OCR
confidence, the chunk count and the access label, read from the manifest (``assistant documents``, the API).

Why here and not in the store: the manifest holds one row per document with its parsed metadata, so listing
needs no vector query; access is the same rule the store's filter applies (``AccessLabel.allows``), and a row
whose label is unknown (written before labels were kept) is shown to administrators only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from assistant.service.pii import mask_file_name
from core.access import LEVEL_WORDS, ROLE_WORDS, AccessLabel, Principal
from core.deadlines import moment
from core.vietnamese import vietnamese_date
from indexing.manifest import Manifest, ManifestEntry

# The order ``documents show`` prints fields in, with their Vietnamese labels.
FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("loai_van_ban", "Loại văn bản"), ("so_hieu", "Số, ký hiệu"), ("trich_yeu", "Trích yếu"),
    ("co_quan_chu_quan", "Cơ quan chủ quản"), ("co_quan_ban_hanh", "Cơ quan ban hành"), ("dia_danh", "Địa danh"),
    ("ngay_ban_hanh", "Ngày ban hành"), ("ngay_hieu_luc", "Ngày hiệu lực"), ("do_mat", "Độ mật"),
    ("do_khan", "Độ khẩn"), ("kinh_gui", "Kính gửi"), ("can_cu", "Căn cứ"), ("noi_nhan", "Nơi nhận"),
    ("quyen_han_ky", "Quyền hạn ký"), ("chuc_vu", "Chức vụ người ký"), ("nguoi_ky", "Người ký"),
    ("linh_vuc", "Lĩnh vực"), ("tinh_trang_hieu_luc", "Tình trạng hiệu lực"), ("source_format", "Định dạng tệp"),
    ("pages", "Số trang"), ("ocr", "Nhận dạng chữ (OCR)"), ("ocr_confidence", "Độ tin cậy OCR"),
    ("ky_hieu", "Ký hiệu (phần in, khi số viết tay chưa đọc được)"), ("so_den", "Số đến (dấu công văn đến)"),
    ("ngay_den", "Ngày đến"), ("ky_so", "Ký số"), ("unreadable_fields", "Trường chưa đọc được"),
    ("metadata_conflicts", "Mâu thuẫn với bảng thông tin / nguồn"),
)
# A procedure record's code is no số hiệu and its agency carries the procedure out, it issued nothing
# ("Số, ký hiệu: 1.013614", "Cơ quan ban hành: Cục Quân y" read as a document's).
TTHC_LABELS: dict[str, str] = {"so_hieu": "Mã thủ tục", "co_quan_ban_hanh": "Cơ quan thực hiện",
                               "quyet_dinh": "Quyết định công bố", "cap_thuc_hien": "Cấp thực hiện"}
# Field names as an official reads them, for ``unreadable_fields``.
FIELD_NAMES = dict(FIELD_LABELS)


def _label(entry: ManifestEntry) -> AccessLabel | None:
    if entry.access is None:
        return None
    try:
        return AccessLabel.from_payload(entry.access)
    except (TypeError, ValueError):
        return None  # an unreadable label is never taken as public


_CLAUSES = ("roles_in_units", "groups", "units_and_below")


def _label_clauses(entry: ManifestEntry) -> dict[str, Any]:
    """The label's AND / group / hierarchy clauses, each present (None when the label has none), so the record
    reads the same here and through the API's schema (``assistant.api.schemas.AccessOut``)."""
    label = _label(entry)
    record = label.record() if label is not None else {}
    record = record if isinstance(record, dict) else {}
    return {k: record.get(k) or None for k in _CLAUSES}


def may_see(entry: ManifestEntry, principal: Principal) -> bool:
    if principal.is_admin:
        return True
    label = _label(entry)
    return label is not None and label.allows(principal)


def visible_documents(manifest: Manifest, principal: Principal) -> list[ManifestEntry]:
    """Indexed documents (written completely) that ``principal`` may see, by doc id."""
    return [e for e in manifest.entries() if e.content_hash is not None and may_see(e, principal)]


def visible_document(manifest: Manifest, doc_id: str, principal: Principal) -> ManifestEntry | None:
    """The document when it exists and ``principal`` may see it; None for both other cases alike."""
    entry = manifest.get(doc_id)
    if entry is None or entry.content_hash is None or not may_see(entry, principal):
        return None
    return entry


def document_record(entry: ManifestEntry) -> dict[str, Any]:
    """One document as ``documents list/show --json`` and the API give it."""
    meta = dict(entry.metadata)
    access = entry.access or {}
    return {
        # The file's name with personal data masked, for everyone, its sender included: an upload's name is
        # masked when it arrives (assistant.api.routes_documents.safe_filename); a file the operator indexed
        # from this disk is masked here.
        "doc_id": entry.doc_id, "kind": entry.kind, "title": entry.title,
        "file": mask_file_name(Path(entry.source).name),
        "source_format": meta.get("source_format"), "pages": meta.get("pages"),
        "ocr_confidence": meta.get("ocr_confidence"), "chunks": len(entry.chunk_ids),
        "access": {"level": access.get("access_level", "unknown"), "units": list(access.get("access_units") or ()),
                   "roles": list(access.get("access_roles") or ()), **_label_clauses(entry)},
        "updated_at": entry.updated_at, "metadata": meta,
    }


def _value(value: Any, key: str = "") -> str:
    if key == "unreadable_fields" and isinstance(value, list):
        return ", ".join(FIELD_NAMES.get(str(v), str(v)) for v in value)
    if isinstance(value, list):
        parts = []
        for v in value:
            if isinstance(v, dict) and v.get("summary"):  # a digital signature (ký số), said in words
                parts.append(str(v["summary"]).removeprefix("Ký số: "))
            elif isinstance(v, dict) and "field" in v:
                parts.append(f"{v['field']}: văn bản «{v.get('text')}», {v.get('origin', 'nguồn')} «{v.get('source')}»")
            elif isinstance(v, dict):  # a căn cứ: under the label "Căn cứ", without its own "Căn cứ" again
                text = re.sub(r"^căn\s+cứ\s+", "", str(v.get("text", v)), flags=re.IGNORECASE)
                parts.append(text + (f" [{v['so_hieu']}]" if v.get("so_hieu") else ""))
            else:
                parts.append(str(v))
        return "\n    ".join([""] + parts) if len(parts) > 1 else "".join(parts)
    if isinstance(value, bool):
        return "có" if value else "không"
    return str(value)


_DATES = ("ngay_ban_hanh", "ngay_hieu_luc")  # ISO in the data, dd/mm/yyyy to people


def _roles(roles: list[str]) -> str:
    return ", ".join(ROLE_WORDS.get(r, r) for r in roles)


def _scope_parts(access: dict[str, Any]) -> list[str]:
    """Each clause of a label in words, the AND / group / hierarchy clauses too (``documents show`` must not
    show a narrower or wider label than the one applied)."""
    parts = [", ".join(access.get("units") or [])] if access.get("units") else []
    if access.get("roles"):
        parts.append("vai trò " + _roles(access["roles"]))
    parts += [f"{_roles(roles)} của {unit}" for unit, roles in (access.get("roles_in_units") or {}).items()]
    if access.get("groups"):
        parts.append("nhóm " + ", ".join(access["groups"]))
    if access.get("units_and_below"):
        parts.append("đơn vị và cấp dưới " + ", ".join(access["units_and_below"]))
    return parts


def record_lines(record: dict[str, Any]) -> list[str]:
    """``documents show`` as text: id, title, then each known field that has a value, chunks and access."""
    meta = record["metadata"]
    lines = [f"Mã văn bản: {record['doc_id']}", f"Tiêu đề: {record['title']}", f"Tệp: {record['file']}"]
    labels = FIELD_LABELS
    if record.get("kind") == "tthc":
        labels = tuple((k, TTHC_LABELS.get(k, label)) for k, label in FIELD_LABELS) + \
            tuple((k, label) for k, label in TTHC_LABELS.items() if k not in dict(FIELD_LABELS))
    lines += [f"{label}: {vietnamese_date(meta[key]) if key in _DATES else _value(meta[key], key)}"
              for key, label in labels
              if meta.get(key) not in (None, "", []) and not (key == "ky_hieu" and meta.get("so_hieu"))]
    access = record["access"]
    scope = "; ".join(_scope_parts(access))
    lines += [f"Số đoạn (chunks): {record['chunks']}",
              f"Quyền truy cập: {LEVEL_WORDS.get(access['level'], 'chưa rõ (' + str(access['level']) + ')')}"
              + (f" ({scope})" if scope else ""),
              f"Cập nhật: {moment(record['updated_at']) if record['updated_at'] else 'không rõ'}"]
    return lines


def record_row(record: dict[str, Any]) -> str:
    """``documents list`` as one line per document."""
    meta = record["metadata"]
    name = " ".join(str(meta[k]) for k in ("loai_van_ban", "so_hieu") if meta.get(k)) or record["title"]
    date = vietnamese_date(meta.get("ngay_ban_hanh")) or "—"
    issuer = meta.get("co_quan_ban_hanh") or "—"
    fmt = record.get("source_format") or record["kind"]
    level = record["access"]["level"]
    return f"{record['doc_id']} · {name} · {date} · {issuer} · {fmt} · {record['chunks']} đoạn · " \
           f"{LEVEL_WORDS.get(level, level)}"
