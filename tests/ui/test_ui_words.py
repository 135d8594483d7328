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


def test_every_audited_action_and_common_outcome_is_named_in_words() -> None:
    """The audit page shows what was done in words: every action the API, the CLI and the services write (read
    from their source) has its name, and the usual outcomes theirs (issue 31: no raw codes on a page)."""
    import re
    from pathlib import Path

    from ui.components.admin import ACTIONS, OUTCOMES

    source = "\n".join(p.read_text(encoding="utf-8") for p in (Path(__file__).resolve().parents[2] / "assistant")
                       .rglob("*.py"))
    written = set(re.findall(r"audited\([^()]*?,\s*\"([a-z_]+)\"", source))
    written |= set(re.findall(r"\baction=\"([a-z_]+)\"", source))
    assert {"ask", "search", "incoming", "draft", "format_check", "hold", "erase"} <= written  # the reading works
    assert sorted(written - set(ACTIONS)) == []
    assert OUTCOMES["answered"] == "đã trả lời" and OUTCOMES["refused"].startswith("từ chối")
