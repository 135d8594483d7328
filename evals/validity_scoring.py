"""Scoring validity questions ("còn hiệu lực không", "được thay thế bởi văn bản nào", "đã được sửa đổi chưa")
in ``assistant eval qa``: a question with ``expect`` (strings the answer must contain: the status, the
replacing số hiệu, the date) and optionally ``expect_not`` (strings it must not contain) is correct when
every expected string is in the answer's own words and none of the others, compared after the same
normalisation as the free-text scores (evals/data/validity_questions.jsonl, docs/validity.md).

The answer's own words are what it says itself: the status line ("Hiệu lực: … còn hiệu lực …"), the sentence
on a document not in the system, the notes. Source text it quotes («…», “…”) is not: a decree in force quotes
its own clause "… hết hiệu lực từ …" about the decrees it replaced, and that says nothing about its status;
nor does a quoted "còn hiệu lực" make a wrong status line right.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.answer.types import AnswerResult
from evals.qa_eval import normalize_for_match

# «…» (the extractive writer's quotes), “…” and "…" on one line (a model's quotes).
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"\n]*\"")


def is_validity_question(q: dict[str, Any]) -> bool:
    return bool(q.get("expect"))


def own_words(answer: str) -> str:
    """The answer without the source text it quotes."""
    return _QUOTED.sub(" … ", answer)


def score_validity(q: dict[str, Any], result: AnswerResult) -> dict[str, Any]:
    answer = f" {normalize_for_match(own_words(result.answer))} "
    missing = [s for s in q["expect"] if normalize_for_match(s) not in answer]
    present = [s for s in q.get("expect_not") or [] if normalize_for_match(s) in answer]
    return {"validity": {"correct": float(not missing and not present), "missing": missing, "unwanted": present}}


def summarize_validity(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    scored = [r["validity"] for r in rows if isinstance(r.get("validity"), dict)]
    if not scored:
        return None
    return {"n": len(scored), "accuracy": round(sum(s["correct"] for s in scored) / len(scored), 4)}
