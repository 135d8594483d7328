"""Tone marks of an OCR'd title put right from the Vietnamese word list, and left alone where a change would be
a guess (names, a pair the body uses, a syllable already part of a word on its other side)."""

from __future__ import annotations

import pytest

from indexing.ocr_marks import fix_marks, lexicon

pytestmark = pytest.mark.skipif(not lexicon()[0], reason="underthesea's word list is not installed")


@pytest.mark.parametrize(("read", "fixed"), [
    ("Về việc bồ nhiệm vào ngạch Thanh tra viên", "Về việc bổ nhiệm vào ngạch Thanh tra viên"),
    ("Kỳ thi tốt nghiệp trung học phố thông năm 2021", "Kỳ thi tốt nghiệp trung học phổ thông năm 2021"),
    ("dự án tại thị trần Mộ Đức", "dự án tại thị trấn Mộ Đức"),
    ("Thông báo kết luận tại buỗi làm việc", "Thông báo kết luận tại buổi làm việc"),  # "buỗi" is no syllable
])
def test_a_misread_mark_is_put_right(read: str, fixed: str) -> None:
    assert fix_marks(read, "") == fixed


@pytest.mark.parametrize("title", [
    "Về việc chuyển mục đích sử dụng đất",  # "chuyên mục" is a word, but "mục" belongs to "mục đích"
    "Kết luận của Chủ tịch UBND tỉnh Nguyễn Hoàng Giang tại buổi làm việc",  # names stay as read
    "đối với bà Lê Thị Kim Yến",
    "Ủy ban nhân dân tỉnh Quảng Ngãi",
])
def test_right_titles_are_left_alone(title: str) -> None:
    assert fix_marks(title, "") == title


def test_the_body_vetoes_a_change_it_contradicts() -> None:
    assert fix_marks("xoá nhà tạm, nhà dột nát", "") in ("xoá nhà tạm, nhà dột nát", "xoá nhà tắm, nhà dột nát")
    assert fix_marks("xoá nhà tạm, nhà dột nát", "hỗ trợ xoá nhà tạm cho hộ nghèo") == "xoá nhà tạm, nhà dột nát"


def test_a_misreading_the_body_repeats_does_not_respell_a_right_title() -> None:
    """The body, OCR'd too, repeats misreadings ("vê việc" twice in a scan's body): it may only veto."""
    title = "Về việc chuyển mục đích sử dụng đất"
    assert fix_marks(title, "Căn cứ vê việc giao đất; vê việc thu hồi đất") == title
