"""The header block of a document in the Nghị định 30/2020 layout: cơ quan chủ quản / ban hành, số ký hiệu,
địa danh and ngày, độ mật / độ khẩn stamps, tên loại + trích yếu, "Kính gửi".

Why one reader of "atoms": the same block reaches us as a two-column table (docx, HTML: cells with their own
lines), as the lines a text export writes cell after cell, as a scraped page's ``a |`` cells, or as one
collapsed line ("CHÍNH PHỦ _____ Số: 30/2020/NĐ-CP | CỘNG HÒA …"); each is cut into the same short atoms
(rules, pipes and the known openers are the cuts) and read once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.dates import DAY_MONTH_YEAR, NGAY, read_date
from core.so_hieu import find_so_hieu
from core.tables import Table
from core.vietnamese import normalize_text, strip_marks
from indexing.agency_names import agency_name, split_bodies

ACT_TYPES = ("BỘ LUẬT", "LUẬT", "HIẾN PHÁP", "PHÁP LỆNH", "LỆNH", "NGHỊ ĐỊNH", "NGHỊ QUYẾT", "THÔNG TƯ LIÊN TỊCH",
             "THÔNG TƯ", "QUYẾT ĐỊNH", "CHỈ THỊ", "KẾ HOẠCH", "BÁO CÁO", "THÔNG BÁO", "HƯỚNG DẪN", "CÔNG VĂN",
             "ĐỀ ÁN", "CHƯƠNG TRÌNH", "QUY CHẾ", "QUY ĐỊNH", "TỜ TRÌNH", "CÔNG ĐIỆN", "GIẤY MỜI", "BIÊN BẢN")
URGENCY = {"HOA TOC": "Hỏa tốc", "THUONG KHAN": "Thượng khẩn", "KHAN": "Khẩn"}
SECRECY = {"TUYET MAT": "Tuyệt mật", "TOI MAT": "Tối mật", "MAT": "Mật"}
_CUTS = re.compile(r"\s*(?:\||[_\-=–—*·]{3,})\s*")
_OPENERS = re.compile(r"(?<=\S)\s+(?=Số\s*:\s*\d|CỘNG H[ÒO]A XÃ HỘI|Độc lập\s*[-–]|V/v\s|Kính gửi\s*:)|"
                      r"(?<=Hạnh phúc)\s+")
_SO = re.compile(r"^(?:[^\W\d_]+\s+){0,2}[Ss]ố\s*:\s*(\d[^\s|,;]*)")
_PLACE_DATE = re.compile(r"((?:[^\W\d_.]+\.?\s){0,3}[^\W\d_]+),\s*(" + NGAY + r"\s+" + DAY_MONTH_YEAR + ")")
_COHOA = re.compile(r"CỘNG H[ÒO]A XÃ HỘI|Độc lập\s*[-–]|CHỦ NGHĨA VIỆT NAM$")
_KINH_GUI = re.compile(r"^Kính gửi\s*:\s*(.*)$")


@dataclass
class HeaderRead:
    """What the header block says; ``title_lines`` is the trích yếu as written (caps kept for recasing)."""

    fields: dict[str, Any] = field(default_factory=dict)
    title_lines: list[str] = field(default_factory=list)


def atoms(lines: list[str]) -> list[str]:
    """Short pieces of header text: cut at pipes, rules and before the openers ("Số:", "CỘNG HÒA", a date)."""
    out: list[str] = []
    for line in lines:
        for piece in _CUTS.split(normalize_text(line)):
            for atom in _OPENERS.split(piece):
                if atom := " ".join(atom.split()).strip(" |"):
                    out.append(atom)
    return out


def _fold(text: str) -> str:
    return " ".join(strip_marks(text).upper().split())


def stamp(atom: str) -> tuple[str, str] | None:
    """("do_khan", "Hỏa tốc") or ("do_mat", "Mật") for a stamp atom, else None."""
    key = _fold(atom).strip(" .:()")
    if key in URGENCY:
        return "do_khan", URGENCY[key]
    if key in SECRECY:
        return "do_mat", SECRECY[key]
    return None


def so_hieu_number(raw: str) -> str:
    """The canonical number ("1234/QĐ-UBND") when the text is one, else the raw value without punctuation."""
    raw = raw.strip().rstrip(".;,:")
    found = find_so_hieu(raw)
    if found and found[0].start == 0 and found[0].end >= len(raw.split("/")[0]):
        return found[0].so_hieu.canonical if found[0].end >= len(raw) - 1 else raw
    return raw


def header_table(tables: list[Table], header_end: int) -> Table | None:
    """The first table above ``header_end`` whose cells hold the Quốc hiệu or "Số:": the NĐ30 header (the
    scraped metadata table, whose rows are "Số hiệu | …", is not one; a sample layout in an appendix neither)."""
    for table in tables[:3]:
        if table.start_line > header_end:
            continue
        cells = [c for row in ((table.header,) if table.header else ()) + table.rows for c in row]
        if any(_COHOA.search(c) for c in cells) or any(_SO.match(c) for c in cells if not c.startswith("Số hiệu")):
            return table
    return None


def table_columns(table: Table) -> tuple[list[str], list[str]]:
    """(left column lines, right column lines) of a header table, each cell's own lines when kept."""
    left: list[str] = []
    right: list[str] = []
    lines = table.meta.get("cell_lines")
    rows = lines if lines else [[[c] for c in r] for r in ((table.header,) if table.header else ()) + table.rows]
    for row in rows:
        cells = list(row)
        if not cells:
            continue
        if len(cells) == 1:
            (right if any(_COHOA.search(x) for x in cells[0]) else left).extend(cells[0])
            continue
        left.extend(cells[0])
        for cell in cells[1:]:
            right.extend(cell)
    return left, right


def read_header(lines: list[str], issuer_lines: list[str] | None = None) -> HeaderRead:
    """Fields of the header block. ``lines`` are the block in reading order; ``issuer_lines`` the issuer column
    when a table told it (else the upper-case atoms just above the Quốc hiệu are the issuer)."""
    parts = atoms(lines)
    read = HeaderRead()
    f = read.fields
    cohoa = next((i for i, a in enumerate(parts) if _COHOA.search(a)), None)
    if issuer_lines is None and cohoa is not None:
        issuer_lines = []
        for a in reversed(parts[:cohoa]):
            if not a.isupper() or stamp(a) or _SO.match(a) or len(a) > 120:
                break
            issuer_lines.insert(0, a)
    first_so = next((i for i, a in enumerate(parts) if _SO.match(a)), None)
    if issuer_lines is None and first_so is not None and 0 < first_so <= 3:
        # No Quốc hiệu (a markdown or plain copy): the capitals above "Số:" at the very top are the issuer.
        lead = parts[:first_so]
        if all(a.isupper() and not stamp(a) and a.rstrip(":") not in ACT_TYPES for a in lead):
            issuer_lines = lead
    bodies = split_bodies([a for a in atoms(issuer_lines or []) if not _SO.match(a) and not stamp(a)
                           and not a.startswith("V/v")])
    if bodies:
        f["co_quan_ban_hanh"] = agency_name(bodies[-1])
        if len(bodies) > 1:
            f["co_quan_chu_quan"] = agency_name(bodies[0])
    kind_at = None
    for i, a in enumerate(parts):
        if (m := _SO.match(a)) and "so_hieu" not in f:
            f["so_hieu"] = so_hieu_number(m.group(1))
        elif (m := _PLACE_DATE.search(a)) and "ngay_ban_hanh" not in f and (iso := read_date(m.group(2))):
            f["dia_danh"], f["ngay_ban_hanh"] = _place(m.group(1)), iso
        elif (s := stamp(a)) and s[0] not in f:
            f[s[0]] = s[1]
        elif a.startswith("V/v") and "trich_yeu" not in f:
            f["trich_yeu"] = a
        elif (m := _KINH_GUI.match(a)) and "kinh_gui" not in f:
            f["kinh_gui"] = _recipients(m.group(1), parts[i + 1:])
        elif kind_at is None and a.rstrip(":").strip() in ACT_TYPES and (cohoa is None or i > cohoa):
            kind_at = i
            f["loai_van_ban"] = a.rstrip(":").strip().capitalize()
    if "ngay_ban_hanh" not in f:  # no place: "Số: 12/QĐ-UBND — ngày 15 tháng 3 năm 2026", or "ngày …" alone
        for a in parts[:kind_at if kind_at is not None else 12]:
            if (a.startswith("ngày") or _SO.match(a)) and (iso := read_date(a)):
                f["ngay_ban_hanh"] = iso
                break
    if kind_at is not None:
        read.title_lines = _title(parts[kind_at + 1:])
    if "loai_van_ban" not in f and "trich_yeu" in f:
        f["loai_van_ban"] = "Công văn"  # NĐ30: a công văn has no tên loại, its trích yếu is "V/v …"
    return read


def _place(words: str) -> str:
    """The capitalised words just before ", ngày" ("… Hạnh phúc Hà Nội" → "Hà Nội")."""
    kept: list[str] = []
    for w in reversed(words.split()):
        if not w[:1].isupper():
            break
        kept.insert(0, w)
    return " ".join(kept) or words.strip()


def _title(after: list[str]) -> list[str]:
    title: list[str] = []
    for a in after[:4]:
        if a.startswith(("Căn cứ", "Kính gửi", "Thực hiện")) or stamp(a) or (title and not a.isupper()):
            break
        if not title and len(a) > 300:
            break
        title.append(a)
        if not a.isupper():
            break
    return title


def _recipients(first: str, after: list[str]) -> list[str]:
    """"Kính gửi: Sở Y tế." on one line, or "Kính gửi:" then "- A;" "- B." lines."""
    items = [first.strip(" -;.")] if first.strip(" -;.") else []
    for a in after:
        if not a.startswith(("-", "+", "•")):
            break
        items.append(a.lstrip("-+• ").rstrip(";.").strip())
    return [i for i in items if i]
