"""What a document rests on and when it takes effect: the "Căn cứ …;" lines before its body, each with the
số hiệu and type of the document it cites, and "… có hiệu lực (thi hành) kể từ ngày …".

Why: validity checks and the "not indexed" answers (issues 14, 17) follow these references; a civil servant
asks "quyết định này căn cứ văn bản nào".
"""

from __future__ import annotations

import re
from typing import Any

from core.dates import DAY_MONTH_YEAR, date_after_ngay
from core.so_hieu import find_so_hieu
from core.vietnamese import strip_marks

_CAN_CU = re.compile(r"Căn cứ\s+")
_TYPES = ("Bộ luật", "Luật", "Hiến pháp", "Pháp lệnh", "Nghị định", "Nghị quyết liên tịch", "Nghị quyết",
          "Thông tư liên tịch", "Thông tư", "Quyết định", "Chỉ thị", "Kế hoạch", "Công văn", "Thông báo",
          "Văn bản hợp nhất", "Văn bản", "Lệnh")
_EFFECT = re.compile(r"\bnày (?:sẽ )?có hiệu lực(?: thi hành)?(?: kể)? từ ngày\s+"
                     rf"({DAY_MONTH_YEAR}|\d{{1,2}}/\d{{1,2}}/\d{{4}}|(ký|ban hành)(?!\s*kết)\b)")


def _type_of(text: str) -> str | None:
    low = strip_marks(text).lower()
    for name in sorted(_TYPES, key=len, reverse=True):
        if low.startswith(strip_marks(name).lower()):
            return name
    return None


def legal_basis(lines: list[str]) -> list[dict[str, Any]]:
    """Each "Căn cứ …" (one a line, or several on one line split at ";"), in order:
    ``{"text", "so_hieu", "loai_van_ban"}`` with None where the text names no number / no type."""
    out: list[dict[str, Any]] = []
    for line in lines:
        s = line.strip()
        if not s.startswith("Căn cứ"):
            continue
        for piece in re.split(r";\s*", s):
            piece = piece.strip().rstrip(".;,")
            if not piece.startswith("Căn cứ"):
                continue
            cited = _CAN_CU.sub("", piece, count=1)
            found = find_so_hieu(cited)
            kind = _type_of(cited)
            # "Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015" has no number; "Luật số 58/2010/QH12" has one.
            number = found[0].so_hieu.canonical if found and found[0].start <= 40 else None
            out.append({"text": piece, "so_hieu": number, "loai_van_ban": kind})
    return out


def effective_date(text: str, issued: str | None) -> str | None:
    """The date the text says it takes effect; "kể từ ngày ký" is the date of issue (when known)."""
    found = list(_EFFECT.finditer(text))
    if not found:
        return None
    m = found[-1]  # the document's own effect clause closes it; earlier ones may speak of other acts
    if m.group(2):
        return issued
    return date_after_ngay(m.group(1))
