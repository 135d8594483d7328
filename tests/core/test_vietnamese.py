import unicodedata

import pytest

from core.vietnamese import normalize_text, sparse_terms


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("Hoà Bình", "Hòa Bình"),
        ("hoàng", "hoàng"), ("quý", "quý"), ("giữa", "giữa"), ("người", "người"), ("khuya", "khuya"),
        ("ĐIỀU", "ĐIỀU"), ("toán", "toán"), ("tuổi", "tuổi"), ("mùa", "mùa"),
    ],
)
def test_one_tone_placement(raw: str, canonical: str) -> None:
    assert normalize_text(raw) == canonical


def test_nfd_input_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Luật Viên chức năm 2010, Điều 12")
    out = normalize_text(nfd)
    assert out == "Luật Viên chức năm 2010, Điều 12"
    assert unicodedata.is_normalized("NFC", out)


def test_punctuation_numbers_and_latin_untouched() -> None:
    text = "Số: 731/KH-UBND ngày 30/12/2025 (IOC, AI) – 100%"
    assert normalize_text(text) == text


def test_sparse_terms_same_for_query_and_document_spellings() -> None:
    assert sparse_terms("thuỷ lợi", "syllable") == sparse_terms("thủy lợi", "syllable")


def test_sparse_terms_keep_words_and_syllables_lowercased() -> None:
    terms = sparse_terms("Người nghiện ma túy từ đủ 18 tuổi trở lên", "underthesea")
    assert "ma_túy" in terms and "ma" in terms and "túy" in terms
    assert "người" in terms and all(t == t.lower() for t in terms)


def test_unknown_segmenter_is_named() -> None:
    with pytest.raises(ValueError, match="nope"):
        sparse_terms("x", "nope")


def test_dates_are_shown_day_first() -> None:
    from core.vietnamese import vietnamese_date

    assert vietnamese_date("2026-01-05") == "05/01/2026"
    assert vietnamese_date("2026-12-07T14:18:02+00:00") == "07/12/2026"
    assert vietnamese_date("") == "" and vietnamese_date(None) == ""
    assert vietnamese_date("Quý I/2026") == "Quý I/2026"  # not a date: as written


def test_degenerate_questions_are_named_and_real_ones_pass() -> None:
    from core.vietnamese import degenerate_reason, normalize_text

    assert "dấu rời" in degenerate_reason(normalize_text("a" + "\u0301" * 1999))
    assert "dấu rời" in degenerate_reason(normalize_text("Điều 14 " + "\u0323\u0309" * 40))
    assert degenerate_reason("?!... ---") is None  # finds nothing by keywords; not costly
    assert "chuỗi liền" in degenerate_reason("x" * 121)
    assert "lặp" in degenerate_reason("lệ phí " + "á" * 41)
    for fine in ("Điều 14 Luật Cán bộ, công chức quy định gì?", "thoi gian giai quyet thu tuc cap giay phep xay dung",
                 "Thủ tục 1.013138 mất bao lâu?", "NĐ 30/2020/NĐ-CP", "https://vbpl.vn/tw/Pages/vbpq-toanvan.aspx?ItemID=1"):
        assert degenerate_reason(normalize_text(fine)) is None, fine
