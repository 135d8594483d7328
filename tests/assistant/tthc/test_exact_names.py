"""The procedure named exactly wins: a question that quotes a title whole (a leading "Thủ tục" may be left out)
names it, however the rest of the question is worded. Titles from ../shared/corpus/tthc-province."""

from __future__ import annotations

from assistant.tthc.fields import TthcFields
from assistant.tthc.match import decide, match_score, quotes_title

TITLES = {
    "1.001193": "Thủ tục đăng ký khai sinh",
    "1.004772": "Thủ tục đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân",
    "1.000893": "Thủ tục đăng ký khai sinh có yếu tố nước ngoài cho người đã có hồ sơ, giấy tờ cá nhân",
    "1.000894": "Thủ tục đăng ký kết hôn",
    "1.000593": "Thủ tục đăng ký kết hôn lưu động",
    "3.000347": "Đổi giấy phép lái xe",
    "3.000348": "Cấp lại giấy phép lái xe",
}


def _decide(question: str) -> tuple[str, tuple[str, ...]]:
    fields = [TthcFields(ma_thu_tuc=code, ten_thu_tuc=title) for code, title in TITLES.items()]  # type: ignore[typeddict-item]
    naming = decide(question, [(f, match_score(question, f)) for f in fields])
    return naming.status, naming.codes


def test_a_title_quoted_whole_is_the_one_named() -> None:
    assert _decide("Thủ tục đăng ký khai sinh cần những giấy tờ gì?") == ("named", ("1.001193",))
    assert _decide("Đổi giấy phép lái xe thì bao lâu nhận được bằng mới?") == ("named", ("3.000347",))
    assert _decide("Đăng ký kết hôn ở xã thì bao lâu được giải quyết?") == ("named", ("1.000894",))
    assert _decide("dang ky ket hon luu dong mat bao lau") == ("named", ("1.000593",))  # the longest quoted


def test_a_partial_title_is_not_a_quote() -> None:
    assert quotes_title("cấp giấy phép lái xe", TthcFields(ma_thu_tuc="3.000348",  # type: ignore[typeddict-item]
                                                             ten_thu_tuc="Cấp lại giấy phép lái xe")) == 0
