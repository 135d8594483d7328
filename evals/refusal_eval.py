"""Refusal quality on a mix of answerable questions and questions the corpus cannot answer.

The positive class is "should refuse" (an unanswerable question): precision = refusals that were right,
recall = unanswerable questions refused. Each question goes through the full answering path; the
answerer's evidence (best dense similarity, query-term coverage) is recorded too, so the same run shows
where the refusal thresholds sit (see benchmarks/refusal_calibration.py to fit them).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from assistant.answer.answering import Answerer, Prepared
from core.access import Principal
from evals.qa_eval import question_text
from evals.retrieval_eval import percentile


def refusal_scores(should_refuse: Sequence[bool], refused: Sequence[bool]) -> dict[str, float | int | None]:
    """Precision, recall, F1 of refusing (positive = unanswerable), plus the false-refusal rate."""
    tp = sum(1 for s, r in zip(should_refuse, refused, strict=True) if s and r)
    fp = sum(1 for s, r in zip(should_refuse, refused, strict=True) if not s and r)
    fn = sum(1 for s, r in zip(should_refuse, refused, strict=True) if s and not r)
    answerable = sum(1 for s in should_refuse if not s)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (2 * precision * recall / (precision + recall)) if precision and recall else 0.0
    return {
        "precision": None if precision is None else round(precision, 4),
        "recall": None if recall is None else round(recall, 4),
        "f1": round(f1, 4),
        "false_refusal_rate": round(fp / answerable, 4) if answerable else None,
        "tp": tp, "fp": fp, "fn": fn, "tn": len(refused) - tp - fp - fn,
    }


class EvidenceRecorder:
    """Wraps ``Answerer.prepare`` on one answerer instance to keep the evidence of the last question."""

    def __init__(self, answerer: Answerer) -> None:
        self.last: Prepared | None = None
        original = answerer.prepare

        def prepare(*args: Any, **kwargs: Any) -> Prepared:
            self.last = original(*args, **kwargs)
            return self.last

        answerer.prepare = prepare  # type: ignore[method-assign]


def run_refusal(answerer: Answerer, answerable: Sequence[dict[str, Any]], unanswerable: Sequence[dict[str, Any]],
                principal: Principal) -> dict[str, Any]:
    started = time.perf_counter()
    recorder = EvidenceRecorder(answerer)
    rows, latencies = [], []
    for should_refuse, questions in ((False, answerable), (True, unanswerable)):
        for q in questions:
            t0 = time.perf_counter()
            result = answerer.ask(question_text(q), principal)
            latencies.append((time.perf_counter() - t0) * 1000)
            evidence = dict(recorder.last.evidence) if recorder.last else {}
            rows.append({"id": str(q.get("_id") or q.get("id")), "text": q["text"], "should_refuse": should_refuse,
                         "refused": result.refused, "evidence": evidence,
                         "sufficient": bool(recorder.last.sufficient) if recorder.last else None,
                         "latency_ms": round(latencies[-1], 1)})
    scores = refusal_scores([r["should_refuse"] for r in rows], [r["refused"] for r in rows])
    errors = [r for r in rows if r["should_refuse"] != r["refused"]]
    return {
        "kind": "refusal",
        "metrics": {**scores, "answerable": len(answerable), "unanswerable": len(unanswerable),
                    "latency_p50_ms": round(percentile(latencies, 50), 1),
                    "latency_p95_ms": round(percentile(latencies, 95), 1)},
        "thresholds": {"refusal_min_similarity": answerer.config.refusal_min_similarity,
                       "refusal_min_coverage": answerer.config.refusal_min_coverage},
        "queries": len(rows),
        "seconds": round(time.perf_counter() - started, 2),
        "latencies_ms": {"ask": [round(x, 1) for x in latencies]},
        "per_question": rows,
        "errors": errors[:40],
    }
