"""Validity questions are scored on the answer's own words: the status line, not the source text it quotes."""

from __future__ import annotations

from assistant.answer.types import AnswerResult
from evals.validity_scoring import own_words, score_validity, summarize_validity

V08 = {"_id": "v08", "text": "Nghị định 30/2020/NĐ-CP về công tác văn thư còn hiệu lực không?",
       "expect": ["còn hiệu lực"], "expect_not": ["hết hiệu lực từ"]}
QUOTE = ("- «Nghị định số 58/2001/NĐ-CP ngày 24 tháng 8 năm 2001 của Chính phủ về quản lý và sử dụng con dấu "
         "hết hiệu lực từ ngày Nghị định này có hiệu lực thi hành.» [2]")


def scored(answer: str, q: dict = V08) -> dict:
    return score_validity(q, AnswerResult(answer=answer, citations=[], refused=False))["validity"]


def test_a_quoted_clause_about_the_decrees_replaced_does_not_fail_a_right_status_line() -> None:
    answer = ("Hiệu lực: Nghị định về công tác văn thư (30/2020/NĐ-CP) còn hiệu lực (có hiệu lực từ ngày "
              "05/03/2020).\n\nTrích nguyên văn từ các văn bản liên quan (chưa qua diễn giải):\n" + QUOTE)
    assert "hết hiệu lực từ" not in own_words(answer) and "còn hiệu lực" in own_words(answer)
    assert scored(answer) == {"correct": 1.0, "missing": [], "unwanted": []}


def test_a_wrong_status_line_fails_even_when_the_quotes_say_the_right_words() -> None:
    wrong = ("Hiệu lực: Nghị định về công tác văn thư (30/2020/NĐ-CP) đã hết hiệu lực từ ngày 01/01/2025.\n\n"
             "- «Các văn bản còn hiệu lực được tiếp tục áp dụng.» [1]")
    assert scored(wrong) == {"correct": 0.0, "missing": ["còn hiệu lực"], "unwanted": ["hết hiệu lực từ"]}
    silent = "Trích nguyên văn:\n- «Nghị định này còn hiệu lực cho đến khi có văn bản thay thế.» [1]"
    assert scored(silent) == {"correct": 0.0, "missing": ["còn hiệu lực"], "unwanted": []}
    model = 'Nghị định 30/2020/NĐ-CP đã hết hiệu lực từ năm 2024; "văn bản còn hiệu lực" là văn bản khác [1].'
    assert scored(model)["correct"] == 0.0


def test_the_sentence_about_a_document_not_in_the_system_is_own_words() -> None:
    q = {"expect": ["58/2014/QH13 chưa có trong hệ thống", "45/2019/QH14", "01/01/2021"]}
    answer = ("Văn bản 58/2014/QH13 chưa có trong hệ thống. Theo điểm a khoản 1 Điều 219 của Luật số "
              "45/2019/QH14 [1], Điều 54 của văn bản 58/2014/QH13 được sửa đổi, bổ sung từ ngày 01/01/2021.")
    assert scored(answer, q)["correct"] == 1.0
    assert summarize_validity([{"validity": scored(answer, q)}, {"validity": scored("x", q)}, {}]) == \
        {"n": 2, "accuracy": 0.5}
