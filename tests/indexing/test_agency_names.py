"""An OCR'd issuer gets its marks back from the document's own digital signature or from the province list;
its letters never change."""

from __future__ import annotations

from indexing.agency_names import respell


def test_marks_come_from_the_issuing_bodys_digital_signature() -> None:
    assert respell("Ủy ban nhân dân tĩnh Quảng Ngái", ("Ủy ban nhân dân tỉnh Quảng Ngãi",)) == \
        "Ủy ban nhân dân tỉnh Quảng Ngãi"


def test_a_province_name_gets_its_marks_back() -> None:
    assert respell("Ủy ban nhân dân tinh Quang Ngài") == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert respell("Ủy ban nhân dân thành phố Hồ Chi Minh") == "Ủy ban nhân dân thành phố Hồ Chí Minh"


def test_other_letters_are_left_alone() -> None:
    assert respell("Ủy ban nhân dân tỉnh Quảng Nam Ngãi") == "Ủy ban nhân dân tỉnh Quảng Nam Ngãi"
    assert respell("Sở Y tế", ("Ủy ban nhân dân tỉnh Quảng Ngãi",)) == "Sở Y tế"
