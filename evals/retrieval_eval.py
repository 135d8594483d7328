"""Retrieval quality on a BEIR-style folder: every query as one principal, in every search mode.

Each query is embedded once and searched sparse-only, dense-only and hybrid (and "reranked": hybrid
candidates through the configured reranker, when there is one). Retrieved chunks map back to the corpus
``_id`` (Khoản chunks of one Điều are one article; de-duplicated, first rank kept).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from typing import Any

from assistant.search.retrieval import Retriever
from core.access import Principal
from evals.beir import Bench, corpus_id, nearest_corpus_id
from evals.metrics import dedupe, recall_at, retrieval_report

MODES = ("sparse", "dense", "hybrid")
CURVE_MAX_K = 100
RERANK_CANDIDATES = 20


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list; 0.0 for an empty one."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return float(ordered[index])


def ranked_ids(hits: Sequence[Any], corpus_ids: set[str] | None) -> list[str]:
    """Corpus ids of ``hits`` in rank order, de-duplicated; chunks with no corpus id are skipped."""
    ids = []
    for hit in hits:
        cid = corpus_id(hit.payload)
        if corpus_ids is not None:
            cid = nearest_corpus_id(cid, corpus_ids)
        if cid:
            ids.append(cid)
    return dedupe(ids)


def recall_curve(runs: dict[str, list[str]], qrels: dict[str, set[str]], max_k: int = CURVE_MAX_K) -> list[float]:
    """Mean recall@k for k = 1..max_k over the queries with judgements."""
    judged = [q for q in runs if qrels.get(q)]
    if not judged:
        return []
    return [round(sum(recall_at(runs[q], qrels[q], k) for q in judged) / len(judged), 4)
            for k in range(1, max_k + 1)]


def run_retrieval(retriever: Retriever, bench: Bench, queries: list[dict[str, Any]], principal: Principal, *,
                  modes: Sequence[str] = MODES, reranker: Any = None, corpus_ids: set[str] | None = None,
                  top_k: int = 100, f2_k: int = 1) -> dict[str, Any]:
    """Metrics per mode, per-query rankings (top 10), recall curves and latencies (ms, search only)."""
    started = time.perf_counter()
    all_modes = list(modes) + (["reranked"] if reranker is not None else [])
    runs: dict[str, dict[str, list[str]]] = {m: {} for m in all_modes}
    latencies: dict[str, list[float]] = {m: [] for m in all_modes}
    embed_ms: list[float] = []
    for q in queries:
        qid, text = str(q["_id"]), q["text"]
        question = retriever.question(text, principal)  # prepared once, searched in every mode
        t0 = time.perf_counter()
        qvec = retriever.embedder.embed_query(question.marked).tolist() \
            if any(m != "sparse" for m in all_modes) else None
        embed_ms.append((time.perf_counter() - t0) * 1000)
        for mode in modes:
            t0 = time.perf_counter()
            hits = retriever.search(question, principal, top_k=top_k, mode=mode,  # type: ignore[arg-type]
                                    query_vector=qvec)
            latencies[mode].append((time.perf_counter() - t0) * 1000)
            runs[mode][qid] = ranked_ids(hits, corpus_ids)
            if reranker is not None and mode == "hybrid":
                t0 = time.perf_counter()
                head = reranker.rerank(text, hits[:RERANK_CANDIDATES], RERANK_CANDIDATES)
                latencies["reranked"].append(latencies[mode][-1] + (time.perf_counter() - t0) * 1000)
                runs["reranked"][qid] = ranked_ids([*head, *hits[RERANK_CANDIDATES:]], corpus_ids)
    metrics: dict[str, dict[str, float]] = {}
    for mode in all_modes:
        m = retrieval_report(runs[mode], bench.qrels, f2_k=f2_k)
        m["p50_ms"] = round(percentile(latencies[mode], 50), 1)
        m["p95_ms"] = round(percentile(latencies[mode], 95), 1)
        metrics[mode] = m
    judged = sum(1 for q in queries if bench.qrels.get(str(q["_id"])))
    return {
        "kind": "retrieval",
        "metrics": metrics,
        "queries": len(queries),
        "judged_queries": judged,
        "f2_k": f2_k,
        "seconds": round(time.perf_counter() - started, 2),
        "embed_query_ms": {"p50": round(percentile(embed_ms, 50), 1), "p95": round(percentile(embed_ms, 95), 1)},
        "recall_curve": {mode: recall_curve(runs[mode], bench.qrels) for mode in all_modes},
        "latencies_ms": {mode: [round(x, 2) for x in values] for mode, values in latencies.items()},
        "per_query": {mode: {qid: ids[:10] for qid, ids in runs[mode].items()} for mode in all_modes},
        "failures": _failures(runs.get("hybrid", {}), bench.qrels, queries),
    }


def _failures(run: dict[str, list[str]], qrels: dict[str, set[str]], queries: list[dict[str, Any]],
              limit: int = 20) -> list[dict[str, Any]]:
    """Queries whose relevant article is not in the hybrid top 10 (for the Markdown report)."""
    texts = {str(q["_id"]): q["text"] for q in queries}
    out = []
    for qid, ranked in run.items():
        rel = qrels.get(qid)
        if rel and not set(ranked[:10]) & rel:
            out.append({"query_id": qid, "text": texts.get(qid, ""), "relevant": sorted(rel), "top3": ranked[:3]})
    return out[:limit]


def mean(values: Sequence[float]) -> float:
    return round(statistics.fmean(values), 4) if values else 0.0
