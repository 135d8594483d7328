"""Answers from a procedure's fields and the must-match rule, on real TTHC records parsed as the indexer does
(the sources are their chunks, in a chosen retrieval order)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer.types import Source
from assistant.tthc.answers import NOT_FOUND, tthc_reply
from assistant.tthc.match import MATCH_THRESHOLD, match_score
from assistant.tthc.parser import parse_tthc
from connectors.tthc import tthc_document
from core.vietnamese import fold
from indexing.payload import build_payload

TTHC = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "tthc"
TAM_VANG, LIET_SI, LIET_SI_XA, BAO_CHI, TRAN_DAU = "1.013138", "1.013174", "1.013181", "1.013559", "1.013124"


def sources_of(*codes: str) -> list[Source]:
    """Every chunk of the given procedures, numbered in that order, as retrieval would hand them over."""
    if not TTHC.is_dir():
        pytest.skip("shared corpus not found")
    out: list[Source] = []
    for code in codes:
        doc = tthc_document(json.loads((TTHC / f"{code}.json").read_text(encoding="utf-8")), f"{code}.json")
        for order, chunk in enumerate(parse_tthc(doc)):
            payload = build_payload(doc, chunk, order, "hash")
            out.append(Source(marker=len(out) + 1, chunk_id=f"{code}-{order}", doc_id=doc.doc_id,
                              citation=chunk.citation, text=chunk.text, payload=payload))
    return out


def answer(question: str, *codes: str) -> str:
    reply = tthc_reply(question, sources_of(*codes))
    assert reply is not None and reply.found, reply
    return reply.text


@pytest.mark.parametrize(("question", "expected"), [
    ("Đăng ký nghĩa vụ quân sự tạm vắng mất bao lâu?", ["Trực tiếp: 1 Ngày làm việc", "Trực tuyến: 02 Giờ"]),
    ("dang ky nghia vu quan su tam vang co mat phi khong", ["Trực tiếp: Phí: 0 đồng"]),
    ("Đăng ký nghĩa vụ quân sự tạm vắng cần những giấy tờ gì?", ["Thành phần hồ sơ:"]),
    ("Ai tiếp nhận hồ sơ đăng ký nghĩa vụ quân sự tạm vắng?", ["Cơ quan thực hiện: Ban chỉ huy quân sự cấp Xã"]),
    ("Kết quả của thủ tục đăng ký nghĩa vụ quân sự tạm vắng là gì?", ["Kết quả thực hiện:"]),
    ("Đối tượng thực hiện đăng ký nghĩa vụ quân sự tạm vắng là ai?", ["Đối tượng thực hiện:"]),
    ("Đăng ký nghĩa vụ quân sự tạm vắng nộp trực tuyến được không?",
     ["Có: thủ tục này nhận hồ sơ qua kênh trực tuyến", "- Trực tiếp", "- Trực tuyến"]),
    ("Căn cứ pháp lý của đăng ký nghĩa vụ quân sự tạm vắng?", ["Căn cứ pháp lý:"]),
])
def test_each_field_is_answered_from_the_named_procedure(question: str, expected: list[str]) -> None:
    text = answer(question, TRAN_DAU, TAM_VANG)  # the named one is not the best-ranked
    assert "1.013138" in text and "1.013124" not in text
    for value in expected:
        assert value in text
    assert "Thành phần hồ sơ:" not in text or "giấy tờ" in question


def test_time_of_the_liet_si_procedure_not_its_papers_nor_titles() -> None:
    text = answer("Hồ sơ đề nghị công nhận liệt sĩ đối với quân nhân, công nhân và viên chức quốc phòng đang tại "
                  "ngũ được giải quyết trong thời hạn bao lâu?", LIET_SI, LIET_SI_XA)
    assert "Thời hạn giải quyết:" in text and "130 Ngày" in text and "Thành phần hồ sơ" not in text


def test_conditions_and_a_named_channel_narrow_the_answer() -> None:
    text = answer("Điều kiện công nhận liệt sĩ đối với quân nhân đang tại ngũ, công tác hy sinh là gì?", LIET_SI)
    assert "Yêu cầu, điều kiện thực hiện:" in text and "Người hy sinh thuộc một trong các trường hợp" in text
    text = answer("Lệ phí đăng ký nghĩa vụ quân sự tạm vắng nộp trực tiếp là bao nhiêu?", TAM_VANG)
    assert "Trực tiếp: Phí: 0 đồng" in text and "Trực tuyến" not in text


def test_a_procedure_that_is_not_indexed_gets_suggestions_never_an_answer() -> None:
    question = "Thủ tục cấp hộ chiếu phổ thông lần đầu tại Công an tỉnh cần những giấy tờ gì?"
    for q in (question, fold(question)):
        reply = tthc_reply(q, sources_of(BAO_CHI, TRAN_DAU))
        assert reply is not None and not reply.found and reply.source is None
        assert reply.text.startswith(NOT_FOUND) and "Thành phần hồ sơ" not in reply.text
        assert reply.facts["status"] == "not_found" and set(reply.facts["suggestions"]) == {BAO_CHI, TRAN_DAU}


def test_match_score_separates_the_named_procedure_from_its_neighbours() -> None:
    tam_vang = sources_of(TAM_VANG)[0].payload["fields"]
    assert match_score("Đăng ký nghĩa vụ quân sự tạm vắng mất bao lâu?", tam_vang) >= MATCH_THRESHOLD
    assert match_score("dang ky nghia vu quan su tam vang mat bao lau", tam_vang) >= MATCH_THRESHOLD
    assert match_score("Đăng ký khai tử mất bao lâu?", tam_vang) < MATCH_THRESHOLD
    assert match_score("Thủ tục 1.013138 mất bao lâu?", tam_vang) == 1.0
    assert match_score("Thủ tục 1.013124 mất bao lâu?", tam_vang) == 0.0


def test_questions_that_are_not_about_a_procedure_are_left_to_the_writer() -> None:
    assert tthc_reply("Kế hoạch 731 triển khai chiến lược dữ liệu đến năm 2030", sources_of(TAM_VANG)) is None


def test_of_two_equally_named_procedures_the_one_whose_title_is_covered_most_answers() -> None:
    # 1.013632 is "… gia hạn giấy phép hành nghề khám bệnh, chữa bệnh trong giai đoạn chuyển tiếp", ranked first
    reply = tthc_reply("Gia hạn giấy phép hành nghề khám bệnh, chữa bệnh có mất phí không?",
                       sources_of("1.013632", "1.013621"))
    assert reply is not None and reply.facts["ma_thu_tuc"] == "1.013621" and reply.facts["fields"] == ["fee"]


def test_of_two_sibling_procedures_the_one_asked_answers() -> None:
    # "chuyển đến" and "chuyển đi" differ by one word; "chuyển đi" is ranked first
    reply = tthc_reply("Đăng ký nghĩa vụ quân sự chuyển đến khi thay đổi nơi cư trú cần giấy tờ gì?",
                       sources_of("1.013134", "1.013137"))
    assert reply is not None and reply.facts["ma_thu_tuc"] == "1.013137"


def test_a_channel_verdict_keeps_its_citation_on_the_channel_line() -> None:
    from assistant.answer.citations import check_citations

    sources = sources_of(TAM_VANG)
    reply = tthc_reply("Đăng ký nghĩa vụ quân sự tạm vắng nộp qua bưu điện được không?", sources)
    assert reply is not None and reply.found and reply.facts["channel"] == "Dịch vụ bưu chính"
    assert "- Không: thủ tục này không ghi nhận hồ sơ qua kênh dịch vụ bưu chính.\n" in reply.text
    _, citations, removed = check_citations(reply.text, sources)
    assert citations and removed == 0


def test_the_catalogue_decision_is_followed_named_ambiguous_or_none() -> None:
    from assistant.tthc.match import Naming

    sources = sources_of(TRAN_DAU, TAM_VANG)
    question = "Đăng ký nghĩa vụ quân sự tạm vắng mất bao lâu?"
    reply = tthc_reply(question, sources, naming=Naming("named", (TAM_VANG,)))
    assert reply is not None and reply.facts["ma_thu_tuc"] == TAM_VANG
    # A few distinct procedures fit equally: each is answered by case, each cited to its own record, and asked which
    reply = tthc_reply(question, sources, naming=Naming("ambiguous", (TAM_VANG, TRAN_DAU)))
    assert reply is not None and reply.facts["status"] == "by_case"
    assert set(reply.facts["suggestions"]) == {TAM_VANG, TRAN_DAU}
    assert reply.source is not None and {reply.source.doc_id, *(s.doc_id for s in reply.more)} == {
        f"tthc:{TAM_VANG}", f"tthc:{TRAN_DAU}"}
    assert reply.text.count("Thời hạn giải quyết") == 2 and "Bạn hỏi thủ tục nào?" in reply.text
    # Named, but its chunks are not among the sources (not visible to the asker): never another's answer.
    reply = tthc_reply(question, sources_of(TRAN_DAU), naming=Naming("named", (TAM_VANG,)))
    assert reply is not None and not reply.found and reply.text.startswith(NOT_FOUND)
    reply = tthc_reply(question, sources, naming=Naming("none"))
    assert reply is not None and not reply.found and reply.facts["status"] == "not_found"


def test_a_question_fitting_several_procedures_alike_follows_retrieval_when_a_law_ranks_first() -> None:
    """No one procedure named and a law's article ranked above them: the writer answers from retrieval (None
    here); said "thủ tục", or with a procedure first, the procedures are answered by case."""
    from assistant.tthc.match import Naming

    law = Source(marker=1, chunk_id="law-1", doc_id="luat-x", citation="Điều 28 — Luật Khiếu nại",
                 text="Điều 28. Thời hạn giải quyết khiếu nại lần đầu không quá 30 ngày.", payload={})
    procs = sources_of(TAM_VANG, TRAN_DAU)
    for p in procs:
        p.marker += 1
    naming = Naming("ambiguous", (TAM_VANG, TRAN_DAU))
    question = "Đăng ký tạm vắng mất bao lâu?"
    assert tthc_reply(question, [law, *procs], naming=naming) is None
    reply = tthc_reply("Thủ tục đăng ký tạm vắng mất bao lâu?", [law, *procs], naming=naming)
    assert reply is not None and reply.facts["status"] == "by_case"
    reply = tthc_reply(question, [*procs, law], naming=naming)
    assert reply is not None and reply.facts["status"] == "by_case"
