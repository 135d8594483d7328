"""Header fields and title of a Vietnamese legal text: số hiệu, loại văn bản, cơ quan ban hành, dates, signer.

Why: filters ("only Quyết định of UBND tỉnh", "in force only") and citation labels ("Kế hoạch 731/KH-UBND")
come from these fields; they are read from a metadata table, "Key: value" lines, the classic heading block
("ỦY BAN NHÂN DÂN … | CỘNG HÒA XÃ HỘI …", "KẾ HOẠCH" + title) and the signature, first source winning.
"""

from __future__ import annotations

import re
from collections import Counter

from core.vietnamese import normalize_text
from indexing.legal_outline import COHOA, RULE, SENTENCE_END, cell, header_end, is_heading, signature

HEADER_KEYS = ("so_hieu", "loai_van_ban", "co_quan_ban_hanh", "ngay_ban_hanh", "ngay_hieu_luc",
               "nguoi_ky", "linh_vuc", "tinh_trang_hieu_luc")
NAMED_ACTS = {"LUẬT", "BỘ LUẬT", "HIẾN PHÁP", "PHÁP LỆNH"}  # cited by name, not by number

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
_SO = re.compile(r"(?:^|\|)\s*(?:[^\W\d_]+\s+){0,2}[Ss]ố\s*:\s*(\d+[^\s|,;]*)")
_KV = re.compile(r"([^:|]{2,30}?)\s*:\s*(.+)$")
_DATE_VN = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DATE_NUM = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_ANY = r"\s+(?:\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}|(ký))"
_EFFECT = re.compile(r"này có hiệu lực(?: thi hành)?(?: kể)? từ ngày" + _DATE_ANY)
_PASSED = re.compile(r"thông qua ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
_WORD = re.compile(r"[^\W\d_]+")


def _iso(value: str) -> str | None:
    for rx, order in ((_DATE_ISO, (1, 2, 3)), (_DATE_VN, (3, 2, 1)), (_DATE_NUM, (3, 2, 1))):
        if m := rx.search(value):
            y, mo, d = (int(m.group(i)) for i in order)
            if 1 <= mo <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


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
    for i in range(header_end(lines)):
        if (kind := cell(lines[i]).rstrip(":").strip()) not in _ACT_TYPES:
            continue
        title: list[str] = []
        j = i + 1
        while j < len(lines) and len(title) < 4:
            t = cell(lines[j])
            if (not t or RULE.match(t)) and title:
                break
            if t and not RULE.match(t):
                if is_heading(t) or (title and not (t.isupper() and title[0].isupper())):
                    break
                if not (t.isupper() or (not title and len(t) < 300 and not SENTENCE_END.search(t))):
                    break
                title.append(t)
            j += 1
        return kind, title, j
    return None


def parse_header(text: str) -> dict[str, str]:
    """Header fields from a metadata table, "Key: value" lines, the heading block and the signature."""
    lines = text.split("\n")
    head = lines[: header_end(lines)]
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
        hit = next((k for k, c in enumerate(parts) if COHOA.match(c)), None)
        if hit is not None and "co_quan_ban_hanh" not in meta:
            issuer = [c for c in parts[:hit] if c.isupper()]
            for prev in reversed(head[max(0, i - 3):i]):
                if (p := cell(prev)) and not RULE.match(p):
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
    signers = [sig[1] for i in range(len(lines)) if (sig := signature(lines, i)) and sig[1]]
    if signers:
        put("nguoi_ky", signers[-1])
    return meta


def _is_meta(s: str) -> bool:
    m = _KV.match(s)
    return not s or s.startswith("|") or bool(m and " ".join(m.group(1).lower().split()) in _LABELS)


def title_and_start(lines: list[str]) -> tuple[str | None, int]:
    """The document title (heading block, else a leading title line) and where the body starts."""
    if block := _heading_block(lines):
        kind, title_lines, start = block
        name = _recase(" ".join(title_lines), _casing("\n".join(lines))) if title_lines else ""
        if name and kind in NAMED_ACTS:
            name = name[0].upper() + name[1:]
        elif name[1:2].islower():
            name = name[0].lower() + name[1:]
        return normalize_text(f"{kind[0]}{kind[1:].lower()} {name}".strip()), start
    start = next((i for i, x in enumerate(lines) if not _is_meta(x.strip())), len(lines))
    first = lines[start].strip() if start < len(lines) else ""
    if not first or len(first) > 200 or is_heading(first) or first[-1] in ".!?;:," \
            or start + 1 == len(lines):
        return None, start
    start += 1
    while start < len(lines) and _is_meta(lines[start].strip()):
        start += 1
    return normalize_text(first), start
