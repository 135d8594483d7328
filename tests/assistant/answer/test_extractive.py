"""The extractive answerer quotes the right Khoản verbatim, with the right [n], and nothing unsupported."""

from __future__ import annotations

import re

from assistant.answer.citations import check_citations, mentions_no_answer
from assistant.answer.extractive import HEADER, extractive_answer
from assistant.answer.types import Source

LE_PHI = """Điều 5. Mức thu lệ phí
1. Lệ phí cấp giấy chứng nhận đăng ký hộ kinh doanh là 100.000 đồng/lần cấp.
2. Lệ phí cấp đổi giấy chứng nhận đăng ký hộ kinh doanh là 50.000 đồng/lần.
3. Miễn lệ phí đối với hộ kinh doanh đăng ký qua mạng điện tử."""

THOI_HAN = """Điều 87. Thời hạn giải quyết
1. Trong thời hạn 03 ngày làm việc kể từ ngày nhận được hồ sơ hợp lệ, cơ quan đăng ký kinh doanh cấp huyện \
cấp giấy chứng nhận đăng ký hộ kinh doanh cho hộ kinh doanh.
2. Hồ sơ đăng ký hộ kinh doanh gồm:
a) Giấy đề nghị đăng ký hộ kinh doanh;
b) Bản sao giấy tờ pháp lý của cá nhân đối với chủ hộ kinh doanh;
c) Bản sao biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh."""

NGHI_PHEP = """Điều 113. Nghỉ hằng năm
1. Người lao động làm việc đủ 12 tháng cho một người sử dụng lao động thì được nghỉ hằng năm, \
hưởng nguyên lương theo hợp đồng lao động như sau: a) 12 ngày làm việc đối với người làm công việc \
trong điều kiện bình thường; b) 14 ngày làm việc đối với người lao động chưa thành niên."""


def _sources() -> list[Source]:
    return [
        Source(1, "c1", "tt-85-2019", "Điều 5 — Thông tư 85/2019/TT-BTC", LE_PHI, so_hieu="85/2019/TT-BTC",
               validity="con_hieu_luc"),
        Source(2, "c2", "nd-01-2021", "Điều 87 — Nghị định 01/2021/NĐ-CP", THOI_HAN, so_hieu="01/2021/NĐ-CP",
               validity="het_hieu_luc"),
        Source(3, "c3", "blld-2019", "Điều 113 — Bộ luật Lao động 2019", NGHI_PHEP),
    ]


def _quotes(answer: str) -> list[tuple[str, int]]:
    return [(q, int(n)) for q, n in re.findall(r"«(.*?)» \[(\d+)\]", answer, flags=re.DOTALL)]


def _assert_verbatim(answer: str, sources: list[Source]) -> None:
    for quote, marker in _quotes(answer):
        assert quote in sources[marker - 1].text, (quote, marker)


def test_fee_question_quotes_the_fee_clause_verbatim():
    sources = _sources()
    answer = extractive_answer("Lệ phí cấp giấy chứng nhận đăng ký hộ kinh doanh là bao nhiêu?", sources)
    assert answer.startswith(HEADER)
    quotes = _quotes(answer)
    assert quotes[0] == ("1. Lệ phí cấp giấy chứng nhận đăng ký hộ kinh doanh là 100.000 đồng/lần cấp.", 1)
    assert all(marker == 1 for _, marker in quotes)  # the deadline clause is not padding
    _assert_verbatim(answer, sources)


def test_deadline_question_quotes_the_deadline_and_warns_it_is_no_longer_in_force():
    sources = _sources()
    answer = extractive_answer("Thời hạn cấp giấy chứng nhận đăng ký hộ kinh doanh là bao lâu?", sources)
    quotes = _quotes(answer)
    assert len(quotes) == 1
    quote, marker = quotes[0]
    assert marker == 2 and "03 ngày làm việc" in quote and quote.startswith("1. Trong thời hạn")
    assert "Lưu ý: nguồn [2] thuộc văn bản đã hết hiệu lực." in answer
    _assert_verbatim(answer, sources)


def test_a_list_intro_comes_with_its_items():
    sources = _sources()
    answer = extractive_answer("Hồ sơ đăng ký hộ kinh doanh gồm những giấy tờ gì?", sources)
    quote, marker = _quotes(answer)[0]
    assert marker == 2
    assert quote.startswith("2. Hồ sơ đăng ký hộ kinh doanh gồm:")
    assert quote.endswith("thành lập hộ kinh doanh.")
    _assert_verbatim(answer, sources)


def test_markers_follow_the_sources_numbering_and_pass_the_citation_check():
    sources = _sources()
    answer = extractive_answer("Người lao động được nghỉ hằng năm bao nhiêu ngày?", sources)
    assert {m for _, m in _quotes(answer)} == {3}
    cleaned, citations, removed = check_citations(answer, sources)
    assert cleaned == answer and removed == 0
    assert [c.doc_id for c in citations] == ["blld-2019"]
    assert "nghỉ hằng năm" in citations[0].quote


def test_unrelated_question_or_no_sources_says_no_basis():
    assert mentions_no_answer(extractive_answer("Thuế suất thuế giá trị gia tăng?", _sources()))
    assert mentions_no_answer(extractive_answer("Lệ phí là bao nhiêu?", []))
    assert mentions_no_answer(extractive_answer("là gì?", _sources()))


def test_near_duplicates_are_quoted_once_and_max_sentences_is_respected():
    dup = Source(4, "c4", "copy", "Điều 5 — bản sao", LE_PHI)
    sources = [*_sources(), dup]
    answer = extractive_answer("Lệ phí cấp đổi giấy chứng nhận hộ kinh doanh?", sources, max_sentences=2)
    quotes = [q for q, _ in _quotes(answer)]
    assert len(quotes) <= 2 and len(set(quotes)) == len(quotes)


def test_deterministic():
    question = "Miễn lệ phí khi nào?"
    first = extractive_answer(question, _sources())
    assert all(extractive_answer(question, _sources()) == first for _ in range(5))
    assert "3. Miễn lệ phí đối với hộ kinh doanh đăng ký qua mạng điện tử." in first
