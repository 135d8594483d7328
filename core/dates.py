"""Vietnamese dates as documents write them: the one reader every layer uses.

A date is written "ngày 05 tháng 01 năm 2026" (with marks, or folded "ngay 05 thang 01 nam 2026" once a layer has
folded its text), "05/01/2026" (also with "." or "-") or, in exports, ISO "2026-01-05". The header reader, the legal
basis and effect clauses, the validity phrases and stores all read them here, so a fix (a calendar check, a spelling)
lands everywhere at once. Phrases that only *contain* a date ("thông qua ngày …", "…, ngày … tháng … năm …") are
composed from ``DAY_MONTH_YEAR`` rather than repeating it. Deadline phrases ("trước 30/6", "6 tháng đầu năm 2026")
are a grammar of their own in ``core.deadlines``.
"""

from __future__ import annotations

import re
from datetime import date

# The day, month and year after the word "ngày" (marked or folded), without groups, to compose into larger patterns.
DAY_MONTH_YEAR = r"\d{1,2}\s+th(?:áng|ang)\s+\d{1,2}\s+n(?:ăm|am)\s+\d{4}"
# "ngày" itself, marked or folded.
NGAY = r"ng(?:ày|ay)"

_WORDS_AFTER_NGAY = re.compile(r"(\d{1,2})\s+th(?:áng|ang)\s+(\d{1,2})\s+n(?:ăm|am)\s+(\d{4})", re.I)
IN_WORDS = re.compile(NGAY + r"\s+" + _WORDS_AFTER_NGAY.pattern, re.I)
IN_FIGURES = re.compile(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


def iso_date(day: str | int, month: str | int, year: str | int) -> str | None:
    """The ISO form of a day, month and year as written, or None when they name no day of the calendar
    ("31 tháng 02" is a misreading, not a date to file a document under)."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def read_date(text: str) -> str | None:
    """The date a field's value states, ISO, or None: an ISO date first (exports), then one in words, then in
    figures (day first, as Vietnamese writes it)."""
    if m := _ISO.search(text):
        return iso_date(m.group(3), m.group(2), m.group(1))
    m = IN_WORDS.search(text) or IN_FIGURES.search(text)
    return iso_date(*m.groups()) if m else None


def date_after_ngay(text: str) -> str | None:
    """The date that opens ``text`` when it is what follows "ngày" ("05 tháng 01 năm 2026", "05/01/2026"), ISO."""
    m = _WORDS_AFTER_NGAY.match(text) or IN_FIGURES.match(text)
    return iso_date(*m.groups()) if m else None


def first_date(text: str) -> str | None:
    """The first date written in ``text`` (words or figures, whichever comes first) that is a day of the calendar."""
    found = sorted((m.start(), m.groups()) for m in (*IN_WORDS.finditer(text), *IN_FIGURES.finditer(text)))
    for _, (day, month, year) in found:
        if iso := iso_date(day, month, year):
            return iso
    return None
