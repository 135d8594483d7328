"""The outline of a Vietnamese legal text: which lines are Phần / Chương / Mục / Điều / Khoản / Điểm headings,
and which lines are not the document at all (a repeated heading block, signatures, "Nơi nhận", site text).

Why apart: the header reader, the chunk packer and the entry point all need to agree on what a heading is;
one module owns that answer so the three cannot drift.
"""

from __future__ import annotations

import re

DIEU = re.compile(r"(?:Điều|ĐIỀU)\s+(\d+)([a-zđ]?)\s*(?:[.:]\s*(.*))?$")
ROMAN = re.compile(r"([IVXLC]+)\s*[.\-–]\s*(\S.*)$")
NUMBERED = re.compile(r"(\d+)\.\s+\S")  # "1. …": a Khoản, or a numbered item of a plan
LETTERED = re.compile(r"([a-zđ])\)\s*\S")  # "a) …": a Điểm
APPENDIX = re.compile(r"(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?([IVXLC]+|\d+))?\s*(?:[.:\-–]\s*(.*))?$")
RULE = re.compile(r"[_\-=*·\s]{4,}$")
PIPES = re.compile(r"[|\s]+$")
COHOA = re.compile(r"CỘNG H(?:ÒA|OÀ) XÃ HỘI")
SENTENCE_END = re.compile(r"[.!?;:…|]$")
ROMAN_VALUES = {r: i for i, r in enumerate("I II III IV V VI VII VIII IX X XI XII XIII XIV XV".split(), 1)}

_LEVEL = re.compile(r"(Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+((?:thứ|THỨ)\s+\w+|[IVXLC]+|\d+)\b"
                    r"\s*([.:\-–])?\s*(.*)$")
_LEVELS = {"phần": "phan", "chương": "chuong", "mục": "muc"}
_SIGNED = ("đã ký", "đã ký và đóng dấu")
_SIG_START = re.compile(r"(?:TM|KT|Q|TL|TUQ)\.\s*\S")
_POSITION = re.compile(r"CHỦ TỊCH|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|CHÁNH ÁN|VIỆN TRƯỞNG|"
                       r"TỔNG KIỂM TOÁN|CHỦ NHIỆM|TRƯỞNG BAN|CHÁNH VĂN PHÒNG")
_NOI_NHAN = re.compile(r"Nơi nhận\s*:")
_NOISE = re.compile(r"(?:Đăng (?:nhập|xuất|ký)\b|Việc làm\b|Tải (?:về|văn bản)|Liên hệ\b|Bản quyền|"
                    r"Copyright|©|Hotline|Trang chủ|Chính sách bảo mật|Điều khoản sử dụng)", re.I)
_HEADER_MAX_LINES = 150
_LETTERS = "abcdđeghiklmnopqrstuvxy"


def cell(line: str) -> str:
    """A line with surrounding space and table pipes removed."""
    return line.strip().strip("|").strip()


def level_heading(s: str) -> tuple[str, str, str] | None:
    """(level, label, same-line title) for a Phần / Chương / Mục heading; a reference line is not one."""
    m = _LEVEL.match(s)
    if not m or not (m.group(3) or not m.group(4) or m.group(4).isupper()) or \
            (" " in m.group(2) and m.group(1).lower() != "phần"):
        return None
    word, num = m.group(1).lower(), m.group(2).lower() if " " in m.group(2) else m.group(2)
    return _LEVELS[word], f"{word.capitalize()} {num}", m.group(4).strip()


def is_heading(s: str) -> bool:
    return bool(DIEU.match(s) or level_heading(s) or APPENDIX.match(s) or ROMAN.match(s))


def header_end(lines: list[str]) -> int:
    """Where the header ends: the first Điều, Phần/Chương/Mục or "I. Title" line (at most 150 lines in)."""
    for i, line in enumerate(lines[:_HEADER_MAX_LINES]):
        s = line.strip()
        m = ROMAN.match(s)
        if DIEU.match(s) or level_heading(s) or (m and m.group(2)[:1].isupper()):
            return i
    return min(len(lines), _HEADER_MAX_LINES)


def _is_name(s: str) -> bool:
    words = s.split()
    return 2 <= len(words) <= 6 and not s.isupper() and all(
        w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words)


def signature(lines: list[str], i: int) -> tuple[int, str | None] | None:
    """A signature block ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / name") starting at i: (end index, signer)."""
    s = cell(lines[i])
    opener = s.isupper() and bool(_SIG_START.match(s))
    position = s.isupper() and len(s) < 80 and bool(_POSITION.search(s))
    if not (opener or position or s.lower().strip("()") in _SIGNED):
        return None
    j, name = i + 1, None
    while j < len(lines) and j - i < 12:
        t = cell(lines[j])
        if t and (APPENDIX.match(t) or is_heading(t)):
            break
        if t and not RULE.match(t) and not t.isupper() and t.lower().strip("()") not in _SIGNED:
            name, j = (t, j + 1) if _is_name(t) else (None, j)
            break
        j += 1
    return (j, name) if name or opener else None


def split_numbered(lines: list[str], rx: re.Pattern[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Intro lines and the sequentially numbered items (1., 2., … or a), b), …) that follow."""
    intro: list[str] = []
    items: list[tuple[str, list[str]]] = []
    for line in lines:
        m = rx.match(line.strip())
        expected = str(len(items) + 1) if rx is NUMBERED else _LETTERS[len(items) % len(_LETTERS)]
        if m and m.group(1) == expected:
            items.append((m.group(1), [line]))
        else:
            (items[-1][1] if items else intro).append(line)
    return intro, items


def drop_duplicate_copy(lines: list[str]) -> list[str]:
    """Scraped pages may repeat the heading block with (part of) the body: keep one copy."""
    starts = []
    for i, line in enumerate(lines):
        if line.isupper() and COHOA.match(cell(line)):
            k = i
            while k > 0 and i - k < 4 and (not cell(lines[k - 1]) or cell(lines[k - 1]).isupper()):
                k -= 1
            starts.append(k)
    for a, b in zip(starts, starts[1:], strict=False):
        first = [cell(x) for x in lines[a:b] if cell(x)]
        second = {cell(x) for x in lines[b:] if cell(x)}
        if first and sum(x in second for x in first) >= 0.8 * len(first):
            return drop_duplicate_copy(lines[:a] + lines[b:])
    return lines


def clean_body(lines: list[str]) -> list[str]:
    """Drop signature and "Nơi nhận" blocks, rules, stray pipes, and the site text after the real end."""
    out: list[str] = []
    anchor, i, appendix = 0, 0, False
    while i < len(lines):
        s = lines[i].strip()
        appendix = appendix or bool(APPENDIX.match(s) and len(s) < 200)
        sig = signature(lines, i) if s else None
        if sig or _NOI_NHAN.match(s):
            j = sig[0] if sig else i + 1
            while not sig and j < len(lines) and (not cell(lines[j]) or cell(lines[j])[0] in "-+•"):
                j += 1
            i, anchor = j, len(out)
            continue
        if not (s and RULE.match(s)) and (appendix or not s or not PIPES.match(s)):
            out.append(lines[i])
        i += 1
    while out and (not out[-1].strip() or _NOISE.match(out[-1].strip())):
        out.pop()
    # The document ends at its signature, its "./." or its last table row; short unpunctuated lines
    # after that are the website's menus and links.
    anchor = max([anchor] + [k + 1 for k, x in enumerate(out) if x.rstrip().endswith(("|", "./."))])
    tail = [x.strip() for x in out[anchor:] if x.strip()]
    if anchor and all(_NOISE.match(t) or (len(t) < 100 and not SENTENCE_END.search(t) and not is_heading(t))
                      for t in tail):
        out = out[:anchor]
    return out
