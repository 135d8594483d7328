"""The extractive answerer quotes the right Khoản verbatim, with the right [n], and nothing unsupported."""

from __future__ import annotations

import re

from assistant.answer.citations import check_citations, mentions_no_answer
from assistant.answer.extractive import HEADER, asks_amount, extractive_answer
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


# A generated Điều in the shape the laws have: a Khoản whose figure sits on its unnumbered second line, a Khoản
# whose list intro has no colon, two Khoản that differ only by "không".
KY_LUAT = """Điều 40. Thời hiệu kỷ luật
1. Thời hiệu kỷ luật là thời hạn mà khi hết thời hạn đó thì nhân viên có hành vi vi phạm không bị xem xét kỷ luật.
Thời hiệu kỷ luật là 18 tháng, kể từ thời điểm có hành vi vi phạm.
2. Thời hạn kỷ luật đối với nhân viên là khoảng thời gian từ khi phát hiện hành vi vi phạm đến khi có quyết định."""

HINH_THUC = """Điều 41. Hình thức kỷ luật
1. Nhân viên vi phạm nội quy thì tùy mức độ chịu trách nhiệm theo quy định của quy chế.
2. Các hình thức kỷ luật nhân viên bao gồm
a) Nhắc nhở.
b) Cảnh báo.
c) Đình chỉ."""

DU_TUYEN = """Điều 42. Điều kiện dự tuyển
1. Người có đủ các điều kiện sau đây được đăng ký dự tuyển nhân viên: có đơn, có văn bằng phù hợp, đủ sức khỏe.
2. Những người sau đây không được đăng ký dự tuyển nhân viên: đang bị truy cứu trách nhiệm, đang chấp hành án."""


def _one(text: str, title: str = "Điều — Quy chế") -> list[Source]:
    return [Source(1, "k1", "quy-che", title, text)]


def test_a_khoan_is_quoted_with_its_continuation_line():
    answer = extractive_answer("Thời hiệu kỷ luật nhân viên là bao lâu?", _one(KY_LUAT))
    quote = _quotes(answer)[0][0]
    assert quote.startswith("1. Thời hiệu kỷ luật là thời hạn") and "18 tháng" in quote


def test_a_list_intro_without_colon_comes_with_its_items():
    answer = extractive_answer("Các hình thức kỷ luật nhân viên gồm những gì?", _one(HINH_THUC))
    assert any(q.startswith("2. Các hình thức") and q.endswith("c) Đình chỉ.") for q, _ in _quotes(answer))


def test_a_question_asking_how_long_prefers_the_line_with_the_amount():
    text = ("Điều 9. Thử việc\n1. Người được tuyển dụng phải thử việc, trừ người đã làm công việc phù hợp.\n"
            "2. Thời gian thử việc của người được tuyển dụng từ 02 tháng đến 06 tháng.")
    quotes = _quotes(extractive_answer("Thời gian thử việc của người được tuyển dụng là bao lâu?", _one(text)))
    assert "02 tháng đến 06 tháng" in quotes[0][0]
    assert asks_amount("thoi han giai quyet la bao lau") and not asks_amount("ai có thẩm quyền ký?")


def test_the_negation_tells_two_otherwise_equal_khoan_apart():
    answer = extractive_answer("Những người nào không được đăng ký dự tuyển nhân viên?", _one(DU_TUYEN))
    assert _quotes(answer)[0][0].startswith("2. Những người sau đây không được")


def test_the_background_makes_the_shared_subject_common_and_is_never_quoted():
    unit = _one("Điều 7. Tập sự\n1. Người trúng tuyển viên chức phải tập sự, trừ người đã có thời gian công tác "
                "đủ 12 tháng.\n2. Thời gian tập sự từ 03 tháng đến 12 tháng.")
    background = [Source(2, f"b{i}", "luat", "Điều — Luật", f"{i}. Viên chức có quyền và nghĩa vụ của viên chức "
                         f"theo hợp đồng làm việc số {i}.") for i in range(8)]
    question = "Thời gian tập sự của viên chức là bao lâu?"
    answer = extractive_answer(question, unit, background=background)
    assert any("từ 03 tháng đến 12 tháng" in q for q, _ in _quotes(answer))
    assert {m for _, m in _quotes(answer)} == {1}


# A consolidated law as its PDF gives it: every line broken at the page width, a footnote number after "1.".
WRAPPED = """Điều 33. Khiếu nại lần hai về quyết định cấp phép khai thác
1.24 Trong thời hạn 30 ngày, kể từ ngày hết thời hạn giải quyết khiếu nại quy
định tại Điều 28 của Luật này mà khiếu nại lần đầu không được giải quyết thì người
khiếu nại có quyền khiếu nại lần hai; đối với vùng sâu, vùng xa đi lại khó khăn thì
thời hạn có thể kéo dài hơn nhưng không quá 45 ngày.
2. Hồ sơ khiếu nại lần hai gồm:
a) Đơn khiếu nại lần hai;
b) Quyết định giải quyết khiếu nại lần đầu."""


def test_a_sentence_broken_at_the_page_width_is_quoted_whole_on_one_line():
    source = Source(1, "w1", "vbhn-khieu-nai", "Điều 33 — Luật Khiếu nại", WRAPPED)
    answer = extractive_answer("Bao lâu thì được khiếu nại lần hai?", [source])
    quotes = _quotes(answer)
    assert quotes and quotes[0][0].startswith("1.24 Trong thời hạn 30 ngày")
    assert "không quá 45 ngày." in quotes[0][0] and "\n" not in quotes[0][0]
    checked, citations, removed = check_citations(answer, [source])
    assert citations and removed == 0 and not mentions_no_answer(checked)


def test_a_list_keeps_its_items_on_their_own_lines():
    source = Source(1, "w1", "vbhn-khieu-nai", "Điều 33 — Luật Khiếu nại", WRAPPED)
    answer = extractive_answer("Hồ sơ khiếu nại lần hai gồm những gì?", [source])
    assert "gồm:\na) Đơn khiếu nại lần hai;\nb) Quyết định" in answer
