"""The procedure path through the whole answerer on a real embedded index of five real TTHC records:
the issue's three questions, follow-ups in a conversation, and what the result carries as data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from assistant.tthc.answers import NOT_FOUND
from connectors.auto import iter_sources
from core.settings import Settings

REPO = Path(__file__).resolve().parents[3]
TTHC = REPO.parent / "shared" / "corpus" / "tthc"
RECORDS = ["1.013138", "1.013174", "1.013181", "1.013559", "1.013124"]
USER = "vp.nguyenvana"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory):
    if not TTHC.is_dir():
        pytest.skip("shared corpus not found")
    root = tmp_path_factory.mktemp("tthc")
    for code in RECORDS:
        shutil.copy(TTHC / f"{code}.json", root / f"{code}.json")
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"),
                        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite")
    rt = Runtime(settings)
    report = rt.indexer().index(iter_sources([root], max_bytes=settings.max_file_bytes))
    assert report.rejected == []
    yield rt
    rt.close()


def test_time_question_about_liet_si_gets_the_time_limit(runtime: Runtime) -> None:
    result = runtime.answerer().ask(
        "Hồ sơ đề nghị công nhận liệt sĩ đối với quân nhân, công nhân và viên chức quốc phòng đang tại ngũ, công "
        "tác hy sinh được giải quyết trong thời hạn bao lâu?", runtime.principal(USER))
    assert not result.refused and result.record is not None
    assert result.record["ma_thu_tuc"] == "1.013174" and result.record["fields"] == ["time"]
    assert "130 Ngày" in result.answer
    assert result.citations and result.citations[0].doc_id == "tthc:1.013174"


def test_who_receives_is_answered_from_the_agency_field(runtime: Runtime) -> None:
    result = runtime.answerer().ask("Ai tiếp nhận hồ sơ đăng ký nghĩa vụ quân sự tạm vắng?", runtime.principal(USER))
    assert not result.refused and result.record["fields"] == ["agency"]
    assert "Ban chỉ huy quân sự cấp Xã" in result.answer and "Thành phần hồ sơ" not in result.answer


@pytest.mark.parametrize("question", [
    "Thủ tục cấp hộ chiếu phổ thông lần đầu tại Công an tỉnh cần những giấy tờ gì?",
    "thu tuc cap ho chieu pho thong lan dau tai cong an tinh can nhung giay to gi?",
])
def test_a_procedure_not_in_the_system_is_never_answered_from_another(runtime: Runtime, question: str) -> None:
    result = runtime.answerer().ask(question, runtime.principal(USER))
    assert result.refused and result.citations == []
    assert "Thành phần hồ sơ" not in result.answer
    if result.record is not None:  # refused by evidence, or told "not here" with suggestions
        assert result.record["status"] == "not_found" and result.answer.startswith(NOT_FOUND)
        assert result.as_dict()["record"]["suggestions"]


def test_follow_ups_ask_their_own_field_of_the_procedure_named_before(runtime: Runtime) -> None:
    answerer, principal = runtime.answerer(), runtime.principal(USER)
    first = answerer.ask("Đăng ký nghĩa vụ quân sự tạm vắng mất bao lâu?", principal)
    assert first.record["fields"] == ["time"] and "02 Giờ" in first.answer
    fee = answerer.ask("còn lệ phí thì sao?", principal, conversation_id=first.conversation_id)
    assert fee.record["ma_thu_tuc"] == "1.013138" and fee.record["fields"] == ["fee"]
    assert "Phí: 0 đồng" in fee.answer and "Thời hạn giải quyết" not in fee.answer
    online = answerer.ask("nộp trực tuyến được không?", principal, conversation_id=first.conversation_id)
    assert online.record["ma_thu_tuc"] == "1.013138" and online.record["fields"] == ["channel"]
    assert "Có: thủ tục này nhận hồ sơ qua kênh trực tuyến" in online.answer


@pytest.mark.parametrize(("question", "code", "value"), [
    ("dang ky nghia vu quan su tam vang can nhung giay to gi?", "1.013138", "Thành phần hồ sơ:"),
    ("de nghi cong nhan liet si doi voi quan nhan dang tai ngu hy sinh mat bao lau?", "1.013174", "130 Ngày"),
])
def test_a_procedure_named_without_marks_is_retrieved_and_answered(runtime: Runtime, question: str, code: str,
                                                                    value: str) -> None:
    # The catalogue puts the named record's chunks first, and must-match lets it answer past the evidence gate.
    hits = runtime.retriever().search(question, runtime.principal(USER), top_k=6)
    assert hits and hits[0].payload["doc_id"] == f"tthc:{code}"
    result = runtime.answerer().ask(question, runtime.principal(USER))
    assert not result.refused and result.record["status"] == "answered" and result.record["ma_thu_tuc"] == code
    assert value in result.answer and result.citations[0].doc_id == f"tthc:{code}"


def test_a_procedure_the_asker_may_not_see_is_not_opened_by_its_title(runtime: Runtime) -> None:
    from assistant.search.retrieval import Filters

    # The title names 1.013138, but the search is narrowed to another document: nothing of 1.013138 comes back.
    hits = runtime.retriever().search("Đăng ký nghĩa vụ quân sự tạm vắng mất bao lâu?", runtime.principal(USER),
                                      filters=Filters(doc_ids=("tthc:1.013124",)), top_k=6)
    assert hits and {h.payload["doc_id"] for h in hits} == {"tthc:1.013124"}
