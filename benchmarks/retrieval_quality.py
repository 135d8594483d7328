"""ALQAC retrieval quality and indexing time for sparse / dense / hybrid (a benchmark, not a test).

    python benchmarks/retrieval_quality.py [--bench ../shared/benchmarks/alqac24_25] [--data-dir build/bench]

Indexes the corpus into its own data dir (the embedding cache there makes re-runs fast: delete the folder
for a cold indexing time), runs every query as a public-unit official, prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.search.retrieval import Retriever  # noqa: E402
from assistant.service.runtime import Runtime  # noqa: E402
from connectors.articles import ArticlesConnector  # noqa: E402
from core.access import Principal  # noqa: E402
from core.settings import Settings  # noqa: E402
from evals.beir import corpus_id, load_bench  # noqa: E402
from evals.metrics import dedupe, retrieval_report  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bench", type=Path, default=Path("../shared/benchmarks/alqac24_25"))
    parser.add_argument("--data-dir", type=Path, default=Path("build/bench/alqac"))
    parser.add_argument("--modes", nargs="+", default=["sparse", "dense", "hybrid"])
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries")
    parser.add_argument("--out", type=Path, default=Path("build/benchmarks/retrieval_quality.json"))
    args = parser.parse_args()

    bench = load_bench(args.bench)
    settings = Settings(data_dir=args.data_dir, vector_store="edge")
    runtime = Runtime(settings)
    started = time.perf_counter()
    report = runtime.indexer().index(ArticlesConnector(bench.corpus_path).documents(), progress=True)
    index_seconds = time.perf_counter() - started
    print(f"indexed: {report.as_dict()}  ({index_seconds:.1f} s)")

    principal = Principal(user_id="bench", unit="Văn phòng UBND tỉnh", roles=("chuyen_vien",))
    retriever = Retriever(runtime.store, runtime.embedder, runtime.sparse, prefetch_limit=settings.prefetch_limit,
                          fusion=settings.fusion)
    queries = bench.queries[: args.limit] if args.limit else bench.queries
    results: dict[str, dict] = {}
    for mode in args.modes:
        runs, latencies = {}, []
        for q in queries:
            t0 = time.perf_counter()
            hits = retriever.search(q["text"], principal, top_k=100, mode=mode)
            latencies.append((time.perf_counter() - t0) * 1000)
            runs[q["_id"]] = dedupe([cid for h in hits if (cid := corpus_id(h.payload))])
        metrics = retrieval_report(runs, bench.qrels)
        metrics["p50_ms"] = round(statistics.median(latencies), 1)
        metrics["p95_ms"] = round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1)
        results[mode] = metrics
    runtime.close()

    keys = ["recall@1", "recall@5", "recall@10", "recall@100", "mrr@10", "ndcg@10", "p50_ms", "p95_ms"]
    print(f"\n{len(queries)} queries, corpus {bench.corpus_path}")
    print("mode    " + "".join(f"{k:>11}" for k in keys))
    for mode, m in results.items():
        print(f"{mode:<8}" + "".join(f"{m.get(k, 0):>11}" for k in keys))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"queries": len(queries), "index": report.as_dict(),
                                    "index_seconds": round(index_seconds, 1), "metrics": results,
                                    "settings": {"embedder": settings.embedder, "segmenter": settings.segmenter,
                                                 "embedding_max_chars": settings.embedding_max_chars}},
                                   ensure_ascii=False, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
