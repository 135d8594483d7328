"""Names of issuing bodies as Nghị định 30/2020 writes them in running text: "ỦY BAN NHÂN DÂN\\nTỈNH HÀ TĨNH"
and "UBND TỈNH HÀ TĨNH" both become "Ủy ban nhân dân tỉnh Hà Tĩnh", "SỞ KHOA HỌC VÀ CÔNG NGHỆ" becomes
"Sở Khoa học và Công nghệ".

Why: filters and the documents list compare issuers; a header prints them in capitals, a website in title
case, an official types "UBND". Abbreviations come from the shared alias lists (``core.aliases``).
"""

from __future__ import annotations

import re

from core.aliases import default_aliases
from core.vietnamese import normalize_text, strip_marks

# Words that open the name of a body (mark-free, upper case), longest first when matching.
_BODY_WORDS = (
    "UY BAN NHAN DAN", "HOI DONG NHAN DAN", "UY BAN MAT TRAN TO QUOC", "UBND", "HDND", "UBMTTQ",
    "VAN PHONG", "CHI CUC", "TONG CUC", "CUC", "SO", "BO", "PHONG", "BAN", "TRUNG TAM", "THANH TRA",
    "CONG AN", "BO CHI HUY", "KHO BAC NHA NUOC", "KHO BAC", "VIEN", "TRUONG", "BENH VIEN", "DAI",
    "QUOC HOI", "CHINH PHU", "THU TUONG", "CHU TICH NUOC", "TOA AN NHAN DAN", "VIEN KIEM SAT NHAN DAN",
    "KIEM TOAN NHA NUOC", "NGAN HANG NHA NUOC",
)
_WHOLE_NAMES = {"QUOC HOI": "Quốc hội", "CHINH PHU": "Chính phủ", "CHU TICH NUOC": "Chủ tịch nước"}
_LOCALITY = ("THANH PHO", "THI XA", "THI TRAN", "TINH", "HUYEN", "QUAN", "XA", "PHUONG")
_BODY = sorted(_BODY_WORDS, key=len, reverse=True)
_SPLIT_AFTER = re.compile(r"\b(?:TINH|HUYEN|THANH PHO|THI XA|QUAN|XA|PHUONG)\s+\S+(?:\s+\S+)?\s+$")
_RULE = re.compile(r"[_\-=–—*·.]{3,}")


def _fold(text: str) -> str:
    return " ".join(strip_marks(normalize_text(text)).upper().split())


def _starts_body(folded: str) -> str | None:
    return next((w for w in _BODY if folded == w or folded.startswith(w + " ")), None)


def split_bodies(lines: list[str]) -> list[str]:
    """The bodies named by an issuer column, outermost first: ["UBND TỈNH HÀ TĨNH", "SỞ Y TẾ"].

    A line that opens with a body word starts a body, any other line ("TỈNH HÀ TĨNH") continues the one
    above; a line whose cell lost its breaks ("UBND TỈNH HÀ TĨNH SỞ Y TẾ") is cut where a body word
    follows a place name."""
    bodies: list[str] = []
    for raw in lines:
        line = " ".join(_RULE.sub(" ", raw).split())
        if not line:
            continue
        for piece in _cut_collapsed(line):
            if bodies and not _starts_body(_fold(piece)):
                bodies[-1] += " " + piece
            else:
                bodies.append(piece)
    return bodies


def _cut_collapsed(line: str) -> list[str]:
    words = line.split()
    folded = [_fold(w) for w in words]
    for k in range(2, len(words)):
        before = " ".join(folded[:k]) + " "
        if _starts_body(" ".join(folded[k:])) and _SPLIT_AFTER.search(before) and \
                not _starts_body(" ".join(folded[k - 1:])):
            return [" ".join(words[:k]), *_cut_collapsed(" ".join(words[k:]))]
    return [line]


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _expand(text: str) -> str:
    """Abbreviations written as one word ("UBND", "TT&TT") replaced by their full text."""
    aliases = default_aliases()
    return " ".join((aliases.long_form(w) or w) if w.isupper() and len(w) > 1 else w for w in text.split())


def agency_name(text: str) -> str:
    """An issuer's name in the NĐ30 running-text spelling; a name already in mixed case is kept as written."""
    text = " ".join(_RULE.sub(" ", normalize_text(text)).split()).strip(" ,;:")
    if not text:
        return ""
    letters = [c for c in text if c.isalpha()]
    expanded = _expand(text)
    if letters and not all(c.isupper() for c in letters) and expanded == text:
        return text
    return _spell(expanded.split())


def _spell(words: list[str]) -> str:
    """Body word in sentence case, then a place (unit word lower case, name capitalised), a nested body, or a
    field of work (each part after "và", "-" or "," capitalised: "Khoa học và Công nghệ")."""
    folded = _fold(" ".join(words))
    if folded in _WHOLE_NAMES:
        return _WHOLE_NAMES[folded]
    head = _starts_body(folded)
    n = len(head.split()) if head else 0
    out = [w.lower() for w in words[:n]]
    if out:
        out[0] = _cap(out[0])
    rest = words[n:]
    if not rest:
        return " ".join(out)
    rest_folded = _fold(" ".join(rest))
    place = next((u for u in _LOCALITY if rest_folded == u or rest_folded.startswith(u + " ")), None)
    if place:
        k = len(place.split())
        tail = [w.lower() for w in rest[:k]] + [_cap(w) for w in rest[k:]]
        return " ".join(out + tail)
    if _starts_body(rest_folded):
        return " ".join(out + [_spell(rest)])
    field: list[str] = []
    fresh = True
    for w in rest:
        if w in ("-", "–", "&") or w.lower() in ("và",):
            field.append(w.lower())
            fresh = True
            continue
        field.append(_cap(w) if fresh else w.lower())
        fresh = w.endswith(",")
    return " ".join(out + field)


def position_name(text: str) -> str:
    """A signer's position in running-text spelling: "PHÓ CHỦ TỊCH" → "Phó Chủ tịch", "GIÁM ĐỐC" → "Giám đốc"."""
    words = " ".join(normalize_text(text).split()).split()
    if not words or not all(c.isupper() for w in words for c in w if c.isalpha()):
        return " ".join(words)
    if _fold(words[0]) == "PHO" and len(words) > 1:
        spelled = "Phó " + _cap(words[1]) + "".join(" " + w.lower() for w in words[2:])
    else:
        spelled = _cap(words[0]) + "".join(" " + w.lower() for w in words[1:])
    for whole in _WHOLE_NAMES.values():  # "Chủ tịch Quốc hội", "Thủ tướng Chính phủ"
        spelled = re.sub(rf"(?<=\s){whole.lower()}\b", whole, spelled)
    return spelled


def locality_name(text: str) -> str | None:
    """"Tỉnh Hà Tĩnh" / "TỈNH HÀ TĨNH" → "tỉnh Hà Tĩnh" (to complete an issuer named without its place)."""
    words = " ".join(normalize_text(text).split()).split()
    folded = _fold(" ".join(words))
    place = next((u for u in _LOCALITY if folded.startswith(u + " ")), None)
    if not place:
        return None
    k = len(place.split())
    return " ".join([w.lower() for w in words[:k]] + [_cap(w) for w in words[k:]])


def has_locality(name: str) -> bool:
    folded = f" {_fold(name)} "
    return any(f" {u} " in folded for u in _LOCALITY) or folded.strip() in _WHOLE_NAMES


# The provinces and centrally run cities (the 63 before the 2025 merger; the 34 after keep names from these):
# an OCR'd header's place name ("TỈNH QUẢNG NGÃI" read "tinh Quang Ngài") gets its marks back when its letters,
# marks aside, are one of these.
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Hồ Chí Minh", "Tiền Giang",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
_PROVINCE = {_fold(p): normalize_text(p) for p in PROVINCES}


def respell(name: str, known: list[str] | tuple[str, ...] = ()) -> str:
    """An OCR'd issuer name with its marks put back: the whole name when its letters, marks aside, are those of
    a name the document itself carries with marks (its issuing body's digital signature: ``known``), else a
    province name after "tỉnh" / "thành phố". Letters never change, only marks."""
    folded = _fold(name)
    for other in known:
        if other and _fold(other) == folded:
            return agency_name(other)
    words = name.split()
    for head, spelled in _HEADS.items():
        n = len(head.split())
        if _fold(" ".join(words[:n])) == head:
            words = [*spelled.split(), *words[n:]]
            break
    for unit, spelled in (("TINH", "tỉnh"), ("THANH PHO", "thành phố")):
        n = len(unit.split())
        for i in range(len(words) - n):
            if _fold(" ".join(words[i:i + n])) == unit and (place := _PROVINCE.get(_fold(" ".join(words[i + n:])))):
                return " ".join([*words[:i], spelled, place])
    return " ".join(words)


_HEADS = {"UY BAN NHAN DAN": "Ủy ban nhân dân", "HOI DONG NHAN DAN": "Hội đồng nhân dân"}
