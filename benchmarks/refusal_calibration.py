"""Fit the refusal thresholds on ALQAC (answerable) + our unanswerable questions, check them on a held-out split.

    python benchmarks/refusal_calibration.py [--bench ../shared/benchmarks/alqac24_25]
        [--unanswerable evals/data/unanswerable_alqac.jsonl] [--data-dir build/eval-full] [--limit N]

For every question the answerer's evidence is computed once (``Answerer.prepare``: best dense similarity of
the top sources, share of the question's content syllables they cover). Questions are split
deterministically: dev = sha1(_id) % 5 == 0, train = the rest (the same rule for both sets). The rule in
production is *answer iff similarity ≥ t_sim OR coverage ≥ t_cov*; a grid search picks (t_sim, t_cov)
maximising refusal F1 on train (positive class = should refuse), ties broken by the lower false-refusal
rate. Alternatives are fitted the same way for comparison: AND, similarity only, coverage only, and a
linear score w·similarity + (1−w)·coverage ≥ t. The OR rule is also cross-validated (5 folds by the same
hash, counts pooled), steadier than the small dev split alone. Prints a table and writes JSON.

Only the evidence rule is calibrated here; the full path may also refuse when a generated answer has no
valid citation (that shows in ``assistant eval refusal``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from core.access import Principal  # noqa: E402
from core.settings import Settings  # noqa: E402
from evals.beir import load_bench, select_queries, split_of  # noqa: E402
from evals.qa_eval import question_text  # noqa: E402
from evals.questions import load_questions  # noqa: E402
from evals.store_cache import open_eval_store  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SIM_GRID = np.round(np.arange(0.70, 0.9501, 0.0025), 4)
COV_GRID = np.round(np.arange(0.0, 1.0001, 0.0125), 4)
W_GRID = np.round(np.arange(0.0, 1.0001, 0.05), 2)
T_GRID = np.round(np.arange(0.0, 1.0001, 0.0025), 4)


def scores(refuse: np.ndarray, should: np.ndarray) -> dict[str, float]:
    """Refusal precision / recall / F1 and false-refusal rate for boolean arrays (rows = questions)."""
    tp = float(np.sum(refuse & should))
    fp = float(np.sum(refuse & ~should))
    fn = float(np.sum(~refuse & should))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    answerable = float(np.sum(~should))
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "false_refusal_rate": round(fp / answerable, 4) if answerable else 0.0}


def _f1_grid(refuse: np.ndarray, should: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """refuse: (..., n) booleans → F1 and false-refusal rate over the last axis."""
    tp = np.sum(refuse & should, axis=-1)
    fp = np.sum(refuse & ~should, axis=-1)
    fn = np.sum(~refuse & should, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(tp > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    return f1, fp / max(1, int(np.sum(~should)))


def _best(f1: np.ndarray, frr: np.ndarray) -> tuple[int, ...]:
    """Index of the highest F1; among ties, the lowest false-refusal rate, then the first."""
    order = np.lexsort((frr.ravel(), -f1.ravel()))
    return tuple(int(i) for i in np.unravel_index(order[0], f1.shape))


def fit(sim: np.ndarray, cov: np.ndarray, should: np.ndarray) -> dict[str, dict[str, Any]]:
    """Best parameters of each rule on these rows."""
    s, c = sim[None, None, :], cov[None, None, :]
    ts, tc = SIM_GRID[:, None, None], COV_GRID[None, :, None]
    rules: dict[str, dict[str, Any]] = {}
    for name, answer in (("or", (s >= ts) | (c >= tc)), ("and", (s >= ts) & (c >= tc))):
        f1, frr = _f1_grid(~answer, should)
        i, j = _best(f1, frr)
        rules[name] = {"t_sim": float(SIM_GRID[i]), "t_cov": float(COV_GRID[j])}
    f1, frr = _f1_grid(~(sim[None, :] >= SIM_GRID[:, None]), should)
    rules["similarity_only"] = {"t_sim": float(SIM_GRID[_best(f1, frr)[0]])}
    f1, frr = _f1_grid(~(cov[None, :] >= COV_GRID[:, None]), should)
    rules["coverage_only"] = {"t_cov": float(COV_GRID[_best(f1, frr)[0]])}
    # linear: w * sim' + (1 - w) * cov >= t, with sim' = similarity rescaled from [0.7, 1] to [0, 1]
    sim01 = np.clip((sim - 0.7) / 0.3, 0, 1)
    score = W_GRID[:, None, None] * sim01[None, None, :] + (1 - W_GRID[:, None, None]) * cov[None, None, :]
    f1, frr = _f1_grid(~(score >= T_GRID[None, :, None]), should)
    i, j = _best(f1, frr)
    rules["linear"] = {"w": float(W_GRID[i]), "t": float(T_GRID[j])}
    return rules


def refuse_by(rule: str, params: dict[str, float], sim: np.ndarray, cov: np.ndarray) -> np.ndarray:
    if rule == "or":
        return ~((sim >= params["t_sim"]) | (cov >= params["t_cov"]))
    if rule == "and":
        return ~((sim >= params["t_sim"]) & (cov >= params["t_cov"]))
    if rule == "similarity_only":
        return ~(sim >= params["t_sim"])
    if rule == "coverage_only":
        return ~(cov >= params["t_cov"])
    sim01 = np.clip((sim - 0.7) / 0.3, 0, 1)
    return ~(params["w"] * sim01 + (1 - params["w"]) * cov >= params["t"])


def collect(args: argparse.Namespace) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    bench = load_bench(args.bench)
    answerable = select_queries(bench.queries, "all", args.limit)
    unanswerable = select_queries(load_questions(args.unanswerable), "all", args.limit)
    settings = Settings(data_dir=args.data_dir, embedding_cache_path=args.embedding_cache
                        or args.data_dir / "embeddings.sqlite")
    started = time.perf_counter()
    store = open_eval_store(settings, [bench.corpus_path], progress=True, cache_queries=True)
    index_s = time.perf_counter() - started
    print(f"store {store.directory}: {store.report.as_dict()} ({index_s:.1f} s)", file=sys.stderr)
    answerer = store.runtime.answerer(remember=False)
    principal = Principal(user_id="eval")
    rows = []
    t0 = time.perf_counter()
    try:
        for should_refuse, questions in ((False, answerable), (True, unanswerable)):
            for q in questions:
                prepared = answerer.prepare(question_text(q), principal)
                rows.append({"id": str(q["_id"]), "should_refuse": should_refuse, "split": split_of(str(q["_id"])),
                             "type": q.get("question_type"), **prepared.evidence,
                             "sources": len(prepared.sources)})
    finally:
        store.close()
    meta = {"corpus_hash": store.corpus_hash, "index": store.report.as_dict(), "index_seconds": round(index_s, 1),
            "prepare_seconds": round(time.perf_counter() - t0, 1), "settings": {
                "refusal_min_similarity": settings.refusal_min_similarity,
                "refusal_min_coverage": settings.refusal_min_coverage, "embedder": settings.embedder,
                "search_mode": settings.search_mode, "fusion": settings.fusion, "top_k": settings.top_k}}
    return rows, meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=REPO.parent / "shared" / "benchmarks" / "alqac24_25")
    parser.add_argument("--unanswerable", type=Path, default=REPO / "evals" / "data" / "unanswerable_alqac.jsonl")
    parser.add_argument("--data-dir", type=Path, default=REPO / "build" / "eval-full")
    parser.add_argument("--embedding-cache", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions of each set")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "benchmarks" / "refusal_calibration.json")
    args = parser.parse_args()

    rows, meta = collect(args)
    sim = np.array([r["similarity"] for r in rows])
    cov = np.array([r["coverage"] for r in rows])
    should = np.array([r["should_refuse"] for r in rows])
    train = np.array([r["split"] == "train" for r in rows])
    dev = ~train
    current = {"t_sim": meta["settings"]["refusal_min_similarity"], "t_cov": meta["settings"]["refusal_min_coverage"]}
    fitted = fit(sim[train], cov[train], should[train])
    results: dict[str, Any] = {"current_or": {"params": current}}
    results.update({name: {"params": params} for name, params in fitted.items()})
    for name, entry in results.items():
        rule = "or" if name == "current_or" else name
        for split, mask in (("train", train), ("dev", dev)):
            entry[split] = scores(refuse_by(rule, entry["params"], sim[mask], cov[mask]), should[mask])

    counts = {split: {"answerable": int(np.sum(mask & ~should)), "unanswerable": int(np.sum(mask & should))}
              for split, mask in (("train", train), ("dev", dev))}
    print(f"\n{len(rows)} questions; train {counts['train']}, dev {counts['dev']}")
    for label, mask in (("answerable", ~should), ("unanswerable", should)):
        print(f"  {label:<13} similarity p10/p50/p90 {np.percentile(sim[mask], [10, 50, 90]).round(3)}  "
              f"coverage p10/p50/p90 {np.percentile(cov[mask], [10, 50, 90]).round(3)}")
    print(f"\n{'rule':<16}{'params':<30}" + "".join(f"{s + ' ' + k:>14}" for s in ("train", "dev")
                                                 for k in ("P", "R", "F1", "FRR")))
    for name, entry in results.items():
        params = ", ".join(f"{k}={v}" for k, v in entry["params"].items())
        cells = "".join(f"{entry[s][k]:>14}" for s in ("train", "dev")
                        for k in ("precision", "recall", "f1", "false_refusal_rate"))
        print(f"{name:<16}{params:<30}{cells}")
    # 5-fold cross-validation by the same hash (fold = sha1(_id) % 5; fold 0 is the dev split above): fit the
    # OR rule on four folds, count errors on the fifth, pool the counts. Steadier than one small dev split.
    folds = np.array([int(hashlib.sha1(r["id"].encode("utf-8")).hexdigest(), 16) % 5 for r in rows])
    pooled = np.zeros(len(rows), dtype=bool)
    fold_params = []
    for k in range(5):
        held = folds == k
        params = fit(sim[~held], cov[~held], should[~held])["or"]
        fold_params.append(params)
        pooled[held] = refuse_by("or", params, sim[held], cov[held])
    results["or"]["cv5_pooled"] = scores(pooled, should)
    results["or"]["cv5_params"] = fold_params
    cv = results["or"]["cv5_pooled"]
    print(f"\nOR rule, 5-fold cross-validation (pooled over {len(rows)} questions): precision {cv['precision']} · "
          f"recall {cv['recall']} · F1 {cv['f1']} · false refusals {cv['false_refusal_rate']}; fold thresholds "
          + "; ".join(f"({p['t_sim']}, {p['t_cov']})" for p in fold_params))
    chosen = results["or"]["params"]
    print(f"\nchosen (OR rule, fitted on train): ASSISTANT_REFUSAL_MIN_SIMILARITY={chosen['t_sim']} "
          f"ASSISTANT_REFUSAL_MIN_COVERAGE={chosen['t_cov']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "counts": counts, "rules": results, "chosen": chosen,
                                    "rows": rows}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
