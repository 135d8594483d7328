"""A procedure's name cut short names the title it was cut from: "… chữa bệnh trong giai" is the "… trong giai
đoạn chuyển tiếp" procedure, not the shorter title it also holds whole; a cut name that begins two titles as far
is asked back with both, never answered with one. Titles written for the test, shaped like the defence set's."""

from __future__ import annotations

from assistant.tthc.fields import TthcFields
from assistant.tthc.match import decide, match_score

TITLES = {
    "9.000001": "Thủ tục gia hạn giấy phép hành nghề kiểm định thiết bị.",
    "9.000002": "Thủ tục gia hạn giấy phép hành nghề kiểm định thiết bị trong giai đoạn chuyển tiếp.",
    "9.000003": "Thủ tục trợ cấp một lần đối với thợ lặn nghỉ việc (đối tượng còn sống)",
    "9.000004": "Thủ tục trợ cấp một lần đối với thợ lặn nghỉ việc (đối tượng đã từ trần)",
    "9.000005": "Thủ tục đăng ký tàu cá",
    "9.000006": "Thủ tục đăng ký tàu cá cho người đã có giấy tờ",
    "9.000007": "Thủ tục đăng ký hoạt động kiểm định thiết bị lần đầu",
    "9.000008": "Thủ tục đăng ký hoạt động kiểm định thiết bị bổ sung",
}


def _decide(question: str) -> tuple[str, tuple[str, ...]]:
    fields = [TthcFields(ma_thu_tuc=code, ten_thu_tuc=title) for code, title in TITLES.items()]  # type: ignore[typeddict-item]
    naming = decide(question, [(f, match_score(question, f)) for f in fields])
    return naming.status, naming.codes


def test_a_cut_name_runs_past_the_shorter_title_it_holds() -> None:
    assert _decide("Căn cứ pháp lý của thủ tục gia hạn giấy phép hành nghề kiểm định thiết bị trong giai là gì?") \
        == ("named", ("9.000002",))
    assert _decide("gia han giay phep hanh nghe kiem dinh thiet bi trong giai mat bao lau?") == ("named", ("9.000002",))


def test_the_whole_shorter_title_still_wins_when_the_question_stops_there() -> None:
    assert _decide("Gia hạn giấy phép hành nghề kiểm định thiết bị cần giấy tờ gì?") == ("named", ("9.000001",))
    assert _decide("Đăng ký tàu cá cho ai?") == ("named", ("9.000005",))  # asking words are not a longer name


def test_a_cut_name_that_begins_two_titles_as_far_is_asked_back_with_both() -> None:
    status, codes = _decide("Thời hạn giải quyết trợ cấp một lần đối với thợ lặn nghỉ việc là bao lâu?")
    assert status == "ambiguous" and set(codes) == {"9.000003", "9.000004"}
    assert _decide("Hồ sơ trợ cấp một lần đối với thợ lặn nghỉ việc (đối tượng còn?") == ("named", ("9.000003",))


def test_a_question_that_names_more_than_the_cut_part_is_not_read_as_cut() -> None:
    status, codes = _decide("Đăng ký hoạt động kiểm định thiết bị bổ sung thì bao lâu xong?")
    assert (status, codes) == ("named", ("9.000008",))
    status, _ = _decide("Lệ phí đăng ký hoạt động kiểm định thiết bị tàu ngầm là bao nhiêu?")
    assert status != "named"
