"""Scores for questions about procedure records (rows with ``tthc_fields``; docs/tthc-eval.md).

- field accuracy: the answer came from a record and gave exactly the asked fields;
- exact value: from the right procedure, and every expected value (read from the record) is in the text;
- wrong procedure: an answer from a record other than the one asked (or from any record, for a procedure
  that is not indexed) — the one error that must never happen;
- false refusal: an answerable question refused, or told "not in the system".
"""

from __future__ import annotations

from typing import Any

from assistant.answer.types import AnswerResult
from evals.qa_eval import normalize_for_match


def is_tthc_question(q: dict[str, Any]) -> bool:
    return "tthc_fields" in q


def score_tthc(q: dict[str, Any], result: AnswerResult) -> dict[str, Any]:
    """One question's outcome; ``answered_code`` is the procedure the answer was read from (None if none)."""
    record = result.record or {}
    answered = record.get("status") == "answered" and not result.refused
    code = record.get("ma_thu_tuc") if answered else None
    expected_code = q.get("ma_thu_tuc")
    answerable = q.get("answerable", True) is not False
    text = normalize_for_match(result.answer)
    right_procedure = answered and code == expected_code
    values_in = all(normalize_for_match(v) in text for v in q.get("values") or [])
    return {
        "tthc": True,
        "answerable": answerable,
        "fields_asked": list(q["tthc_fields"]),
        "no_diacritics": bool(q.get("no_diacritics")),
        "answered_code": code,
        "expected_code": expected_code,
        "field_correct": float(right_procedure and sorted(record.get("fields") or []) == sorted(q["tthc_fields"])),
        "value_correct": float(right_procedure and values_in),
        "wrong_procedure": bool(answered and code != expected_code) or (not answerable and not result.refused),
        "false_refusal": answerable and not answered,
        "suggested": record.get("status") == "not_found",
    }


def summarize_tthc(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Accuracy over answerable questions, by field too; wrong-procedure answers over all."""
    rows = [r for r in rows if r.get("tthc")]
    if not rows:
        return None
    good = [r for r in rows if r["answerable"]]
    bad = [r for r in rows if not r["answerable"]]

    def mean(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 4) if values else None

    by_field: dict[str, dict[str, Any]] = {}
    for name in sorted({f for r in good for f in r["fields_asked"]}):
        group = [r for r in good if name in r["fields_asked"]]
        by_field[name] = {"n": len(group), "value_accuracy": mean([r["value_correct"] for r in group]),
                          "field_accuracy": mean([r["field_correct"] for r in group])}
    return {
        "answerable": len(good),
        "not_indexed": len(bad),
        "field_accuracy": mean([r["field_correct"] for r in good]),
        "value_accuracy": mean([r["value_correct"] for r in good]),
        "false_refusal_rate": mean([float(r["false_refusal"]) for r in good]),
        "wrong_procedure_answers": sum(1 for r in rows if r["wrong_procedure"]),
        "not_indexed_refused_or_suggested": mean([float(not r["wrong_procedure"]) for r in bad]),
        "no_diacritics_value_accuracy": mean([r["value_correct"] for r in good if r["no_diacritics"]]),
        "by_field": by_field,
    }
