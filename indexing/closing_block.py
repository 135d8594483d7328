"""The closing block of a Nghị định 30/2020 document: "Nơi nhận:" and its list | quyền hạn ký (TM., KT., Q., TL.,
TUQ.), chức vụ and người ký.

Why apart from the header: it sits at the end (before any Phụ lục), comes as the last two-cell table of a
docx/HTML file, as cell-after-cell lines of a text export, or as one collapsed line ("Nơi nhận: - A; - B. |
TM. CHÍNH PHỦ THỦ TƯỚNG (Đã ký) Nguyễn Xuân Phúc"); all three end in the same reader.
"""

from __future__ import annotations

import re
from typing import Any

from core.tables import Table
from core.vietnamese import normalize_text
from indexing.agency_names import position_name

_NOI_NHAN = re.compile(r"^\s*\|?\s*Nơi nhận\s*:\s*(.*)$")
_AUTHORITY = re.compile(r"(?<![\w.])(TM|KT|Q|TL|TUQ)\.\s*")
_POSITION = re.compile(r"(?:PHÓ\s+)?(?:CHỦ TỊCH(?: QUỐC HỘI| NƯỚC)?|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|"
                       r"CHÁNH ÁN|VIỆN TRƯỞNG|TỔNG KIỂM TOÁN|CHỦ NHIỆM|TRƯỞNG BAN|TRƯỞNG PHÒNG|CHÁNH VĂN PHÒNG|"
                       r"CHÁNH THANH TRA|CỤC TRƯỞNG|CHI CỤC TRƯỞNG|TỔNG CỤC TRƯỞNG|HIỆU TRƯỞNG|TỔNG THƯ KÝ|"
                       r"THỐNG ĐỐC|CHỦ NHIỆM VĂN PHÒNG|TRƯỞNG ĐOÀN)")
_SIGNED = re.compile(r"[\[\]]|\((?:đã ký[^)]*|ký[^)]*|Đã ký[^)]*|chữ ký[^)]*)\)", re.I)
_ITEM_CUT = re.compile(r"(?:^|\s)[-+•]\s+")
_SIGN_WINDOW = 14
_APPENDIX = re.compile(r"(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?(?:[IVXLC]+|\d+))?\s*$")


def _is_name(words: list[str]) -> bool:
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and (len(w) == 1 or w[1:].islower()) and w.isalpha()
                                        for w in words)


def read_signature(text: str) -> dict[str, Any]:
    """quyen_han_ky (the signer's own: the last of TM./KT./…), chuc_vu and nguoi_ky of a signature block."""
    text = " ".join(_SIGNED.sub(" ", normalize_text(text)).split())
    out: dict[str, Any] = {}
    words = text.split()
    k = len(words)
    while k > 0 and k > len(words) - 6 and _is_name([words[k - 1], "Xx"]):
        k -= 1
    if _is_name(words[k:]):
        out["nguoi_ky"] = " ".join(words[k:])
        words = words[:k]
    upper = " ".join(words)
    authorities = _AUTHORITY.findall(upper)
    if authorities:
        out["quyen_han_ky"] = authorities[-1] + "."
    positions = list(_POSITION.finditer(upper))
    if positions:
        last = positions[-1]
        tail = upper[last.start():].strip()
        out["chuc_vu"] = position_name(tail if len(tail) < 60 else last.group(0))
    return out


def _items(lines: list[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        for piece in _ITEM_CUT.split(" " + line):
            piece = piece.strip().rstrip(";.,").strip()
            if piece:
                items.append(piece)
    return items


def _cell_lines(table: Table) -> list[list[list[str]]]:
    lines = table.meta.get("cell_lines")
    if lines:
        return [[list(c) for c in row] for row in lines]
    return [[[c] for c in row] for row in ((table.header,) if table.header else ()) + table.rows]


def closing_from_tables(tables: list[Table]) -> dict[str, Any]:
    """From the last table with a "Nơi nhận:" cell: that cell's list, and the signature in the other cells."""
    for table in reversed(tables):
        for row in _cell_lines(table):
            at = next((i for i, cell in enumerate(row) if cell and _NOI_NHAN.match(cell[0])), None)
            if at is None:
                continue
            cell = row[at]
            first = _NOI_NHAN.match(cell[0]).group(1)  # type: ignore[union-attr]
            out = read_signature("\n".join(line for i, c in enumerate(row) if i != at for line in c))
            out["noi_nhan"] = _items([first, *cell[1:]])
            return out
    return {}


def closing_from_lines(lines: list[str]) -> dict[str, Any]:
    """From text: the last "Nơi nhận:" line, its "- …" items (or the items on the same line, up to a pipe),
    and the signature lines just around it."""
    at = next((i for i in range(len(lines) - 1, -1, -1) if _NOI_NHAN.match(lines[i])), None)
    if at is None:
        return {}
    head, _, same_line_rest = _NOI_NHAN.match(lines[at]).group(1).partition(" | ")  # type: ignore[union-attr]
    items = [head]
    j = at + 1
    while j < len(lines) and (not lines[j].strip() or lines[j].strip()[:1] in "-+•"):
        items.append(lines[j].strip())
        j += 1
    sig_lines = [same_line_rest] if same_line_rest else []
    if not sig_lines:
        after = [x.strip().strip("|").strip() for x in lines[j:j + _SIGN_WINDOW]]
        before = [x.strip().strip("|").strip() for x in lines[max(0, at - _SIGN_WINDOW):at]]
        sig_lines = _signature_run(after) or _signature_run(before, from_end=True)
    out = read_signature("\n".join(sig_lines)) if sig_lines else {}
    out["noi_nhan"] = _items(items)
    return out


def appendix_start(lines: list[str], after: int = 0) -> int:
    """The line where the first appendix ("PHỤ LỤC", "Phụ lục I") starts after ``after``; else the end."""
    return next((i for i in range(after, len(lines)) if _APPENDIX.match(lines[i].strip())), len(lines))


def closing_from_signature(body: list[str]) -> dict[str, Any]:
    """No "Nơi nhận": the last signature block of the body (appendices already cut off)."""
    run = _signature_run([x.strip().strip("|").strip() for x in body], from_end=True)
    return read_signature("\n".join(run)) if run else {}


def _signature_run(lines: list[str], from_end: bool = False) -> list[str]:
    """The lines of one signature block: from an authority or position line to the signer's name."""
    starts = [i for i, x in enumerate(lines) if x and x.isupper() and (_AUTHORITY.match(x) or _POSITION.search(x))]
    if not starts:
        return []
    i = starts[-1] if from_end else starts[0]
    while from_end and i > 0 and lines[i - 1].isupper() and _AUTHORITY.match(lines[i - 1]):
        i -= 1
    run: list[str] = []
    for x in lines[i:]:
        run.append(x)
        if x and not x.isupper() and _is_name(_SIGNED.sub(" ", x).split()):
            break
        if len(run) > 8:
            break
    return run
