"""Vietnamese legal acts and plans into citable chunks: Điều/Khoản for acts, Mục for plans.

Why: an answer must cite a unit a civil servant can look up ("Điều 5 Khoản 2 — Luật Viên chức",
"Mục II.1 — Kế hoạch 731/KH-UBND"), so chunks follow the document's own structure, not a fixed window.
Scraped pages repeat their heading block and end with site text; both are removed before chunking.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from core.documents import Chunk, Document
from core.vietnamese import normalize_text

HEADER_KEYS = ("so_hieu", "loai_van_ban", "co_quan_ban_hanh", "ngay_ban_hanh", "ngay_hieu_luc",
               "nguoi_ky", "linh_vuc", "tinh_trang_hieu_luc")
_LABELS = {
    "số hiệu": "so_hieu", "số ký hiệu": "so_hieu", "ký hiệu": "so_hieu", "số": "so_hieu",
    "loại văn bản": "loai_van_ban", "hình thức văn bản": "loai_van_ban",
    "cơ quan ban hành": "co_quan_ban_hanh", "nơi ban hành": "co_quan_ban_hanh",
    "ngày ban hành": "ngay_ban_hanh", "ngày có hiệu lực": "ngay_hieu_luc", "ngày hiệu lực": "ngay_hieu_luc",
    "người ký": "nguoi_ky", "lĩnh vực": "linh_vuc", "lĩnh vực, ngành": "linh_vuc",
    "tình trạng": "tinh_trang_hieu_luc", "tình trạng hiệu lực": "tinh_trang_hieu_luc",
}
_ACT_TYPES = {"BỘ LUẬT", "LUẬT", "HIẾN PHÁP", "PHÁP LỆNH", "LỆNH", "NGHỊ ĐỊNH", "NGHỊ QUYẾT", "THÔNG TƯ",
              "THÔNG TƯ LIÊN TỊCH", "QUYẾT ĐỊNH", "CHỈ THỊ", "KẾ HOẠCH", "BÁO CÁO", "THÔNG BÁO",
              "HƯỚNG DẪN", "CÔNG VĂN", "ĐỀ ÁN", "CHƯƠNG TRÌNH", "QUY CHẾ", "QUY ĐỊNH", "TỜ TRÌNH"}
_NAMED_ACTS = {"LUẬT", "BỘ LUẬT", "HIẾN PHÁP", "PHÁP LỆNH"}  # cited by name, not by number
_ROMANS = {r: i for i, r in enumerate("I II III IV V VI VII VIII IX X XI XII XIII XIV XV".split(), 1)}
_SIGNED = ("đã ký", "đã ký và đóng dấu")

_DIEU = re.compile(r"(?:Điều|ĐIỀU)\s+(\d+)([a-zđ]?)\s*(?:[.:]\s*(.*))?$")
_LEVEL = re.compile(r"(Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+((?:thứ|THỨ)\s+\w+|[IVXLC]+|\d+)\b"
                    r"\s*([.:\-–])?\s*(.*)$")
_LEVELS = {"phần": "phan", "chương": "chuong", "mục": "muc"}
_ROMAN = re.compile(r"([IVXLC]+)\s*[.\-–]\s*(\S.*)$")
_NUM = re.compile(r"(\d+)\.\s+\S")
_DIEM = re.compile(r"([a-zđ])\)\s*\S")
_APPENDIX = re.compile(r"(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?([IVXLC]+|\d+))?\s*(?:[.:\-–]\s*(.*))?$")
_SIG_START = re.compile(r"(?:TM|KT|Q|TL|TUQ)\.\s*\S")
_POSITION = re.compile(r"CHỦ TỊCH|BỘ TRƯỞNG|THỨ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|CHÁNH ÁN|VIỆN TRƯỞNG|"
                       r"TỔNG KIỂM TOÁN|CHỦ NHIỆM|TRƯỞNG BAN|CHÁNH VĂN PHÒNG")
_NOI_NHAN = re.compile(r"Nơi nhận\s*:")
_RULE = re.compile(r"[_\-=*·\s]{4,}$")
_PIPES = re.compile(r"[|\s]+$")
_NOISE = re.compile(r"(?:Đăng (?:nhập|xuất|ký)\b|Việc làm\b|Tải (?:về|văn bản)|Liên hệ\b|Bản quyền|"
                    r"Copyright|©|Hotline|Trang chủ|Chính sách bảo mật|Điều khoản sử dụng)", re.I)
_COHOA = re.compile(r"CỘNG H(?:ÒA|OÀ) XÃ HỘI")
_SO = re.compile(r"(?:^|\|)\s*(?:[^\W\d_]+\s+){0,2}[Ss]ố\s*:\s*(\d+[^\s|,;]*)")
_KV = re.compile(r"([^:|]{2,30}?)\s*:\s*(.+)$")
_DATE_VN = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DATE_NUM = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_ANY = r"\s+(?:\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|(ký))"
_EFFECT = re.compile(r"này có hiệu lực(?: thi hành)?(?: kể)? từ ngày" + _DATE_ANY)
_PASSED = re.compile(r"thông qua ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
_WORD = re.compile(r"[^\W\d_]+")
_END = re.compile(r"[.!?;:…|]$")
_CLOSED = re.compile(r"[.!?;…|]$")  # a line ending so may close a part; a lead ending in ":" may not


@dataclass
class LegalParse:
    metadata: dict[str, str]
    title: str | None
    chunks: list[Chunk]


def _cell(line: str) -> str:
    return line.strip().strip("|").strip()


def _iso(value: str) -> str | None:
    for rx, order in ((_DATE_ISO, (1, 2, 3)), (_DATE_VN, (3, 2, 1)), (_DATE_NUM, (3, 2, 1))):
        if m := rx.search(value):
            y, mo, d = (int(m.group(i)) for i in order)
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _level_heading(s: str) -> tuple[str, str, str] | None:
    """(level, label, same-line title) for a Phần / Chương / Mục heading; a reference line is not one."""
    m = _LEVEL.match(s)
    if not m or not (m.group(3) or not m.group(4) or m.group(4).isupper()) or \
            (" " in m.group(2) and m.group(1).lower() != "phần"):
        return None
    word, num = m.group(1).lower(), m.group(2).lower() if " " in m.group(2) else m.group(2)
    return _LEVELS[word], f"{word.capitalize()} {num}", m.group(4).strip()


def _is_heading(s: str) -> bool:
    return bool(_DIEU.match(s) or _level_heading(s) or _APPENDIX.match(s) or _ROMAN.match(s))


def _is_name(s: str) -> bool:
    words = s.split()
    return 2 <= len(words) <= 6 and not s.isupper() and all(
        w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words)


def _signature(lines: list[str], i: int) -> tuple[int, str | None] | None:
    """A signature block ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / name") starting at i: (end index, signer)."""
    s = _cell(lines[i])
    opener = s.isupper() and bool(_SIG_START.match(s))
    position = s.isupper() and len(s) < 80 and bool(_POSITION.search(s))
    if not (opener or position or s.lower().strip("()") in _SIGNED):
        return None
    j, name = i + 1, None
    while j < len(lines) and j - i < 12:
        t = _cell(lines[j])
        if t and (_APPENDIX.match(t) or _is_heading(t)):
            break
        if t and not _RULE.match(t) and not t.isupper() and t.lower().strip("()") not in _SIGNED:
            name, j = (t, j + 1) if _is_name(t) else (None, j)
            break
        j += 1
    return (j, name) if name or opener else None


def _header_end(lines: list[str]) -> int:
    for i, line in enumerate(lines[:150]):
        s = line.strip()
        m = _ROMAN.match(s)
        if _DIEU.match(s) or _level_heading(s) or (m and m.group(2)[:1].isupper()):
            return i
    return min(len(lines), 150)


def _casing(text: str) -> dict[str, str]:
    """Most frequent spelling of each word in mixed-case lines, to recase all-caps titles ("HÀ TĨNH")."""
    counts: dict[str, Counter[str]] = {}
    for line in text.split("\n"):
        if not line.isupper():
            for w in _WORD.findall(line)[1:]:
                counts.setdefault(w.lower(), Counter())[w] += 1
    return {k: c.most_common(1)[0][0] for k, c in counts.items()}


def _recase(s: str, casing: dict[str, str]) -> str:
    return _WORD.sub(lambda m: casing.get(m.group(0).lower(), m.group(0).lower()), s) if s.isupper() else s


def _heading_block(lines: list[str]) -> tuple[str, list[str], int] | None:
    """(act type, title lines, body start) of the classic heading block ("KẾ HOẠCH" + title), if any."""
    for i in range(_header_end(lines)):
        if (kind := _cell(lines[i]).rstrip(":").strip()) not in _ACT_TYPES:
            continue
        title: list[str] = []
        j = i + 1
        while j < len(lines) and len(title) < 4:
            t = _cell(lines[j])
            if (not t or _RULE.match(t)) and title:
                break
            if t and not _RULE.match(t):
                if _is_heading(t) or (title and not (t.isupper() and title[0].isupper())):
                    break
                if not (t.isupper() or (not title and len(t) < 300 and not _END.search(t))):
                    break
                title.append(t)
            j += 1
        return kind, title, j
    return None


def parse_header(text: str) -> dict[str, str]:
    """Header fields from a metadata table, "Key: value" lines, the heading block and the signature."""
    lines = text.split("\n")
    head = lines[: _header_end(lines)]
    meta: dict[str, str] = {}

    def put(key: str, value: str) -> None:  # first source wins: table/Key-value, then heading, then body
        value = normalize_text(value).strip().strip("|").strip()
        value = (_iso(value) or "") if key in ("ngay_ban_hanh", "ngay_hieu_luc") else value
        if value and key not in meta and (key != "so_hieu" or any(c.isdigit() for c in value)):
            meta[key] = value

    for line in head:
        s = line.strip()
        cells = [c.strip() for c in s.strip("|").split("|")] if s.startswith("|") else []
        if len(cells) >= 2 and cells[0].lower().rstrip(":") in _LABELS:
            put(_LABELS[cells[0].lower().rstrip(":")], cells[1])
        elif (m := _KV.match(s)) and " ".join(m.group(1).lower().split()) in _LABELS:
            put(_LABELS[" ".join(m.group(1).lower().split())], m.group(2))
    for i, line in enumerate(head):
        if m := _SO.search(line):
            put("so_hieu", m.group(1).rstrip("."))
        if _DATE_VN.search(line) and re.match(r"\s*\|?\s*[^\W\d_][^,|]{1,40},\s*ngày", line):
            put("ngay_ban_hanh", line)
        parts = [c.strip() for c in line.split("|")]
        hit = next((k for k, c in enumerate(parts) if _COHOA.match(c)), None)
        if hit is not None and "co_quan_ban_hanh" not in meta:
            issuer = [c for c in parts[:hit] if c.isupper()]
            for prev in reversed(head[max(0, i - 3):i]):
                if (p := _cell(prev)) and not _RULE.match(p):
                    if not p.isupper():
                        break
                    issuer.insert(0, p)
            if issuer:
                name = _recase(" ".join(issuer), _casing(text))
                put("co_quan_ban_hanh", name[0].upper() + name[1:])
    if block := _heading_block(lines):
        put("loai_van_ban", block[0][0] + block[0][1:].lower())
    if m := _PASSED.search(text):
        put("ngay_ban_hanh", m.group(0))
    if m := _EFFECT.search(text):
        put("ngay_hieu_luc", meta.get("ngay_ban_hanh", "") if m.group(1) else m.group(0))
    signers = [sig[1] for i in range(len(lines)) if (sig := _signature(lines, i)) and sig[1]]
    if signers:
        put("nguoi_ky", signers[-1])
    return meta


def _drop_duplicate_copy(lines: list[str]) -> list[str]:
    """Scraped pages may repeat the heading block with (part of) the body: keep one copy."""
    starts = []
    for i, line in enumerate(lines):
        if line.isupper() and _COHOA.match(_cell(line)):
            k = i
            while k > 0 and i - k < 4 and (not _cell(lines[k - 1]) or _cell(lines[k - 1]).isupper()):
                k -= 1
            starts.append(k)
    for a, b in zip(starts, starts[1:], strict=False):
        first = [_cell(x) for x in lines[a:b] if _cell(x)]
        second = {_cell(x) for x in lines[b:] if _cell(x)}
        if first and sum(x in second for x in first) >= 0.8 * len(first):
            return _drop_duplicate_copy(lines[:a] + lines[b:])
    return lines


def _clean_body(lines: list[str]) -> list[str]:
    """Drop signature and "Nơi nhận" blocks, rules, stray pipes, and the site text after the real end."""
    out: list[str] = []
    anchor, i, appendix = 0, 0, False
    while i < len(lines):
        s = lines[i].strip()
        appendix = appendix or bool(_APPENDIX.match(s) and len(s) < 200)
        sig = _signature(lines, i) if s else None
        if sig or _NOI_NHAN.match(s):
            j = sig[0] if sig else i + 1
            while not sig and j < len(lines) and (not _cell(lines[j]) or _cell(lines[j])[0] in "-+•"):
                j += 1
            i, anchor = j, len(out)
            continue
        if not (s and _RULE.match(s)) and (appendix or not s or not _PIPES.match(s)):
            out.append(lines[i])
        i += 1
    while out and (not out[-1].strip() or _NOISE.match(out[-1].strip())):
        out.pop()
    # The document ends at its signature, its "./." or its last table row; short unpunctuated lines
    # after that are the website's menus and links.
    anchor = max([anchor] + [k + 1 for k, x in enumerate(out) if x.rstrip().endswith(("|", "./."))])
    tail = [x.strip() for x in out[anchor:] if x.strip()]
    if anchor and all(_NOISE.match(t) or (len(t) < 100 and not _END.search(t) and not _is_heading(t))
                      for t in tail):
        out = out[:anchor]
    return out


def _sentences(text: str, max_chars: int) -> list[str]:
    """Sentence pieces of an over-long paragraph; clauses at "; " only when a sentence is still too long."""
    out: list[str] = []
    for p in re.split(r"(?<=[.!?…])\s+", text):
        if out and not (p[:1].isupper() or p[:1].isdigit() or p[:1] in "“\"(-"):
            out[-1] += " " + p
        elif p:
            out.append(p)
    return [c for s in out for c in (re.split(r"(?<=;)\s+", s) if len(s) > max_chars else [s]) if c]


def _pack(lines: list[str], max_chars: int) -> list[str]:
    """Greedy parts of at most max_chars cut between lines or sentences; a lead line stays with its items."""
    units: list[tuple[str, str]] = []
    for line in (x.strip() for x in lines):
        if line:
            pieces = _sentences(line, max_chars) if len(line) > max_chars else [line]
            units += [("\n", pieces[0])] + [(" ", p) for p in pieces[1:]]
    parts: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = []
    size, carried = 0, False
    for joiner, t in units:
        if cur and size + len(t) + 1 > max_chars and not (carried and len(cur) == 1):
            carry = [cur.pop()] if len(cur) > 1 and not _CLOSED.search(cur[-1][1]) else []
            parts.append(cur)
            cur, carried, size = carry, bool(carry), sum(len(x) + 1 for _, x in carry)
        cur.append((joiner, t))
        size += len(t) + 1
    return [p[0][1] + "".join(j + t for j, t in p[1:]) for p in parts + [cur] if p]


class _Builder:
    """Collects chunks: unique paths, running order, citation "<units> — <document label>"."""

    def __init__(self, doc_id: str, label: str, title: str, max_chars: int) -> None:
        self.doc_id, self.label, self.title, self.max_chars = doc_id, label, title, max_chars
        self.chunks: list[Chunk] = []
        self.seen: Counter[tuple[str, ...]] = Counter()

    def add(self, path: list[str], cite: str, text: str, context: list[str], fields: dict) -> None:
        if not (text := text.strip("\n")).strip():
            return
        self.seen[tuple(path)] += 1
        if (n := self.seen[tuple(path)]) > 1:  # point ids come from the path: it must be unique
            path = path[:-1] + [f"{path[-1]} #{n}"]
        fields = {k: v for k, v in fields.items() if v} | {"order": len(self.chunks)}
        ctx = "\n".join(c for c in [self.title, *context] if c)
        self.chunks.append(Chunk(self.doc_id, path, f"{cite} — {self.label}", text, ctx, fields))

    def unit(self, path: list[str], cite: str, lines: list[str], context: list[str], fields: dict) -> None:
        """One chunk, or "(phần k)" parts cut at line/sentence boundaries when over max_chars."""
        text = "\n".join(lines).strip()
        parts = _pack(lines, self.max_chars) if len(text) > self.max_chars else [text]
        if len(parts) == 1:
            return self.add(path, cite, text, context, fields)
        lead = next((x.strip() for x in lines if x.strip()), "")
        for k, part in enumerate(parts, 1):
            letters = [m.group(1) for x in part.split("\n") if (m := _DIEM.match(x))]
            whole = bool(_DIEM.match(part) and letters)  # the part starts at a Điểm: cite the Điểm range
            sub = f" Điểm {letters[0]}" + (f"–{letters[-1]}" if len(letters) > 1 else "") if whole \
                else f" (phần {k})"
            extra = [lead] if k > 1 and len(lead) < 300 else []
            self.add(path[:-1] + [f"{path[-1]} (phần {k})"], cite + sub, part, context + extra,
                     fields | {"diem": letters[0] if whole and len(letters) == 1 else None})


def _split_numbered(lines: list[str], rx: re.Pattern[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Intro lines and the sequentially numbered items (1., 2., … or a), b), …) that follow."""
    letters = "abcdđeghiklmnopqrstuvxy"
    intro: list[str] = []
    items: list[tuple[str, list[str]]] = []
    for line in lines:
        m = rx.match(line.strip())
        expected = str(len(items) + 1) if rx is _NUM else letters[len(items) % len(letters)]
        if m and m.group(1) == expected:
            items.append((m.group(1), [line]))
        else:
            (items[-1][1] if items else intro).append(line)
    return intro, items


def _emit_article(b: _Builder, lines: list[str], num: str, levels: dict[str, tuple[str, str]]) -> None:
    """One chunk per Điều; a long Điều is cited by Khoản, its title moving to the context."""
    path = [levels[k][0] for k in ("chuong", "muc") if k in levels] + [f"Điều {num}"]
    fields = {"dieu": num, **{k: v[0].split(" ", 1)[1] for k, v in levels.items()}}
    context = [levels[k][1] for k in ("phan", "chuong", "muc") if k in levels]
    heading = lines[0].strip()
    if len("\n".join(lines).strip()) <= b.max_chars:
        return b.add(path, f"Điều {num}", "\n".join(lines), context, fields)
    rest = (m.group(3) or "") if (m := _DIEU.match(heading)) else ""
    in_heading = bool(_NUM.match(rest))  # "Điều 4. 1. …": the heading line is also Khoản 1
    intro, items = _split_numbered([rest] + lines[1:] if in_heading else lines[1:], _NUM)
    if in_heading and items:
        items[0] = (items[0][0], [heading] + items[0][1][1:])
    else:
        intro = [heading] + intro
    if not items:
        return b.unit(path, f"Điều {num}", lines, context, fields)
    if any(x.strip() for x in intro[1:]):
        b.unit(path, f"Điều {num}", intro, context, fields)
    for k, item in items:
        ctx = context + ([heading] if item[0] != heading else [])
        b.unit(path + [f"Khoản {k}"], f"Điều {num} Khoản {k}", item, ctx, fields | {"khoan": k})


def _parse_appendices(lines: list[str], b: _Builder) -> None:
    """Appendices: flattened tables become one "cell | cell |" line per row, grouped by Roman row groups."""
    starts = [i for i, x in enumerate(lines) if _APPENDIX.match(x.strip())] + [len(lines)]
    for a, z in zip(starts, starts[1:], strict=False):
        block = lines[a:z]
        m = _APPENDIX.match(block[0].strip())
        label = f"Phụ lục {m.group(1)}" if m and m.group(1) else "Phụ lục"
        first = next((i for i, x in enumerate(block) if x.strip()[:1] == "|" or x.rstrip()[-1:] == "|"), None)
        if first is None:
            b.unit([label], label, block, [], {"phu_luc": label})
            continue
        rows: list[list[str]] = []
        cells: list[str] = []
        for s in (x.strip() for x in block[first:] + ["|"]):
            if s and (_PIPES.match(s) or (s.startswith("|") and s.count("|") >= 3)):
                rows += [cells] if cells else []
                rows += [] if _PIPES.match(s) else [[c.strip() for c in s.strip("|").split("|")]]
                cells = []
            elif s:
                cells.append(s.rstrip("|").strip())
        header = rows.pop(0) if rows and not any(c[:1].isdigit() for c in rows[0]) else []
        groups: list[tuple[str | None, list[str]]] = [(None, [])]
        for row in ([c for c in r if c] for r in rows):
            if len(row) == 1 and (g := _ROMAN.match(row[0])):
                groups.append((g.group(1), [row[0] + " |"]))
            elif row:
                groups[-1][1].append(" | ".join(row) + " |")
        caption = " ".join(x.strip() for x in block[:first] if x.strip())
        context = [caption] + ([" | ".join(header) + " |"] if header else [])
        for roman, rows_text in groups:
            path, cite = ([label, f"Mục {roman}"], f"{label}, Mục {roman}") if roman else ([label], label)
            b.unit(path, cite, rows_text, context, {"phu_luc": label})


def _parse_act(body: list[str], b: _Builder) -> None:
    """Phần / Chương / Mục set the context; each Điều (numbers only go up, or restart at 1) is a unit."""
    levels: dict[str, tuple[str, str]] = {}
    pending: list[str] = []
    art: tuple[str, list[str], dict[str, tuple[str, str]]] | None = None
    prev, i = (0, ""), 0

    def flush() -> None:
        if pending:
            b.unit(["Mở đầu"], "Phần mở đầu", pending[:], [], {})
            pending.clear()
        if art:
            _emit_article(b, art[1], art[0], art[2])

    while i < len(body):
        s = body[i].strip()
        m = _DIEU.match(s)
        if m and ((key := (int(m.group(1)), m.group(2))) > prev or key == (1, "")):
            flush()
            art, prev = (m.group(1) + m.group(2), [body[i]], dict(levels)), key
        elif heading := _level_heading(s):
            flush()
            art = None
            level, label, title = heading
            j = next((k for k in range(i + 1, len(body)) if body[k].strip()), None)
            if not title and j is not None and not _is_heading(body[j].strip()) and len(body[j]) < 250:
                title, i = body[j].strip(), j
            order = ("phan", "chuong", "muc")
            levels = {k: v for k, v in levels.items() if order.index(k) < order.index(level)}
            levels[level] = (label, f"{label}. {title}" if title else label)
        elif _APPENDIX.match(s) and (s.isupper() or len(s) < 40):
            flush()
            return _parse_appendices(body[i:], b)
        else:
            (art[1] if art else pending).append(body[i])
        i += 1
    flush()


def _parse_plan(body: list[str], b: _Builder) -> None:
    """Plans and reports: I./II. sections → 1./2. items (→ a)/b) when long), then the appendix."""
    cut = next((i for i, x in enumerate(body) if _APPENDIX.match(x.strip()) and x.strip().isupper()),
               len(body))
    sections: list[tuple[str | None, str, list[str]]] = [(None, "", [])]
    for line in body[:cut]:
        m = _ROMAN.match(line.strip())
        if m and _ROMANS.get(m.group(1)) == len(sections) and m.group(2).split()[0].isupper():
            sections.append((m.group(1), line, []))
        else:
            sections[-1][2].append(line)
    for roman, heading, lines in sections:
        if roman is None and len(sections) > 1:
            b.unit(["Mở đầu"], "Phần mở đầu", lines, [], {})
            continue
        intro, subs = _split_numbered(lines, _NUM)
        if not subs or any(x.strip() for x in intro):
            path, cite = ([f"Mục {roman}"], f"Mục {roman}") if roman else (["Mở đầu"], "Phần mở đầu")
            b.unit(path, cite, [heading, *intro], [], {"muc": roman})
        for n, sub in subs:
            path = [f"Mục {roman}", f"Điểm {n}"] if roman else [f"Mục {n}"]
            cite = f"Mục {roman}.{n}" if roman else f"Mục {n}"
            ctx, fields = [heading.strip()], {"muc": roman or n, "tieu_muc": n if roman else None}
            lead, items = _split_numbered(sub[1:], _DIEM)
            if len("\n".join(sub)) <= b.max_chars or not items:
                b.unit(path, cite, sub, ctx, fields)
                continue
            b.unit(path, cite, sub[:1] + lead, ctx, fields)
            for letter, item in items:
                b.unit(path + [f"Tiết {letter}"], f"{cite}.{letter}", item, ctx + [sub[0].strip()],
                       fields | {"tiet": letter})
    if cut < len(body):
        _parse_appendices(body[cut:], b)


def _is_meta(s: str) -> bool:
    m = _KV.match(s)
    return not s or s.startswith("|") or bool(m and " ".join(m.group(1).lower().split()) in _LABELS)


def _title_and_start(lines: list[str]) -> tuple[str | None, int]:
    """The document title (heading block, else a leading title line) and where the body starts."""
    if block := _heading_block(lines):
        kind, title_lines, start = block
        name = _recase(" ".join(title_lines), _casing("\n".join(lines))) if title_lines else ""
        if name and kind in _NAMED_ACTS:
            name = name[0].upper() + name[1:]
        elif name[1:2].islower():
            name = name[0].lower() + name[1:]
        return normalize_text(f"{kind[0]}{kind[1:].lower()} {name}".strip()), start
    start = next((i for i, x in enumerate(lines) if not _is_meta(x.strip())), len(lines))
    first = lines[start].strip() if start < len(lines) else ""
    if not first or len(first) > 200 or _is_heading(first) or first[-1] in ".!?;:," \
            or start + 1 == len(lines):
        return None, start
    start += 1
    while start < len(lines) and _is_meta(lines[start].strip()):
        start += 1
    return normalize_text(first), start


def parse_legal(doc: Document, max_chunk_chars: int = 2400) -> LegalParse:
    """Header fields, title and citable chunks of a legal act, a plan, or (fallback) plain text."""
    lines = _drop_duplicate_copy([x.rstrip() for x in doc.text.split("\n")])
    metadata = parse_header(doc.text)
    for key in HEADER_KEYS:
        if key not in metadata and isinstance(doc.metadata.get(key), str) and doc.metadata[key].strip():
            metadata[key] = normalize_text(doc.metadata[key].strip())
    title, start = _title_and_start(lines)
    kind = metadata.get("loai_van_ban", "")
    if title and kind.upper() in _NAMED_ACTS:
        label = title  # laws are cited by name ("Luật Viên chức"), other acts by number
    elif metadata.get("so_hieu") and kind:
        label = f"{kind} {metadata['so_hieu']}"
    else:
        label = title or doc.title
    b = _Builder(doc.doc_id, normalize_text(label), title or normalize_text(doc.title), max_chunk_chars)
    body = _clean_body(lines[start:])
    stripped = [x.strip() for x in body]
    if any(_DIEU.match(s) for s in stripped):
        _parse_act(body, b)
    elif any((m := _ROMAN.match(s)) and m.group(1) == "I" for s in stripped) or \
            len(_split_numbered(body, _NUM)[1]) >= 2:
        _parse_plan(body, b)
    else:
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=max_chunk_chars, chunk_overlap=0, keep_separator="end",
            separators=["\n\n", "\n", ". ", "? ", "! ", "; "])
        for k, piece in enumerate(splitter.split_text("\n".join(body).strip()), 1):
            b.add([f"Đoạn {k}"], f"Đoạn {k}", piece, [], {})
    return LegalParse(metadata=metadata, title=title, chunks=b.chunks)
