"""The ``access`` and ``fields`` form fields of an upload (``POST /v1/documents``), read strictly.

Why strict: a DMS that sends ``access`` or a header field we do not read must hear so (422 naming it), because
a silently ignored label is a restricted document made readable by everyone. An upload without ``access`` is
``internal`` (every signed-in official), never public; ``connectors.access_labelling`` holds the precedence.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.api.errors import ApiError
from connectors.access_labelling import parse_access
from core.access import AccessLabel
from core.dates import read_date
from core.units import fold

UPLOAD_DEFAULT = AccessLabel("internal")
# The header fields a DMS may send, named as ``documents show`` names them (assistant.documents.catalog).
DMS_FIELDS: tuple[str, ...] = (
    "loai_van_ban", "so_hieu", "trich_yeu", "co_quan_chu_quan", "co_quan_ban_hanh", "dia_danh", "ngay_ban_hanh",
    "ngay_hieu_luc", "do_mat", "do_khan", "kinh_gui", "can_cu", "noi_nhan", "quyen_han_ky", "chuc_vu", "nguoi_ky",
    "linh_vuc", "tinh_trang_hieu_luc",
)
_LIST_FIELDS = ("kinh_gui", "can_cu", "noi_nhan")
_SECRET = {"mat", "toi mat", "tuyet mat"}
MAX_FIELD_CHARS = 2000


def form_access(text: str | None) -> AccessLabel | None:
    """The ``access`` form field as a label, None when absent; 422 naming the field and the reason."""
    if text is None or not text.strip():
        return None
    try:
        return parse_access(text, "access")
    except ValueError as exc:
        raise ApiError(422, f"Trường access không hợp lệ: {exc} / invalid access label", "invalid_access") from None


def form_fields(text: str | None) -> dict[str, Any]:
    """The ``fields`` form field (a JSON object of header fields); 422 naming the first unknown or malformed
    field. A secrecy level (Mật, Tối mật, Tuyệt mật) is refused: secret documents never enter the system."""
    if text is None or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(f"fields: không phải JSON hợp lệ ({exc.msg})") from None
    if not isinstance(value, dict):
        raise _bad(f"fields: cần một đối tượng JSON, nhận {type(value).__name__}")
    unknown = sorted(set(value) - set(DMS_FIELDS))
    if unknown:
        raise _bad(f"fields: trường không biết {unknown[:5]} (nhận {', '.join(DMS_FIELDS)})")
    out: dict[str, Any] = {}
    for key, raw in value.items():
        out[key] = _field(key, raw)
    if fold(str(out.get("do_mat", ""))).strip() in _SECRET:
        raise ApiError(422, "fields.do_mat: văn bản mật không được đưa vào hệ thống / secret documents are refused",
                       "secret_document")
    return {k: v for k, v in out.items() if v not in ("", [])}


def _field(key: str, raw: object) -> str | list[str]:
    if key in _LIST_FIELDS and isinstance(raw, list):
        if not all(isinstance(v, str) and len(v) <= MAX_FIELD_CHARS for v in raw):
            raise _bad(f"fields.{key}: cần danh sách chuỗi")
        return [v.strip() for v in raw if v.strip()]
    if not isinstance(raw, str) or len(raw) > MAX_FIELD_CHARS:
        raise _bad(f"fields.{key}: cần chuỗi (tối đa {MAX_FIELD_CHARS} ký tự)")
    if key in ("ngay_ban_hanh", "ngay_hieu_luc") and raw.strip():
        day = read_date(raw)
        if day is None:
            raise _bad(f"fields.{key}: ngày không đọc được {raw[:40]!r} (dùng YYYY-MM-DD)")
        return day
    return raw.strip()


def _bad(message: str) -> ApiError:
    return ApiError(422, f"{message} / invalid document fields", "invalid_fields")
