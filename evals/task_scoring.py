"""Scores for questions about assigned tasks (rows with ``task_expected``; docs/tasks-eval.md): the set of tasks
an answer returned (``AnswerResult.record["tasks"]``: document and citation) against the expected set.

Exact-set precision and recall per question (an empty expected set is a must-match question: right when the
answer returns no task), their means, the share of questions whose set is exactly right, and micro
precision/recall over every task returned and expected.
"""

from __future__ import annotations

from typing import Any

from assistant.answer.types import AnswerResult


def is_task_question(q: dict[str, Any]) -> bool:
    return "task_expected" in q


def _key(doc: str, citation: str) -> tuple[str, str]:
    return doc.rsplit("/", 1)[-1].removeprefix("file:").rsplit(":", 1)[-1], citation


def score_tasks(q: dict[str, Any], result: AnswerResult) -> dict[str, Any]:
    record = result.record or {}
    returned = {_key(d, c) for d, c in record.get("tasks") or []} if record.get("kind") == "tasks" else set()
    expected = {_key(d, c) for d, c in q["task_expected"]}
    hit = len(returned & expected)
    precision = hit / len(returned) if returned else float(not expected)
    recall = hit / len(expected) if expected else float(not returned)
    return {"task": True, "task_returned": len(returned), "task_expected": len(expected), "task_hit": hit,
            "task_precision": round(precision, 4), "task_recall": round(recall, 4),
            "task_exact": returned == expected, "no_diacritics": bool(q.get("no_diacritics")),
            "task_missing": sorted(c for _, c in expected - returned)[:10],
            "task_extra": sorted(c for _, c in returned - expected)[:10]}


def summarize_tasks(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    rows = [r for r in rows if r.get("task")]
    if not rows:
        return None

    def mean(key: str, group: list[dict[str, Any]]) -> float | None:
        return round(sum(float(r[key]) for r in group) / len(group), 4) if group else None

    returned, expected, hit = (sum(r[k] for r in rows) for k in ("task_returned", "task_expected", "task_hit"))
    plain = [r for r in rows if r["no_diacritics"]]
    return {"n": len(rows), "precision": mean("task_precision", rows), "recall": mean("task_recall", rows),
            "exact_set": mean("task_exact", rows),
            "micro_precision": round(hit / returned, 4) if returned else None,
            "micro_recall": round(hit / expected, 4) if expected else None,
            "no_diacritics_exact_set": mean("task_exact", plain)}
