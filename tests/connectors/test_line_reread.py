"""A header line read again alone: words with the same letters take the surer spelling, a mark read as a word
goes, words the second read lost stay; on a generated scan the issuer and signer come out whole."""

from __future__ import annotations

from connectors.official_layout import merge_reads
from connectors.page_layout import Word


def _words(*pairs: tuple[str, float]) -> list[Word]:
    return [Word(t, 100.0 * i, 0, 100.0 * i + 80, 40, c) for i, (t, c) in enumerate(pairs)]


def test_the_surer_spelling_of_the_same_letters_wins() -> None:
    first = _words(("Trần", 95), ("Phước", 93), ("Hiên", 60))
    assert merge_reads(first, [("Phước", 96), ("Hiền", 91)]) == "Trần Phước Hiền"


def test_a_mark_read_as_a_word_goes_when_the_line_alone_has_nothing_there() -> None:
    first = _words(("Về", 90), ("việc", 91), (".ˆA", 20), ("bổ", 70), ("Ả", 30), ("nhiệm", 88))
    assert merge_reads(first, [("Về", 93), ("việc", 95), ("bổ", 80), ("nhiệm", 90)]) == "Về việc bổ nhiệm"


def test_a_word_the_second_read_misread_stays_as_first_read() -> None:
    first = _words(("nộp", 92), ("thuế", 90), ("điện", 93), ("tử", 91))
    assert merge_reads(first, [("nộp", 90), ("thư", 95), ("điện", 91), ("tữ..", 40)]) == "nộp thuế điện tử"


def test_no_second_read_keeps_the_first() -> None:
    assert merge_reads(_words(("ỦY", 90), ("BAN", 90)), []) == "ỦY BAN"


def test_a_modifier_circumflex_does_not_make_a_speck_a_word() -> None:
    first = _words(("vào", 96), (".AˆA", 24), ("ngạch", 96))
    assert merge_reads(first, [("vào", 97), ("ngạch", 96)]) == "vào ngạch"
