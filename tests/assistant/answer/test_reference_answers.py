"""Reference questions quote the unit they name, the writer answers from the retrieved unit, a question whose key
terms no unit covers is refused, and validity is never guessed — on two real texts of ../shared/corpus/laws."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.service.runtime import Runtime
from core.access import Principal
from tests.assistant.law_runtime import law_runtime

TEXTS = ["luat-can-bo-cong-chuc-22-2008-QH12.txt", "nghi-dinh-61-2018-ND-CP-mot-cua-lien-thong.txt",
         "vbhn-28-VBHN-VPQH-2026-luat-khieu-nai.txt"]  # the Luật Khiếu nại only through its consolidated text
OFFICIAL = Principal(user_id="t", name="Cán bộ", unit="", roles=())


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = law_runtime(tmp_path_factory, TEXTS)
    yield rt
    rt.close()


def _units(result) -> set[str]:
    return {c.citation.split(" — ")[0] for c in result.citations}


def test_a_named_article_is_quoted_whole_and_cited_alone(runtime: Runtime) -> None:
    result = runtime.answerer(remember=False).ask("Điều 14 Luật Cán bộ, công chức quy định gì?", OFFICIAL)
    assert not result.refused
    assert _units(result) == {"Điều 14"}
    assert "được bảo đảm quyền học tập, nghiên cứu khoa học" in result.answer
    assert result.record and result.record["unit"] == "Điều 14"


def test_a_named_khoan_typed_without_marks_is_quoted_alone(runtime: Runtime) -> None:
    result = runtime.answerer(remember=False).ask("khoan 2 dieu 59 luat can bo cong chuc", OFFICIAL)
    assert _units(result) == {"Điều 59"}
    assert "Trong thời hạn 30 ngày, kể từ ngày nhận đơn" in result.answer
    assert "Do sắp xếp tổ chức" not in result.answer  # khoản 1 is not what was asked


def test_a_law_indexed_only_as_its_consolidated_text_is_found_by_its_name(runtime: Runtime) -> None:
    """28/VBHN-VPQH is a "Văn bản hợp nhất", not a "Luật" (issue 31), and "Điều 9 Luật Khiếu nại" still opens
    its Điều 9: the consolidated text is what holds that law here."""
    result = runtime.answerer(remember=False).ask("Điều 9 Luật Khiếu nại quy định gì?", OFFICIAL)
    assert not result.refused
    assert {c.doc_id for c in result.citations} == {"file:vbhn-28-VBHN-VPQH-2026-luat-khieu-nai.txt"}
    assert _units(result) == {"Điều 9"} and "90 ngày" in result.answer
    assert all("Văn bản hợp nhất Luật Khiếu nại" in c.citation for c in result.citations)


def test_an_article_the_law_does_not_have_is_said_so(runtime: Runtime) -> None:
    result = runtime.answerer(remember=False).ask("Luật Cán bộ, công chức Điều 150 quy định gì?", OFFICIAL)
    assert result.refused and not result.citations
    assert "không có Điều 150" in result.answer


def test_the_writer_answers_from_the_unit_that_covers_the_question(runtime: Runtime) -> None:
    result = runtime.answerer(remember=False).ask(
        "Công chức nộp đơn xin thôi việc thì cơ quan phải trả lời trong bao nhiêu ngày?", OFFICIAL)
    assert not result.refused
    assert _units(result) == {"Điều 59"}
    assert "30 ngày" in result.answer


def test_a_question_whose_key_terms_no_unit_covers_is_refused(runtime: Runtime) -> None:
    result = runtime.answerer(remember=False).ask("thoi gian giai quyet thu tuc cap giay phep xay dung", OFFICIAL)
    assert result.refused and not result.citations
    assert result.sources  # the nearest sources are still listed


def test_validity_is_not_guessed(runtime: Runtime) -> None:
    result = runtime.answerer(remember=False).ask("Điều 80 Luật Cán bộ, công chức", OFFICIAL)
    assert result.citations and {c.validity for c in result.citations} == {"chua_ro"}
    assert "còn hiệu lực" not in result.answer
    lead = runtime.answerer(remember=False).ask("Luật Cán bộ, công chức 22/2008/QH12 còn hiệu lực không?", OFFICIAL)
    assert "chưa xác minh hiệu lực" in lead.answer and "sau ngày có hiệu lực 01/01/2010" in lead.answer


def test_a_named_documents_issue_date_and_signer_come_from_its_metadata(runtime: Runtime) -> None:
    """"… ban hành ngày nào" asks about the document, not a line of it: the date its header records, cited to a
    chunk of that document (a line sharing the question's words does not hold it)."""
    result = runtime.answerer(remember=False).ask("Nghị định 61/2018/NĐ-CP ban hành ngày nào?", OFFICIAL)
    assert not result.refused
    assert "ban hành ngày 23/04/2018" in result.answer
    assert {c.doc_id for c in result.citations} == {"file:nghi-dinh-61-2018-ND-CP-mot-cua-lien-thong.txt"}
    signed = runtime.answerer(remember=False).ask("luat 22/2008/QH12 do ai ky", OFFICIAL)
    assert "người ký: Nguyễn Phú Trọng" in signed.answer and not signed.refused
    # the metadata has no signer for this decree: nothing is said as if read
    unsigned = runtime.answerer(remember=False).ask("Nghị định 61/2018/NĐ-CP do ai ký?", OFFICIAL)
    assert "người ký:" not in unsigned.answer
