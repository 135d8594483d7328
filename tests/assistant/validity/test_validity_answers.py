"""Answers prefer the text in force, say what replaced or amended what they cite (with the amending clause
cited beside it), read a date in the question, never name a replacement the asker may not read, and say
when a named document is not in the system."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.answer.types import AnswerResult
from assistant.search.retrieval import Filters
from assistant.service.runtime import Runtime
from assistant.validity.notes import question_date
from core.settings import Settings
from core.vietnamese import fold
from tests.assistant.validity.validity_fixtures import (
    RESTRICTED,
    VERIFIED,
    amending_decision,
    new_decision,
    old_decision,
)

REPO = Path(__file__).resolve().parents[3]
QUESTION = "Thời hạn giải quyết hồ sơ đăng ký hộ kinh doanh trực tuyến là bao nhiêu ngày làm việc?"


def make_runtime(tmp_path: Path, *docs) -> Runtime:
    settings = Settings(validity_verified_through=VERIFIED, data_dir=tmp_path / "data",
                        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite")
    rt = Runtime(settings)
    rt.indexer().index(list(docs))
    return rt


@pytest.fixture(scope="module")
def replaced(tmp_path_factory: pytest.TempPathFactory):
    rt = make_runtime(tmp_path_factory.mktemp("replaced"), old_decision(), new_decision(), amending_decision())
    yield rt
    rt.close()


def ask(rt: Runtime, question: str, user: str = "vp.nguyenvana", **filters) -> AnswerResult:
    return rt.answerer(remember=False).ask(question, rt.principal(user), filters=Filters(**filters))


def test_in_force_text_comes_first_and_an_amended_unit_cites_its_amendment(replaced: Runtime) -> None:
    result = ask(replaced, QUESTION)
    assert not result.refused
    assert result.sources[0].doc_id == "qd-12-2025"
    assert "05 ngày" in result.citations[0].quote
    assert "Lưu ý: khoản 2 Điều 3 của Quyết định ban hành Quy định tiếp nhận và giải quyết hồ sơ trực tuyến " \
           "(12/2025/QĐ-UBND) đã được sửa đổi, bổ sung bởi khoản 1 Điều 1 của Quyết định số 20/2025/QĐ-UBND từ " \
           "ngày 01/06/2025" in result.answer
    beside = [c for c in result.citations if c.doc_id == "qd-20-2025"]
    assert beside and f"[{beside[0].marker}]" in result.answer and "03 ngày" in beside[0].quote


def test_a_cited_replaced_decision_names_its_replacement(replaced: Runtime) -> None:
    result = ask(replaced, QUESTION, doc_ids=("qd-45-2023",))
    assert result.citations[0].doc_id == "qd-45-2023"
    assert "(45/2023/QĐ-UBND) đã hết hiệu lực từ ngày 01/03/2025; được thay thế bởi Điều 6 của Quyết định số " \
           "12/2025/QĐ-UBND [" in result.answer
    assert any(c.doc_id == "qd-12-2025" and c.citation.startswith("Điều 6") for c in result.citations[1:])


def test_a_date_in_the_question_searches_what_was_in_force_then(replaced: Runtime) -> None:
    assert question_date(fold("Năm 2024, " + QUESTION.lower())) == date(2024, 12, 31)
    assert question_date(fold("Nghị định 30/2020/NĐ-CP quy định gì?")) is None
    assert question_date(fold("Luật Tổ chức chính quyền địa phương năm 2015 quy định gì?")) is None
    result = ask(replaced, "Năm 2024, " + QUESTION.lower())
    assert result.sources[0].doc_id == "qd-45-2023" and "10 ngày" in result.citations[0].quote
    assert "còn hiệu lực tại thời điểm 31/12/2024, nhưng đã hết hiệu lực từ ngày 01/03/2025" in result.answer
    assert "nguồn thuộc văn bản đã hết hiệu lực" not in result.answer  # it was in force on the date asked
    explicit = ask(replaced, QUESTION, as_of=date(2024, 6, 1))
    assert explicit.sources[0].doc_id == "qd-45-2023"


def test_a_restricted_replacement_is_never_named_to_who_may_not_read_it(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, old_decision(), new_decision(access=RESTRICTED))
    try:
        outsider = ask(rt, QUESTION, user="syt.lethicuc")
        assert {s.doc_id for s in outsider.sources} == {"qd-45-2023"}
        assert "đã hết hiệu lực từ ngày 01/03/2025; văn bản thay thế không thuộc phạm vi bạn được xem" in \
            outsider.answer
        shown = outsider.answer + repr(outsider.as_dict())
        assert "12/2025" not in shown and "giải quyết hồ sơ trực tuyến" not in outsider.citations[0].title[30:]
        insider = ask(rt, QUESTION, user="stc.vuthihoa")
        assert insider.sources[0].doc_id == "qd-12-2025"
    finally:
        rt.close()


def test_a_named_document_not_in_the_system_is_said_so_and_not_answered_from_another(replaced: Runtime) -> None:
    result = ask(replaced, "Điều 5 Nghị định 99/2099/NĐ-CP quy định thời hạn giải quyết hồ sơ là bao nhiêu ngày?")
    assert result.refused and result.citations == []
    assert "Văn bản 99/2099/NĐ-CP chưa có trong hệ thống" in result.answer
    unit = ask(replaced, "Điều 9 Quyết định 12/2025/QĐ-UBND quy định gì?")
    assert unit.refused and "không có Điều 9" in unit.answer
    found = ask(replaced, "Điều 3 Quyết định 12/2025/QĐ-UBND quy định thời hạn giải quyết hồ sơ thế nào?")
    assert not found.refused and found.citations[0].doc_id == "qd-12-2025"


def test_a_missing_document_replaced_by_an_indexed_one_is_told_with_the_clause(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, new_decision(access=RESTRICTED))
    try:
        question = "Quyết định 45/2023/QĐ-UBND còn hiệu lực không?"
        told = ask(rt, question, user="stc.vuthihoa")
        assert "Văn bản 45/2023/QĐ-UBND chưa có trong hệ thống" in told.answer
        assert "văn bản 45/2023/QĐ-UBND hết hiệu lực từ ngày 01/03/2025" in told.answer
        assert not told.refused and [c.doc_id for c in told.citations] == ["qd-12-2025"]
        assert told.citations[0].citation.startswith("Điều 6")
        outsider = ask(rt, question, user="syt.lethicuc")  # the clause is in a decision they may not read
        assert outsider.refused and "chưa có trong hệ thống" in outsider.answer
        assert "hết hiệu lực" not in outsider.answer and outsider.citations == []
    finally:
        rt.close()


def test_a_unit_of_a_missing_document_amended_by_an_indexed_one_is_told_with_the_amending_clause(
        tmp_path: Path) -> None:
    rt = make_runtime(tmp_path, amending_decision())  # 12/2025/QĐ-UBND itself is not indexed
    try:
        told = ask(rt, "Khoản 2 Điều 3 Quyết định số 12/2025/QĐ-UBND đã được sửa đổi chưa?")
        assert told.answer.startswith("Văn bản 12/2025/QĐ-UBND chưa có trong hệ thống (không trích được nội dung "
                                      "khoản 2 Điều 3).")
        assert "Theo khoản 1 Điều 1 của Quyết định số 20/2025/QĐ-UBND [1], văn bản 12/2025/QĐ-UBND được sửa đổi, " \
               "bổ sung khoản 2 Điều 3 từ ngày 01/06/2025." in told.answer
        assert "Điều 5" not in told.answer  # what the same decision did to another Điều is not the question
        assert not told.refused and [c.doc_id for c in told.citations] == ["qd-20-2025"]
        assert told.citations[0].citation.startswith("Điều 1") and "03 ngày" in told.citations[0].quote
        after = ask(rt, "Quyết định số 12/2025/QĐ-UBND khoản 2 Điều 3 đã được sửa đổi chưa?")  # the unit after
        assert after.answer == told.answer
        other = ask(rt, "Điều 4 Quyết định số 12/2025/QĐ-UBND đã được sửa đổi chưa?")
        assert "Các văn bản trong hệ thống không nêu thay đổi nào đối với Điều 4 của văn bản này." in other.answer
        assert "bị bãi bỏ Điều 5 từ ngày 01/06/2025" in other.answer
    finally:
        rt.close()
