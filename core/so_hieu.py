"""Số hiệu văn bản (document numbers) and legal references, however an official types them.

"30/2020/NĐ-CP", "NĐ 30/2020", "30/2020/ND-CP", "nghị định 30", "NĐ30/2020", "QĐ 1234/QĐ-UBND",
"TT 01/2011" and "Luật số 58/2014/QH13" all parse to a ``SoHieu`` (number, year, type code, issuer
code) with one canonical spelling; ``SoHieu.matches`` compares what both sides state, so the short
"NĐ 30" matches "30/2020/NĐ-CP". ``parse_reference`` reads "điểm a khoản 1 Điều 5 Nghị định
30/2020/NĐ-CP" or "khoản 2 điều 37 bộ luật lao động" into a ``Reference``. Matching works on the
mark-free text (``strip_marks`` keeps positions), so "nghi dinh 30" is the same as "nghị định 30".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.dates import DAY_MONTH_YEAR, NGAY, read_date
from core.vietnamese import normalize_text, strip_marks

# Document types: mark-free lower-case name → canonical code (longest names first when matching).
TYPE_NAMES: dict[str, str] = {
    "thong tu lien tich": "TTLT", "nghi quyet lien tich": "NQLT", "nghi dinh": "NĐ", "quyet dinh": "QĐ",
    "thong tu": "TT", "nghi quyet": "NQ", "chi thi": "CT", "ke hoach": "KH", "cong van": "CV",
    "thong bao": "TB", "bao cao": "BC", "to trinh": "TTr", "phap lenh": "PL", "bo luat": "BLuật",
    "luat": "Luật", "hien phap": "HP", "huong dan": "HD", "lenh": "L",
}
# Codes as typed without marks (upper-case) → canonical code.
TYPE_CODES: dict[str, str] = {
    "ND": "NĐ", "QD": "QĐ", "TT": "TT", "TTLT": "TTLT", "NQ": "NQ", "NQLT": "NQLT", "CT": "CT", "KH": "KH",
    "CV": "CV", "TB": "TB", "BC": "BC", "TTR": "TTr", "PL": "PL", "HD": "HD", "L": "L", "QH": "QH",
}
# Issuer codes whose canonical spelling has marks (others are kept upper-case as typed).
ISSUER_CODES: dict[str, str] = {
    "HDND": "HĐND", "BGDDT": "BGDĐT", "BLDTBXH": "BLĐTBXH", "BKHDT": "BKHĐT", "BNNPTNT": "BNNPTNT",
    "TTG": "TTg", "UBTVQH": "UBTVQH", "BTTTT": "BTTTT", "BKHCN": "BKHCN", "BVHTTDL": "BVHTTDL",
}

_NUM = r"(\d{1,5}[a-z]?)"
_CODE = r"([a-z][a-z0-9]*(?:\s*-\s*[a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*)?)"
# 30/2020/nd-cp · 58/2014/qh13 · 1234/qd-ubnd · 30/2020 (all on the mark-free lower-case text).
_FULL = re.compile(rf"\b{_NUM}\s*/\s*(?:((?:19|20)\d\d)\s*/\s*)?{_CODE}(?![\w/])")
_NUM_YEAR = re.compile(rf"\b{_NUM}\s*/\s*((?:19|20)\d\d)\b")
_TYPE_NAME = "|".join(sorted((re.escape(n) for n in TYPE_NAMES), key=len, reverse=True))
_TYPE_CODE = "|".join(sorted((c.lower() for c in TYPE_CODES if len(c) > 1), key=len, reverse=True))
# "nghi dinh so 30/2020/nd-cp", "nd30/2020", "tt 01/2011", "nghi dinh 30" (type first, then a number).
_TYPED = re.compile(rf"\b(?:({_TYPE_NAME})|({_TYPE_CODE}))\s*(?:so\s*)?[:.]?\s*(?=\d)")
_UNIT = re.compile(r"\b(?:(diem)\s+([a-z])\b|(khoan)\s+(\d{1,3})\b|(dieu)\s+(\d{1,4}[a-z]?)\b)")
_JOIN = re.compile(r"^[\s,]*(?:(?:cua|thuoc|tai|trong|theo)\s+)?")
_DOC_END = re.compile(r"[.;:?!()\n]")
_DOC_WORDS = 16
# "luat bao hiem xa hoi so " before a number: the named document's own number, however long the name.
_NAMED_BEFORE = re.compile(r"^(?:" + "|".join(sorted(TYPE_NAMES, key=len, reverse=True)) + r")\b([^.;:?!()\n]{0,80})$")


@dataclass(frozen=True)
class SoHieu:
    """A parsed document number; fields not stated are None (so "NĐ 30" has no year and no issuer)."""

    number: str
    year: int | None = None
    type_code: str | None = None
    issuer: str | None = None

    def __post_init__(self) -> None:
        if not self.number or not self.number[0].isdigit():
            raise ValueError(f"số hiệu needs a number, got {self.number!r}")
        if self.year is not None and not 1945 <= self.year <= 2100:
            raise ValueError(f"số hiệu year out of range: {self.year!r}")

    @property
    def canonical(self) -> str:
        """"30/2020/NĐ-CP", "58/2014/QH13", "1234/QĐ-UBND", "30/2020/NĐ" (what is known, in order)."""
        parts = [self.number]
        if self.year is not None:
            parts.append(str(self.year))
        code = "-".join(p for p in (self.type_code, self.issuer) if p)
        if code:
            parts.append(code)
        return "/".join(parts)

    @property
    def key(self) -> str:
        """Mark-free upper-case canonical form, for exact lookups ("30/2020/ND-CP")."""
        return strip_marks(self.canonical).upper()

    def matches(self, other: SoHieu) -> bool:
        """Same number, and the same year, type and issuer wherever both state one."""
        if _num(self.number) != _num(other.number):
            return False
        pairs = ((self.year, other.year), (_fold(self.type_code), _fold(other.type_code)),
                 (_fold(self.issuer), _fold(other.issuer)))
        return all(a is None or b is None or a == b for a, b in pairs)


def _num(number: str) -> str:
    return number.lstrip("0") or "0"


def _fold(code: str | None) -> str | None:
    return strip_marks(code).upper() if code else None


def _type_code(raw: str) -> str:
    upper = strip_marks(raw).upper()
    return TYPE_CODES.get(upper, upper)


def _issuer(raw: str) -> str:
    upper = strip_marks(raw).upper()
    return ISSUER_CODES.get(upper, upper)


def _split_code(code: str) -> tuple[str | None, str | None]:
    """"nd-cp" → (NĐ, CP); "qh13" → (None, QH13); "qd-ubnd" → (QĐ, UBND); "nd" → (NĐ, None)."""
    head, _, rest = (p.strip() for p in code.partition("-"))
    if head.upper() in TYPE_CODES and (rest or not any(ch.isdigit() for ch in head)):
        return _type_code(head), _issuer(rest) if rest else None
    return None, _issuer(code)


@dataclass(frozen=True)
class Found:
    """A số hiệu found in a text, with its span in that text."""

    so_hieu: SoHieu
    start: int
    end: int


def _folded(text: str) -> tuple[str, str]:
    nfc = normalize_text(text)
    return nfc, strip_marks(nfc).lower()


def find_so_hieu(text: str) -> list[Found]:
    """Every số hiệu in ``text`` in order: full forms, and type + number forms ("NĐ 30/2020", "nghị định 30")."""
    _, low = _folded(text)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    for m in _TYPED.finditer(low):
        if m.start() and (low[m.start() - 1].isalnum() or low[m.start() - 1] in "/-"):
            continue  # "QH13" inside "10/2012/QH13" is that số hiệu's issuer, not "13/QH"
        typed = TYPE_NAMES[m.group(1)] if m.group(1) else _type_code(m.group(2))
        rest = low[m.end():]
        full, num_year = _FULL.match(rest), _NUM_YEAR.match(rest)
        if full:
            type_code, issuer = _split_code(full.group(3))
            year = int(full.group(2)) if full.group(2) else None
            sh, end = SoHieu(full.group(1), year, type_code or _code_of(typed), issuer), m.end() + full.end()
        elif num_year:
            sh = SoHieu(num_year.group(1), int(num_year.group(2)), _code_of(typed))
            end = m.end() + num_year.end()
        else:
            num = re.match(_NUM + r"\b", rest)
            if not num:
                continue
            sh, end = SoHieu(num.group(1), None, _code_of(typed)), m.end() + num.end()
        found.append(Found(sh, m.start(), end))
        taken.append((m.start(), end))
    for m in _FULL.finditer(low):
        if any(s <= m.start() < e for s, e in taken) or not m.group(3):
            continue
        type_code, issuer = _split_code(m.group(3))
        if m.group(2) is None and type_code is None:
            continue  # "3/4 số phiếu": a fraction, not a số hiệu
        found.append(Found(SoHieu(m.group(1), int(m.group(2)) if m.group(2) else None, type_code, issuer),
                           m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def _code_of(typed: str) -> str | None:
    """Type names that have a code in số hiệu; laws ("Luật", "Bộ luật") are numbered by issuer only."""
    return None if typed in ("Luật", "BLuật", "HP") else typed


CONSOLIDATED_KIND = "Văn bản hợp nhất"
_VBHN = re.compile(r"(?:^|[/-])VBHN(?:$|[/-])")


def is_consolidated(so_hieu: str | None) -> bool:
    """Whether a số hiệu is a văn bản hợp nhất's ("28/VBHN-VPQH"): its ký hiệu carries "VBHN" (Pháp lệnh
    hợp nhất văn bản quy phạm pháp luật), whatever act the text consolidates and is headed by."""
    return bool(so_hieu) and bool(_VBHN.search(" ".join(str(so_hieu).upper().split()).replace(" ", "")))


def parse_so_hieu(text: str) -> SoHieu | None:
    """The first số hiệu in ``text``, or None."""
    found = find_so_hieu(text)
    return found[0].so_hieu if found else None


@dataclass(frozen=True)
class Reference:
    """"điểm a khoản 1 Điều 5 <document>": the unit asked for and how the document was named.

    ``document`` is the mark-free, lower-case text after the unit up to the end of the clause, as typed
    ("luat vien chuc quy dinh gi"); a resolver matches it against the titles it knows (the longest
    ``title_key`` that it starts with), so this module needs no list of titles."""

    dieu: str
    khoan: str | None = None
    diem: str | None = None
    so_hieu: SoHieu | None = None
    document: str | None = None

    def __post_init__(self) -> None:
        if not self.dieu or not self.dieu[0].isdigit():
            raise ValueError(f"a reference needs an Điều number, got {self.dieu!r}")


def parse_reference(text: str) -> Reference | None:
    """The first "[điểm x] [khoản n] Điều m [of a document]" in ``text`` (any case, with or without marks)."""
    _, low = _folded(text)
    units: dict[str, str] = {}
    end = None
    for m in _UNIT.finditer(low):
        if end is not None and low[end:m.start()].strip(" ,") not in ("", "cua", "thuoc", "tai"):
            if "dieu" in units:
                break
            units = {}
        name = m.group(1) or m.group(3) or m.group(5)
        units.setdefault(name, m.group(2) or m.group(4) or m.group(6))
        end = m.end()
    if "dieu" not in units or end is None:
        return None
    tail = low[end:]
    tail = tail[_JOIN.match(tail).end():]  # type: ignore[union-attr]
    so_hieu = None
    found = find_so_hieu(tail)
    if found and (found[0].start <= 12 or _named_number(tail[: found[0].start])):
        so_hieu = found[0].so_hieu
    stop = _DOC_END.search(tail)
    document = " ".join(title_key(tail[: stop.start()] if stop else tail).split()[:_DOC_WORDS]) or None
    return Reference(dieu=units["dieu"], khoan=units.get("khoan"), diem=units.get("diem"), so_hieu=so_hieu,
                     document=document)


def _named_number(before: str) -> bool:
    """``before`` (folded) names a document and ends in "số": "luat bao hiem xa hoi so " (its number follows);
    not "luat vien chuc quy dinh gi ve " (a number the question mentions)."""
    return _NAMED_BEFORE.match(before) is not None and before.rstrip().endswith(" so")


def title_key(title: str) -> str:
    """A title folded for prefix matching against ``Reference.document``: mark-free, lower-case, no punctuation."""
    return " ".join(re.sub(r"[^\w]+", " ", strip_marks(normalize_text(title)).lower()).split())


_NAMED_DATE = re.compile(rf"\s+({NGAY}\s+{DAY_MONTH_YEAR})$")


def so_hieu_key(so_hieu: str) -> str:
    """The lookup key of a số hiệu ("30/2020/ND-CP"); "" when there is none.

    Why here: the key is made once where a số hiệu enters (indexing puts it in the document's fields as
    ``so_hieu_key``, a relation keeps its ends' keys), and every lookup compares keys instead of parsing again."""
    parsed = parse_so_hieu(so_hieu or "")
    if parsed is not None:
        return parsed.key
    return strip_marks(so_hieu or "").upper().replace(" ", "")


def name_key(name: str, day: str | None = None) -> str:
    """The lookup key of a document named by title and date ("Pháp lệnh cán bộ, công chức ngày 26 tháng 02 năm
    1998" → "ten:phap lenh can bo cong chuc@1998-02-26"), the date read off the name when ``day`` is None;
    "" without a date (a title alone names too loosely to resolve)."""
    low = title_key(name)
    if day is None:
        m = _NAMED_DATE.search(low)
        if m is None:
            return ""
        day, low = read_date(m.group(1)), low[:m.start()]
    return f"ten:{low[:100]}@{day[:10]}" if low and day else ""
