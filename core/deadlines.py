"""A deadline as written ("Quý I/2026", "Năm 2025-2030", "trước ngày 30/6/2026", "Thường xuyên", "Hàng năm")
read into a date range and a recurrence, so tasks can be sorted, filtered by period and marked overdue.

Why one reader: the task tables, the per-unit sections and the questions ("nhiệm vụ hạn Quý II/2026") all name
periods the same way; both sides go through :func:`parse_deadline` and compare ranges. Dates are calendar
dates in Asia/Ho_Chi_Minh (:func:`today_in_vietnam`). Text typed without marks ("quy I/2026", "thuong xuyen")
reads the same.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.vietnamese import fold

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
RECURRENCES = ("thường xuyên", "hàng năm", "định kỳ", "hàng quý", "hàng tháng")
_RECUR_FOLDED = {fold(r): r for r in RECURRENCES}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_QUARTER = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\s*(?:/|nam)\s*(\d{4})\b")
_HALF = re.compile(r"\b(6 thang dau nam|6 thang cuoi nam)\s*(?:/|nam)?\s*(\d{4})\b")
_DAY = re.compile(r"\b(\d{1,2})\s*(?:/|-|thang)\s*(\d{1,2})\s*(?:/|-|nam)\s*(\d{4})\b")
_DAY_MONTH = re.compile(r"\b(?:ngay\s+)?(\d{1,2})\s*(?:/|thang)\s*(\d{1,2})\b(?!\s*(?:/|-|nam)\s*\d)")
_MONTH = re.compile(r"\bthang\s+(\d{1,2})\s*(?:/|nam)\s*(\d{4})\b")
_YEARS = re.compile(r"\b(?:nam|giai doan)\s+(\d{4})\s*(?:-|–|den)\s*(?:nam\s+)?(\d{4})\b")
_YEAR = re.compile(r"\bnam\s+(\d{4})\b")


def today_in_vietnam() -> date:
    """Today's date in Asia/Ho_Chi_Minh (a server in UTC would be a day behind until 07:00)."""
    return datetime.now(VIETNAM).date()


def moment(iso: str | datetime) -> str:
    """A time as people read it here: "21:18 07/12/2026" in Asia/Ho_Chi_Minh, no seconds or microseconds (a
    stored UTC "2026-12-07T14:18:02.304316+00:00" is 21:18 in Hà Tĩnh; a naive one is taken as UTC)."""
    when = datetime.fromisoformat(iso) if isinstance(iso, str) else iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo("UTC"))
    return when.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Deadline:
    """``text`` as written; ``start``..``end`` the period it names (both None when it names none);
    ``recurs`` "thường xuyên", "hàng năm", … (or ""); ``annual_day`` "MM-DD" for "trước 15/12 hàng năm"."""

    text: str
    start: date | None = None
    end: date | None = None
    recurs: str = ""
    annual_day: str = ""

    def __post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise ValueError(f"a deadline needs both ends or neither, got {self.start}..{self.end}")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError(f"deadline {self.text!r} ends ({self.end}) before it starts ({self.start})")
        if self.recurs and self.recurs not in RECURRENCES:
            raise ValueError(f"unknown recurrence {self.recurs!r} (expected one of {RECURRENCES})")

    def due(self, today: date) -> date | None:
        """The date the work is due by: the period's end, or the next "MM-DD" of a yearly deadline."""
        if self.annual_day:
            month, day = (int(x) for x in self.annual_day.split("-"))
            day = min(day, calendar.monthrange(today.year, month)[1])  # 29/2 in a common year: 28/2
            this_year = date(today.year, month, day)
            if this_year >= today:
                return this_year
            return date(today.year + 1, month, min(day, calendar.monthrange(today.year + 1, month)[1]))
        return self.end

    def overlaps(self, start: date, end: date) -> bool:
        """True when the deadline's period meets ``start``..``end`` (recurring work meets every period)."""
        if self.recurs and self.start is None:
            return True
        return self.start is not None and self.end is not None and self.start <= end and start <= self.end

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "recurs": self.recurs,
                "annual_day": self.annual_day}


def _period(folded: str) -> tuple[date, date] | None:
    """The first period ``folded`` (mark-free, lower case) names, widest reading of a span of years."""
    if m := _QUARTER.search(folded):
        q, year = _ROMAN[m.group(1)], int(m.group(2))
        return date(year, 3 * q - 2, 1), _end_of_month(year, 3 * q)
    if m := _HALF.search(folded):
        year = int(m.group(2))
        return (date(year, 1, 1), date(year, 6, 30)) if "dau" in m.group(1) else (date(year, 7, 1),
                                                                                  date(year, 12, 31))
    if m := _DAY.search(folded):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            when = date(year, month, day)
        except ValueError:
            return None
        return when, when
    if m := _MONTH.search(folded):
        year, month = int(m.group(2)), int(m.group(1))
        if 1 <= month <= 12:
            return date(year, month, 1), _end_of_month(year, month)
    if m := _YEARS.search(folded):
        first, last = sorted((int(m.group(1)), int(m.group(2))))
        return date(first, 1, 1), date(last, 12, 31)
    if m := _YEAR.search(folded) or re.fullmatch(r"\s*(\d{4})\s*", folded):
        year = int(m.group(1))
        return date(year, 1, 1), date(year, 12, 31)
    return None


def parse_deadline(text: str) -> Deadline:
    """Read a deadline as written; text that names no period and no recurrence keeps only ``text``."""
    written = " ".join(text.split())
    folded = fold(written)
    recurs = next((name for key, name in _RECUR_FOLDED.items() if key in folded), "")
    annual_day = ""
    if recurs == "hàng năm" and (m := _DAY_MONTH.search(folded)):
        try:  # a leap year, so "29/2 hàng năm" reads; a day no month has does not
            date(2000, int(m.group(2)), int(m.group(1)))
            annual_day = f"{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        except ValueError:
            annual_day = ""
    span = _period(folded)
    if span is None:
        return Deadline(written, recurs=recurs, annual_day=annual_day)
    return Deadline(written, span[0], span[1], recurs=recurs, annual_day=annual_day)


_WITHIN = re.compile(r"\btrong\s+(?:thoi\s+han\s+|vong\s+)?(\d{1,3})\s+ngay(\s+lam\s+viec)?"
                     r"(?:\s*,?\s*(?:ke\s+tu|tinh\s+tu)\s+ngay\s+(.{0,40}))?")
_FROM_DAY = re.compile(r"(\d{1,2})\s*(?:/|-|thang)\s*(\d{1,2})\s*(?:/|-|nam)\s*(\d{4})")


def _add_days(start: date, days: int, working: bool) -> date:
    """``start`` + ``days`` calendar days, or working days (Saturdays and Sundays skipped; public holidays are
    not known here, so a working-day deadline over a holiday is a day or more early, never late)."""
    if not working:
        return date.fromordinal(start.toordinal() + days)
    day = start
    left = days
    while left > 0:
        day = date.fromordinal(day.toordinal() + 1)
        if day.weekday() < 5:
            left -= 1
    return day


def resolve_deadline(deadline: Deadline, issued: date | None, received: date | None = None) -> Deadline:
    """A deadline written against the document it stands in, as dates: "trong thời hạn 15 ngày kể từ ngày ký"
    is the document's date + 15 days, "… kể từ ngày nhận được văn bản" the day it was received (unresolved when
    that day is not known), "trước ngày 15/01" in the document's year (the next year when that day is already
    past). A deadline that already names its dates, or that cannot be resolved, is returned as it is: an
    unresolved one keeps no date, so nobody reads a guessed date as a stated one."""
    folded = fold(deadline.text)
    if m := _WITHIN.search(folded):  # "kể từ ngày 02/01/2026" names the start, not the deadline
        days, working, since = int(m.group(1)), bool(m.group(2)), (m.group(3) or "").strip()
        anchor: date | None
        if not since or re.match(r"(?:ky|ban hanh)\b", since) or since.startswith("van ban nay co hieu luc"):
            anchor = issued if since else None  # a bare "trong 15 ngày" says not from when
        elif since.startswith("nhan"):
            anchor = received
        elif d := _FROM_DAY.match(since):
            try:
                anchor = date(int(d.group(3)), int(d.group(2)), int(d.group(1)))
            except ValueError:
                anchor = None
        else:
            anchor = None
        if anchor is None:
            return Deadline(deadline.text)
        due = _add_days(anchor, days, working)
        return Deadline(deadline.text, due, due)
    if deadline.start is not None or deadline.recurs:
        return deadline
    if issued is not None and (m := _DAY_MONTH.search(folded)):
        try:
            due = date(issued.year, int(m.group(2)), int(m.group(1)))
        except ValueError:
            return deadline
        if due < issued:
            due = date(issued.year + 1, due.month, due.day)
        return Deadline(deadline.text, due, due)
    return deadline
