"""The shipped task question set is what its builder makes from the plans' cells, and its scoring counts exact
sets (must-match questions are right only when nothing is returned)."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.answer.types import AnswerResult
from evals.task_question_set import OUT, questions_731, questions_written
from evals.task_scoring import score_tasks, summarize_tasks


def test_the_shipped_set_is_rebuilt_from_the_plans(shared_dir: Path) -> None:
    from evals.task_question_set import _appendix

    shipped = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    built = json.loads(json.dumps([*questions_731(_appendix()), *questions_written()], ensure_ascii=False))
    assert shipped == built
    lead = next(q for q in shipped if q["_id"] == "731-lead-cong-an-tinh")
    assert ["731-KH-UBND-2025-ha-tinh.txt", "Phụ lục, dòng 1.1"] in lead["task_expected"]
    assert sum(1 for q in shipped if not q["task_expected"]) == 4  # 2 must-match, 2 units no row names as support


def test_exact_set_scores() -> None:
    def result(tasks: list[list[str]]) -> AnswerResult:
        return AnswerResult(answer="", citations=[], refused=not tasks, conversation_id="", standalone_question="",
                            sources=[], record={"kind": "tasks", "tasks": tasks})

    q = {"task_expected": [["kh.txt", "Phụ lục, dòng 1"], ["kh.txt", "Phụ lục, dòng 2"]]}
    half = score_tasks(q, result([["file:kh.txt", "Phụ lục, dòng 1"], ["file:kh.txt", "Mục II.1, ý 1"]]))
    assert (half["task_precision"], half["task_recall"], half["task_exact"]) == (0.5, 0.5, False)
    none = score_tasks({"task_expected": []}, result([]))
    wrong = score_tasks({"task_expected": []}, result([["file:kh.txt", "Phụ lục, dòng 1"]]))
    assert none["task_exact"] and (wrong["task_precision"], wrong["task_recall"]) == (0.0, 0.0)
    summary = summarize_tasks([half, none, wrong])
    assert summary["n"] == 3 and summary["exact_set"] == 0.3333 and summary["micro_precision"] == round(1 / 3, 4)
