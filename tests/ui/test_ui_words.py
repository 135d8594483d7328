"""What the UI shows people: times in Vietnam time without seconds, channels in words, every indexed format
offered for upload (the UI is an HTTP client: its lists are checked against the API's here)."""

from __future__ import annotations

from assistant.api.routes_documents import ACCEPTED_SUFFIXES
from ui.components.admin import UPLOAD_TYPES
from ui.components.style import channel_name, day_first, moment


def test_times_and_dates_are_shown_as_people_read_them() -> None:
    assert moment("2026-12-07T14:18:02.304316+00:00") == "21:18 07/12/2026"
    assert moment("2026-12-07T14:18:02") == "21:18 07/12/2026"
    assert moment(None) == "" and moment("hôm qua") == "hôm qua"
    assert day_first("2026-01-05") == "05/01/2026" and day_first("kể từ ngày ký") == "kể từ ngày ký"


def test_channels_are_named_in_words() -> None:
    assert channel_name("local-owner:4f2a") == "dòng lệnh trên máy chủ"
    assert channel_name("cli") == "dòng lệnh trên máy chủ"  # a command that opened the index itself
    assert channel_name("dms") == "hệ thống «dms» (khoá API)"
    assert channel_name("") == "giao diện web / đăng nhập"


def test_the_upload_widget_offers_every_format_the_api_indexes() -> None:
    assert sorted(f".{t}" for t in UPLOAD_TYPES) == sorted(ACCEPTED_SUFFIXES)


def test_task_deadlines_are_day_first_in_the_table_and_export() -> None:
    from ui.components.task_export import task_rows

    row = task_rows([{"status": "", "due": "2026-06-30", "deadline": {"text": "Quý II/2026"}, "role": "lead",
                      "via": "", "nhiem_vu": "Báo cáo", "doc_id": "d", "citation": "Mục I"}])[0]
    assert row["Hạn"] == "30/06/2026" and row["Thời hạn (như văn bản)"] == "Quý II/2026"
