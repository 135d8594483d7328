"""The unit the writer answers from: the best-ranked one covering the question's key terms; none → refuse."""

from __future__ import annotations

from assistant.answer.focus import asked_pairs, choose_unit, key_terms, title_cover
from assistant.answer.types import Source
from core.vietnamese import fold


def _src(marker: int, dieu: str, text: str, doc: str = "file:luat.txt") -> Source:
    return Source(marker, f"c{marker}", doc, f"Điều {dieu} — Luật", text, payload={"fields": {"dieu": dieu}})


SOURCES = [
    _src(1, "65", "Nội dung quản lý cán bộ, công chức bao gồm: ban hành văn bản quy phạm pháp luật."),
    _src(2, "59", "Công chức xin thôi việc theo nguyện vọng thì phải làm đơn. Trong thời hạn 30 ngày, kể từ ngày "
                  "nhận đơn, cơ quan phải trả lời bằng văn bản."),
    _src(3, "59", "Không giải quyết thôi việc đối với công chức nữ đang mang thai."),
]


def test_generic_words_are_not_key_terms() -> None:
    assert key_terms(fold("Thời gian giải quyết thủ tục cấp giấy phép xây dựng là bao lâu?")) == (
        "cap", "giay", "phep", "xay", "dung")


def test_the_unit_covering_the_question_is_chosen_with_all_its_chunks() -> None:
    focus = choose_unit(fold("Công chức xin thôi việc thì cơ quan phải trả lời trong bao nhiêu ngày?"), SOURCES)
    assert focus is not None and [s.marker for s in focus.sources] == [2, 3]


def test_scattered_words_do_not_cover_a_phrase() -> None:
    clause = [_src(1, "33", "Cấp mã hồ sơ; việc xây dựng Hệ thống thông tin một cửa điện tử; giấy tờ kèm theo.")]
    assert choose_unit("thoi gian giai quyet thu tuc cap giay phep xay dung", clause) is None


def test_key_terms_are_read_on_the_fold_without_function_words() -> None:
    # a question typed without marks: its function words ("trong", "cua", "thi") are not key terms, whatever
    # marks a restorer would give them ("trọng", "cựa")
    assert key_terms("to cao cua cong dan khong thuoc tham quyen thi chuyen di trong may ngay") == (
        "to", "cao", "cong", "dan", "thuoc", "tham", "quyen", "chuyen", "di")
    assert key_terms(fold("Tố cáo của công dân không thuộc thẩm quyền thì chuyển đi trong mấy ngày?")) == key_terms(
        "to cao cua cong dan khong thuoc tham quyen thi chuyen di trong may ngay")


def test_an_unmarked_question_chooses_the_unit_a_marked_one_chooses() -> None:
    marked = choose_unit(fold("Công chức xin thôi việc thì cơ quan phải trả lời trong bao nhiêu ngày?"), SOURCES)
    unmarked = choose_unit("cong chuc xin thoi viec thi co quan phai tra loi trong bao nhieu ngay", SOURCES)
    assert marked is not None and unmarked is not None and marked.sources == unmarked.sources


def test_an_article_a_better_ranked_record_quotes_by_name_is_cited_instead_of_the_copy() -> None:
    copy = Source(1, "t1", "tthc:9.000001", "Thủ tục 9.000001 — Thời hạn — Giải quyết kiến nghị",
                  "Ghi chú: Theo quy định tại Điều 12 Luật Kiến nghị năm 2030: vụ việc phức tạp được gia hạn "
                  "giải quyết kiến nghị một lần.", title="Giải quyết kiến nghị")
    original = Source(2, "l1", "file:luat-kien-nghi.txt", "Điều 12 — Luật Kiến nghị",
                      "Điều 12. Thời hạn\n2. Vụ việc phức tạp được gia hạn giải quyết kiến nghị một lần.",
                      title="Luật Kiến nghị", payload={"fields": {"dieu": "12"}})
    other = Source(2, "l2", "file:luat-kien-nghi.txt", "Điều 13 — Luật Kiến nghị",
                   "Điều 13. Vụ việc phức tạp được gia hạn giải quyết kiến nghị một lần.",
                   title="Luật Kiến nghị", payload={"fields": {"dieu": "13"}})
    question = fold("Vụ việc phức tạp được gia hạn giải quyết kiến nghị mấy lần?")
    focus = choose_unit(question, [copy, original])
    assert focus is not None and [s.chunk_id for s in focus.sources] == ["l1"]
    unquoted = choose_unit(question, [copy, other])  # an article the record does not name keeps its rank
    assert unquoted is not None and [s.chunk_id for s in unquoted.sources] == ["t1"]


def test_the_article_whose_title_names_the_question_wins_over_a_better_ranked_one() -> None:
    # both hold "kiến nghị lần đầu"; only the second is about the time to settle one (its title says so), and
    # "thời hạn giải quyết", generic as a subject, is what tells them apart
    limits = _src(1, "40", "Điều 40. Thời hiệu kiến nghị\nThời hiệu kiến nghị lần đầu là 20 ngày, kể từ ngày nhận "
                           "được quyết định; kiến nghị lần hai là 15 ngày.")
    second = _src(2, "31", "Điều 31. Kiến nghị lần hai\n1. Người kiến nghị không đồng ý với kết quả giải quyết kiến "
                           "nghị lần đầu thì có quyền kiến nghị lần hai.")
    settle = _src(3, "22", "Điều 22. Thời hạn giải quyết kiến nghị lần đầu\nKhông quá 25 ngày, kể từ ngày thụ lý "
                           "kiến nghị.")
    focus = choose_unit(fold("Thời hạn giải quyết kiến nghị lần đầu là bao lâu?"), [limits, second, settle])
    assert focus is not None and [s.marker for s in focus.sources] == [3]
    # without the title's weight the best-ranked unit covering the key terms is taken, as before
    plain = choose_unit(fold("Thời hạn giải quyết kiến nghị lần đầu là bao lâu?"), [limits, second, settle],
                        heading_weight=0.0)
    assert plain is not None and [s.marker for s in plain.sources] == [1]


def test_a_khoan_chunk_is_titled_by_the_article_heading_it_repeats() -> None:
    khoan = _src(1, "37", "Chương III. HỢP ĐỒNG\nĐiều 37. Trường hợp không được đơn phương chấm dứt hợp đồng\n"
                          "3. Người đang nuôi con nhỏ.")
    assert title_cover(asked_pairs(fold("Có được đơn phương chấm dứt hợp đồng không?")), [khoan]) > 0.5
    assert title_cover(asked_pairs(fold("Có được đơn phương chấm dứt hợp đồng không?")), SOURCES[:1]) == 0.0
