"""The everyday eval's scoring: a cited unit and a span make a right answer; a retrieved unit the answer does
not cite is answer-layer loss; an unconfirmed "còn hiệu lực" is a wrong validity claim."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.answer.types import AnswerResult, Citation, Source
from evals.everyday_eval import half, score, summarize, table
from evals.questions import load_questions

LAW = "file:luat-can-bo-cong-chuc-22-2008-QH12.txt"
QUESTION = {"_id": "q1", "text": "Thời hiệu xử lý kỷ luật là bao lâu?", "answerable": True, "area": "laws",
            "expect": {"doc": ["luat-can-bo-cong-chuc-22-2008-QH12"], "dieu": "80", "khoan": "1"},
            "span": "24 tháng, kể từ thời điểm có hành vi vi phạm"}


def _source(marker: int, dieu: str, khoan: str = "", validity: str = "chua_ro", text: str = "…") -> Source:
    payload = {"doc_id": LAW, "fields": {"dieu": dieu, **({"khoan": khoan} if khoan else {})}}
    return Source(marker, f"c{marker}", LAW, f"Điều {dieu} — Luật Cán bộ, công chức", text, validity=validity,
                  payload=payload)


def _result(answer: str, sources: list[Source], cited: list[int], refused: bool = False) -> AnswerResult:
    by = {s.marker: s for s in sources}
    citations = [Citation(m, by[m].chunk_id, LAW, "", "", by[m].citation, "", by[m].validity) for m in cited]
    return AnswerResult(answer=answer, citations=citations, refused=refused, sources=sources)


def test_right_needs_the_cited_unit_and_the_span() -> None:
    sources = [_source(1, "80", "1"), _source(2, "65")]
    right = score(QUESTION, _result("«Thời hiệu xử lý kỷ luật là 24 tháng, kể từ thời điểm có hành vi vi phạm.» [1]",
                                    sources, [1]))
    assert right["in_top"] and right["right"]
    wrong_unit = score(QUESTION, _result("«… 24 tháng, kể từ thời điểm có hành vi vi phạm» [2]", sources, [2]))
    assert wrong_unit["in_top"] and not wrong_unit["right"]
    summary = summarize([right, wrong_unit])
    assert summary["answer_layer_loss"] == {"n": 1, "of": 2, "rate": 0.5}


def test_a_span_typed_without_marks_still_matches() -> None:
    row = score(QUESTION, _result("24 THÁNG, kể từ thời điểm có hành vi  vi phạm [1]", [_source(1, "80")], [1]))
    assert row["right"]  # a whole-Điều chunk answers for its Khoản


def test_unconfirmed_in_force_is_a_wrong_claim_and_unverified_is_not() -> None:
    claimed = score(QUESTION, _result("Văn bản còn hiệu lực. 24 tháng, kể từ thời điểm có hành vi vi phạm [1]",
                                      [_source(1, "80", validity="con_hieu_luc")], [1]))
    assert claimed["wrong_validity_claims"] == 2  # the sentence and the badge
    hedged = score(QUESTION, _result("Chưa xác minh còn hiệu lực. 24 tháng, kể từ thời điểm có hành vi vi phạm [1]",
                                     [_source(1, "80", validity="chua_ro")], [1]))
    assert hedged["wrong_validity_claims"] == 0


def test_absent_unit_and_out_of_scope() -> None:
    absent = {"_id": "q2", "text": "Điều 150 Luật Cán bộ, công chức", "answerable": True, "reference": True,
              "expect": {"doc": ["luat-can-bo-cong-chuc-22-2008-QH12"], "absent_dieu": "150"},
              "span": "không có Điều 150"}
    said = score(absent, _result("«Luật Cán bộ, công chức» trong kho dữ liệu không có Điều 150.", [], [], True))
    assert said["right"]
    out = score({"_id": "q3", "text": "giá vàng", "answerable": False}, _result("Không tìm thấy", [], [], True))
    assert out["right"] is None and out["refused"]
    assert "nửa A" in table({"halves": {"A": summarize([said, out]), "B": summarize([said])}, "areas": {}})


def test_the_committed_set_has_the_shape_the_issue_asks() -> None:
    path = Path(__file__).resolve().parents[2] / "evals" / "data" / "everyday_questions.jsonl"
    rows = load_questions(path)
    assert len(rows) >= 150
    assert sum(r["no_marks"] for r in rows) * 3 >= len(rows)
    assert sum(not r["answerable"] for r in rows) * 10 >= len(rows)
    assert all(r.get("span") and r.get("expect") for r in rows if r["answerable"])
    assert {half(r["_id"]) for r in rows} == {"A", "B"}
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["_id"] == rows[0]["_id"]
