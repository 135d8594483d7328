"""Số hiệu and legal references as officials type them: any spacing, abbreviation or missing marks."""

from __future__ import annotations

import pytest

from core.so_hieu import Reference, SoHieu, find_so_hieu, is_consolidated, parse_reference, parse_so_hieu, title_key


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("30/2020/NĐ-CP", "30/2020/NĐ-CP"),
        ("30 / 2020 / nđ - cp", "30/2020/NĐ-CP"),
        ("30/2020/ND-CP", "30/2020/NĐ-CP"),
        ("Nghị định số 30/2020/NĐ-CP", "30/2020/NĐ-CP"),
        ("nghi dinh so 30/2020/nd-cp ve cong tac van thu", "30/2020/NĐ-CP"),
        ("NĐ 30/2020", "30/2020/NĐ"),
        ("NĐ30/2020", "30/2020/NĐ"),
        ("nghị định 30", "30/NĐ"),
        ("QĐ 1234/QĐ-UBND", "1234/QĐ-UBND"),
        ("Quyết định 1234/QD-UBND", "1234/QĐ-UBND"),
        ("TT 01/2011", "01/2011/TT"),
        ("Thông tư 01/2011/TT-BNV", "01/2011/TT-BNV"),
        ("Luật số 58/2014/QH13", "58/2014/QH13"),
        ("Nghị quyết 12/2019/NQ-HDND", "12/2019/NQ-HĐND"),
        ("Kế hoạch 731/KH-UBND ngày 30/12/2025", "731/KH-UBND"),
    ],
)
def test_spellings_parse_to_one_canonical_form(typed: str, canonical: str) -> None:
    parsed = parse_so_hieu(typed)
    assert parsed is not None
    assert parsed.canonical == canonical


def test_components() -> None:
    assert parse_so_hieu("30/2020/ND-CP") == SoHieu("30", 2020, "NĐ", "CP")
    assert parse_so_hieu("Luật số 58/2014/QH13") == SoHieu("58", 2014, None, "QH13")
    assert parse_so_hieu("30/2020/NĐ-CP").key == "30/2020/ND-CP"  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["tỉ lệ 3/4 số phiếu", "ngày 30/12/2025", "Điều 14 Luật Viên chức", "", "năm 2020"])
def test_no_so_hieu_in_plain_text(text: str) -> None:
    assert parse_so_hieu(text) is None


def test_short_forms_match_the_full_number_and_nothing_else() -> None:
    full = SoHieu("30", 2020, "NĐ", "CP")
    for short in ("NĐ 30", "nghi dinh 30", "NĐ30/2020", "30/2020/ND-CP"):
        assert parse_so_hieu(short).matches(full), short  # type: ignore[union-attr]
    for other in ("NĐ 31", "QĐ 30/2020", "NĐ 30/2019", "30/2020/NĐ-TTg"):
        assert not parse_so_hieu(other).matches(full), other  # type: ignore[union-attr]
    assert SoHieu("01", 2011, "TT").matches(SoHieu("1", 2011, "TT", "BNV"))


def test_every_number_in_a_sentence_with_spans() -> None:
    text = "Căn cứ Nghị định 30/2020/NĐ-CP và QĐ 1234/QĐ-UBND, thay thế TT 01/2011"
    found = find_so_hieu(text)
    assert [f.so_hieu.canonical for f in found] == ["30/2020/NĐ-CP", "1234/QĐ-UBND", "01/2011/TT"]
    assert text[found[0].start:found[0].end] == "Nghị định 30/2020/NĐ-CP"


def test_bad_values_are_named() -> None:
    with pytest.raises(ValueError, match="'abc'"):
        SoHieu("abc")
    with pytest.raises(ValueError, match="1800"):
        SoHieu("3", 1800)
    with pytest.raises(ValueError, match="Điều"):
        Reference(dieu="")


@pytest.mark.parametrize(
    ("typed", "dieu", "khoan", "diem", "document"),
    [
        ("Điều 14 Luật Viên chức", "14", None, None, "luat vien chuc"),
        ("khoản 2 điều 37 bộ luật lao động", "37", "2", None, "bo luat lao dong"),
        ("dieu 6 luat tiep can thong tin la gi?", "6", None, None, "luat tiep can thong tin la gi"),
        ("Theo Điều 3 của Bộ luật dân sự, nguyên tắc là gì", "3", None, None, "bo luat dan su nguyen tac la gi"),
        ("Điều 5, khoản 1 Luật Cư trú", "5", "1", None, "luat cu tru"),
        ("ĐIỀU 12A LUẬT PHÒNG, CHỐNG MA TÚY", "12a", None, None, "luat phong chong ma tuy"),
    ],
)
def test_references(typed: str, dieu: str, khoan: str | None, diem: str | None, document: str) -> None:
    ref = parse_reference(typed)
    assert ref is not None
    assert (ref.dieu, ref.khoan, ref.diem, ref.document) == (dieu, khoan, diem, document)


def test_reference_to_a_numbered_document() -> None:
    ref = parse_reference("điểm a khoản 1 Điều 5 Nghị định 30/2020/NĐ-CP")
    assert ref is not None
    assert (ref.diem, ref.khoan, ref.dieu) == ("a", "1", "5")
    assert ref.so_hieu == SoHieu("30", 2020, "NĐ", "CP")
    assert parse_reference("Điều 7 NĐ 30").so_hieu == SoHieu("30", None, "NĐ")  # type: ignore[union-attr]
    named = parse_reference("Điều 54 Luật Bảo hiểm xã hội số 58/2014/QH13 đã được sửa đổi chưa?")
    assert named is not None and named.so_hieu == SoHieu("58", 2014, None, "QH13")  # the named law's own number
    mentioned = parse_reference("Điều 14 Luật Viên chức quy định gì về 58/2014/QH13")
    assert mentioned is not None and mentioned.so_hieu is None  # a number the question mentions, not the law's


@pytest.mark.parametrize("text", ["khoản 2 của luật này", "điều kiện cấp giấy phép", "Luật Viên chức", ""])
def test_no_reference(text: str) -> None:
    assert parse_reference(text) is None


def test_title_key_folds_marks_case_and_punctuation() -> None:
    assert title_key("Luật Phòng, chống ma túy") == "luat phong chong ma tuy"
    assert parse_reference("điều 2 luat phong chong ma tuy").document.startswith(  # type: ignore[union-attr]
        title_key("Luật Phòng, chống ma túy"))


def test_an_issuer_code_inside_a_full_number_is_not_a_number_of_its_own() -> None:
    found = find_so_hieu("thay thế Bộ luật Lao động số 10/2012/QH13 và Luật 58/2014/QH13")
    assert [(f.so_hieu.number, f.so_hieu.year, f.so_hieu.issuer) for f in found] == [
        ("10", 2012, "QH13"), ("58", 2014, "QH13")]


def test_a_consolidated_texts_number_says_what_it_is() -> None:
    """The ký hiệu VBHN marks a văn bản hợp nhất, whatever act heads its text (issue 31)."""
    assert is_consolidated("28/VBHN-VPQH") and is_consolidated("05/VBHN-BTP") and is_consolidated("12/2019/VBHN-BYT")
    assert not is_consolidated("02/2011/QH13") and not is_consolidated("12/2025/QĐ-UBND")
    assert not is_consolidated("") and not is_consolidated(None) and not is_consolidated("VBHNX-1")
