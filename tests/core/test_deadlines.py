"""Deadlines as plans write them, read into date ranges and recurrences (with and without marks)."""

from __future__ import annotations

from datetime import date

import pytest

from core.deadlines import Deadline, parse_deadline, today_in_vietnam


@pytest.mark.parametrize(("text", "start", "end", "recurs"), [
    ("Quý I/2026", date(2026, 1, 1), date(2026, 3, 31), ""),
    ("quy iv/2026", date(2026, 10, 1), date(2026, 12, 31), ""),
    ("Quý 2 năm 2026", date(2026, 4, 1), date(2026, 6, 30), ""),
    ("Năm 2026", date(2026, 1, 1), date(2026, 12, 31), ""),
    ("Năm 2025-2030", date(2025, 1, 1), date(2030, 12, 31), ""),
    ("trước ngày 30/6/2026", date(2026, 6, 30), date(2026, 6, 30), ""),
    ("hoàn thành trước ngày 15 tháng 3 năm 2026", date(2026, 3, 15), date(2026, 3, 15), ""),
    ("Tháng 9/2026", date(2026, 9, 1), date(2026, 9, 30), ""),
    ("6 tháng đầu năm 2026", date(2026, 1, 1), date(2026, 6, 30), ""),
    ("Thường xuyên", None, None, "thường xuyên"),
    ("thuong xuyen", None, None, "thường xuyên"),
    ("Hàng năm", None, None, "hàng năm"),
    ("Quý I/2026 hoàn thành danh mục, cập nhật định kỳ thường xuyên", date(2026, 1, 1), date(2026, 3, 31),
     "thường xuyên"),
    ("Khi có yêu cầu", None, None, ""),
])
def test_periods_as_written(text: str, start: date | None, end: date | None, recurs: str) -> None:
    deadline = parse_deadline(text)
    assert (deadline.text, deadline.start, deadline.end, deadline.recurs) == (text, start, end, recurs)


def test_a_yearly_day_is_due_on_its_next_occurrence() -> None:
    deadline = parse_deadline("trước ngày 15 tháng 12 hàng năm")
    assert deadline.annual_day == "12-15" and deadline.start is None
    assert deadline.due(date(2026, 3, 1)) == date(2026, 12, 15)
    assert deadline.due(date(2026, 12, 16)) == date(2027, 12, 15)
    assert parse_deadline("trước ngày 29/2 hàng năm").due(date(2027, 1, 1)) == date(2027, 2, 28)
    assert parse_deadline("trước ngày 31/2 hàng năm").annual_day == ""  # no such day


def test_overlap_and_recurring_work_meets_every_period() -> None:
    q1 = parse_deadline("Quý I/2026")
    assert q1.overlaps(date(2026, 3, 1), date(2026, 3, 31)) and not q1.overlaps(date(2026, 4, 1), date(2026, 6, 30))
    assert parse_deadline("Thường xuyên").overlaps(date(2030, 1, 1), date(2030, 1, 31))
    assert not parse_deadline("Khi có yêu cầu").overlaps(date(2026, 1, 1), date(2026, 12, 31))


def test_bad_ranges_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="ends"):
        Deadline("x", date(2026, 5, 1), date(2026, 4, 1))
    with pytest.raises(ValueError, match="both ends"):
        Deadline("x", date(2026, 5, 1), None)
    with pytest.raises(ValueError, match="recurrence"):
        Deadline("x", recurs="mỗi tuần")
    assert isinstance(today_in_vietnam(), date)


def test_moments_are_shown_in_vietnam_time_without_seconds() -> None:
    from core.deadlines import moment

    assert moment("2026-12-07T14:18:02.304316+00:00") == "21:18 07/12/2026"
    assert moment("2026-12-07T14:18:02") == "21:18 07/12/2026"  # naive: stored as UTC


def test_a_deadline_written_against_the_document_is_dated_from_it() -> None:
    from core.deadlines import resolve_deadline

    issued, received = date(2026, 2, 24), date(2026, 2, 26)

    def due(text: str, arrived: date | None = received) -> date | None:
        return resolve_deadline(parse_deadline(text), issued, arrived).end

    assert due("trong thời hạn 15 ngày kể từ ngày ký") == date(2026, 3, 11)
    assert due("trong thời hạn 15 ngày làm việc kể từ ngày ký văn bản này") == date(2026, 3, 17)  # weekends skipped
    assert due("trong vòng 7 ngày kể từ ngày 02/03/2026") == date(2026, 3, 9)  # the day named is the start
    assert due("trong 10 ngày kể từ ngày nhận được văn bản này") == date(2026, 3, 8)
    assert due("trong 10 ngày kể từ ngày nhận được văn bản này", None) is None  # arrival unknown: no date
    assert due("trong 05 ngày") is None  # from when is not said
    assert due("trước ngày 15/3") == date(2026, 3, 15) and due("trước ngày 15/01") == date(2027, 1, 15)
    assert due("trước ngày 20/4/2026") == date(2026, 4, 20)
    assert resolve_deadline(parse_deadline("thường xuyên"), issued).end is None
