"""The one reader of Vietnamese dates: every spelling documents use, and no misread day filed as a date."""

from __future__ import annotations

import pytest

from core.dates import date_after_ngay, first_date, iso_date, read_date


@pytest.mark.parametrize(("text", "iso"), [
    ("Hà Tĩnh, ngày 05 tháng 01 năm 2026", "2026-01-05"),
    ("ngay 5 thang 1 nam 2026", "2026-01-05"),
    ("NGÀY 15 THÁNG 3 NĂM 2025", "2025-03-15"),
    ("ban hành 05/01/2026", "2026-01-05"),
    ("5.1.2026", "2026-01-05"),
    ("2026-01-05T10:00:00", "2026-01-05"),
    ("ngày 31 tháng 02 năm 2026", None),
    ("Số: 12/QĐ-UBND", None),
    ("", None),
])
def test_read_date(text: str, iso: str | None) -> None:
    assert read_date(text) == iso


def test_iso_date_checks_the_calendar() -> None:
    assert iso_date("29", "2", "2024") == "2024-02-29"
    assert iso_date("29", "2", "2025") is None
    assert iso_date(1, 13, 2025) is None


def test_date_after_ngay_reads_only_what_opens_the_text() -> None:
    assert date_after_ngay("01 tháng 7 năm 2026.") == "2026-07-01"
    assert date_after_ngay("01/07/2026") == "2026-07-01"
    assert date_after_ngay("ký ngày 01/07/2026") is None


def test_first_date_takes_the_earliest_written_day_of_the_calendar() -> None:
    text = "có hiệu lực từ 01/07/2026, thay thế văn bản ngày 30 tháng 02 năm 2020 và ngày 3 tháng 4 năm 2019"
    assert first_date(text) == "2026-07-01"
    assert first_date("ngay 30 thang 02 nam 2020 va ngay 3 thang 4 nam 2019") == "2019-04-03"
    assert first_date("không có ngày") is None
