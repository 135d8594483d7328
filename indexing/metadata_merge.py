"""Header fields that come from outside the document's own text, and how they meet the text's.

A legal-document website prints a metadata table ("| Số hiệu | 731/KH-UBND |", "Cơ quan ban hành: …"), and a
connector (DMS upload, warehouse) may hand fields in. The text as issued is the authority: where it states a
field, its value is kept, and a source that says otherwise is reported in ``metadata_conflicts``
(``{"field", "text", "source", "origin"}``: the kept value, the other value, where that came from). A field the
text does not state is taken from the table, then from the connector.
"""

from __future__ import annotations

import re
from typing import Any

from core.dates import read_date
from core.so_hieu import parse_so_hieu
from core.tables import Table
from core.vietnamese import normalize_text
from indexing.agency_names import agency_name, has_locality, locality_name

LABELS = {
    "số hiệu": "so_hieu", "số ký hiệu": "so_hieu", "ký hiệu": "so_hieu",
    "loại văn bản": "loai_van_ban", "hình thức văn bản": "loai_van_ban",
    "cơ quan ban hành": "co_quan_ban_hanh", "nơi ban hành": "co_quan_ban_hanh",
    "ngày ban hành": "ngay_ban_hanh", "ngày có hiệu lực": "ngay_hieu_luc", "ngày hiệu lực": "ngay_hieu_luc",
    "người ký": "nguoi_ky", "lĩnh vực": "linh_vuc", "lĩnh vực, ngành": "linh_vuc",
    "tình trạng": "tinh_trang_hieu_luc", "tình trạng hiệu lực": "tinh_trang_hieu_luc",
    "trích yếu": "trich_yeu",
}
DATE_KEYS = ("ngay_ban_hanh", "ngay_hieu_luc")
_KV = re.compile(r"([^:|]{2,30}?)\s*:\s*(.+)$")


def _label(text: str) -> str | None:
    return LABELS.get(" ".join(text.lower().rstrip(":").split()))


def _put(out: dict[str, str], key: str, value: str) -> None:
    value = normalize_text(value).strip().strip("|").strip()
    if key in DATE_KEYS:
        value = read_date(value) or ""
    if value and key not in out and (key != "so_hieu" or any(c.isdigit() for c in value)):
        out[key] = value


def scraped_fields(tables: list[Table], head_lines: list[str]) -> dict[str, str]:
    """The website's metadata: two-cell rows whose first cell is a known label (from ``tables``, else from
    ``| a | b |`` lines), then "Label: value" lines of the head."""
    out: dict[str, str] = {}
    for table in tables:
        for row in ((table.header,) if table.header else ()) + table.rows:
            if len(row) >= 2 and (key := _label(row[0])):
                _put(out, key, row[1])
    for line in head_lines:
        s = line.strip()
        cells = [c.strip() for c in s.strip("|").split("|")] if s.startswith("|") and not tables else []
        if len(cells) >= 2 and (key := _label(cells[0])):
            _put(out, key, cells[1])
        elif not s.startswith("|") and (m := _KV.match(s)) and (key := _label(m.group(1))):
            _put(out, key, m.group(2))
    return out


def _same_case(value: Any) -> str:
    return " ".join(normalize_text(str(value)).casefold().split())


def agree(key: str, text_value: Any, other: Any) -> bool:
    """Whether two values of one field say the same (a shorter issuer name inside the longer one agrees)."""
    if key == "so_hieu":
        a, b = parse_so_hieu(str(text_value)), parse_so_hieu(str(other))
        if a and b:
            return a.key == b.key
    if key in DATE_KEYS:
        return read_date(str(text_value)) == read_date(str(other))
    if key in ("co_quan_ban_hanh", "co_quan_chu_quan"):
        text_value, other = agency_name(str(text_value)), agency_name(str(other))
    a, b = _same_case(text_value), _same_case(other)  # marks kept: "Nguyễn Văn Ân" is not "Nguyễn Văn An"
    if key in ("co_quan_ban_hanh", "co_quan_chu_quan", "trich_yeu"):
        return a in b or b in a
    return a == b


def merge(text: dict[str, Any], scraped: dict[str, str], given: dict[str, Any],
          keys: tuple[str, ...]) -> dict[str, Any]:
    """The text's fields, completed from the scraped table and then the connector's; disagreements listed."""
    out: dict[str, Any] = {k: v for k, v in given.items()
                           if v not in (None, "", [], {}) and k != "metadata_conflicts"}
    conflicts: list[dict[str, str]] = []
    for origin, source in (("connector", given), ("metadata_table", scraped)):
        for key in keys:
            value = source.get(key)
            if value in (None, "") or key not in text or agree(key, text[key], value):
                continue
            conflicts.append({"field": key, "text": str(text[key]), "source": str(value), "origin": origin})
    out.update({k: v for k, v in scraped.items() if v})
    issuer = text.get("co_quan_ban_hanh")
    for origin_value in (scraped.get("co_quan_ban_hanh"), given.get("co_quan_ban_hanh")):
        place = locality_name(str(origin_value)) if origin_value else None
        if issuer and place and not has_locality(issuer):
            text = {**text, "co_quan_ban_hanh": f"{issuer} {place}"}  # "Ủy ban nhân dân" + "Tỉnh Hà Tĩnh"
            conflicts = [c for c in conflicts if c["field"] != "co_quan_ban_hanh"]
            break
    out.update({k: v for k, v in text.items() if v not in (None, "", [], {})})
    if isinstance(out.get("co_quan_ban_hanh"), str):
        out["co_quan_ban_hanh"] = agency_name(out["co_quan_ban_hanh"])
    if conflicts:
        out["metadata_conflicts"] = conflicts
    return out
