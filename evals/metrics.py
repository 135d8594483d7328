"""Retrieval metrics over ranked id lists; hand-checked in tests/evals/test_metrics.py."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / len(relevant)


def mrr_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    for i, doc in enumerate(ranked[:k], 1):
        if doc in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    dcg = sum(1.0 / math.log2(i + 1) for i, doc in enumerate(ranked[:k], 1) if doc in relevant)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def f2_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """ALQAC's per-query F2 over the first k retrieved articles (macro-averaged by the caller)."""
    retrieved = list(dict.fromkeys(ranked[:k]))
    if not retrieved or not relevant:
        return 0.0
    correct = len(set(retrieved) & relevant)
    if correct == 0:
        return 0.0
    precision = correct / len(retrieved)
    recall = correct / len(relevant)
    return 5 * precision * recall / (4 * precision + recall)


def dedupe(ids: Sequence[str]) -> list[str]:
    """Several chunks (Khoản) of one article map to the same id; keep the first rank of each."""
    return list(dict.fromkeys(ids))


def retrieval_report(runs: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]],
                     f2_k: int = 1) -> dict[str, float]:
    """Mean metrics over the queries that have relevance judgements."""
    queries = [q for q in runs if qrels.get(q)]
    if not queries:
        return {}
    totals = {"recall@1": 0.0, "recall@5": 0.0, "recall@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0,
              "ndcg@10": 0.0, "f2": 0.0}
    for q in queries:
        ranked, rel = dedupe(runs[q]), qrels[q]
        for k in (1, 5, 10, 100):
            totals[f"recall@{k}"] += recall_at(ranked, rel, k)
        totals["mrr@10"] += mrr_at(ranked, rel, 10)
        totals["ndcg@10"] += ndcg_at(ranked, rel, 10)
        totals["f2"] += f2_at(ranked, rel, f2_k)
    return {name: round(value / len(queries), 4) for name, value in totals.items()}
