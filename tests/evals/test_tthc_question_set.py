"""The bundled TTHC question set keeps its promises (docs/tthc-eval.md), and its scores count what they say."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from assistant.answer.types import AnswerResult
from assistant.tthc.questions import FIELDS
from evals.tthc_question_set import build
from evals.tthc_scoring import score_tthc, summarize_tthc

REPO = Path(__file__).resolve().parents[2]
SET = REPO / "evals" / "data" / "tthc_questions.jsonl"
TTHC = REPO.parent / "shared" / "corpus" / "tthc"


def rows() -> list[dict]:
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_set_covers_fields_procedures_typing_and_unindexed_procedures() -> None:
    data = rows()
    answerable = [r for r in data if r.get("answerable", True)]
    assert len(answerable) >= 150 and len({r["ma_thu_tuc"] for r in answerable}) >= 60
    assert sum(1 for r in data if r.get("answerable") is False) >= 30
    assert sum(1 for r in data if r["no_diacritics"]) >= len(data) / 3 - 1
    counts = Counter(f for r in answerable for f in r["tthc_fields"])
    assert all(counts[f] >= 10 for f in FIELDS), counts
    assert all(r["values"] for r in answerable)


def test_the_committed_set_is_what_the_generator_builds_from_the_records() -> None:
    if not TTHC.is_dir():
        pytest.skip("shared corpus not found")
    assert build(TTHC) == rows()


def test_scores_count_right_values_wrong_procedures_and_false_refusals() -> None:
    q = {"_id": "a", "text": "…", "tthc_fields": ["time"], "ma_thu_tuc": "1.013138", "values": ["02 Giờ"]}
    right = AnswerResult("Thời hạn giải quyết:\n- Trực tuyến: 02 Giờ", [], False,
                         record={"status": "answered", "ma_thu_tuc": "1.013138", "fields": ["time"]})
    other = AnswerResult("- Trực tuyến: 02 Giờ", [], False,
                         record={"status": "answered", "ma_thu_tuc": "1.013137", "fields": ["time"]})
    refused = AnswerResult("Thủ tục bạn hỏi chưa có", [], True, record={"status": "not_found", "suggestions": []})
    scored = [score_tthc(q, right), score_tthc(q, other), score_tthc(q, refused)]
    assert [s["value_correct"] for s in scored] == [1.0, 0.0, 0.0]
    assert [s["wrong_procedure"] for s in scored] == [False, True, False]
    assert [s["false_refusal"] for s in scored] == [False, False, True]
    missing = {"_id": "b", "text": "…", "tthc_fields": [], "ma_thu_tuc": None, "values": [], "answerable": False}
    scored.append(score_tthc(missing, refused))
    summary = summarize_tthc(scored)
    assert summary is not None and summary["wrong_procedure_answers"] == 1
    assert summary["not_indexed_refused_or_suggested"] == 1.0 and summary["value_accuracy"] == round(1 / 3, 4)
