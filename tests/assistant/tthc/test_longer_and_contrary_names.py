"""Two limits of "the title quoted whole wins": a longer title the question names with more of its words wins
over a short title it quotes whole, and a title for the contrary case ("ở trong nước" for a question about "ở
nước ngoài") is never named. Titles written for the test."""

from __future__ import annotations

from assistant.tthc.fields import TthcFields
from assistant.tthc.match import decide, match_score

TITLES = {
    "9.100001": "Thủ tục đăng ký nuôi ong",
    "9.100002": "Thủ tục đăng ký nuôi ong kết hợp đăng ký trại giống có yếu tố nước ngoài",
    "9.100003": "Thủ tục đăng ký nuôi ong lưu động",
    "9.100004": "Cấp thẻ hành nghề nuôi ong ở trong nước (thực hiện tại cấp tỉnh)",
}


def _decide(question: str) -> tuple[str, tuple[str, ...]]:
    fields = [TthcFields(ma_thu_tuc=code, ten_thu_tuc=title) for code, title in TITLES.items()]  # type: ignore[typeddict-item]
    naming = decide(question, [(f, match_score(question, f)) for f in fields])
    return naming.status, naming.codes


def test_a_longer_title_named_with_more_words_wins_over_the_short_one_quoted_whole() -> None:
    assert _decide("Đăng ký nuôi ong kết hợp trại giống có yếu tố nước ngoài mất bao lâu?") == ("named", ("9.100002",))


def test_the_short_title_quoted_whole_still_wins_when_nothing_longer_is_named() -> None:
    assert _decide("Đăng ký nuôi ong cần giấy tờ gì?") == ("named", ("9.100001",))
    assert _decide("Đăng ký nuôi ong ở xã thì bao lâu xong?") == ("named", ("9.100001",))


def test_a_title_for_the_contrary_case_is_not_named() -> None:
    assert _decide("Cấp thẻ hành nghề nuôi ong ở nước ngoài cần giấy tờ gì?")[0] != "named"
    assert _decide("cap the hanh nghe nuoi ong o trong nuoc mat bao lau") == ("named", ("9.100004",))
