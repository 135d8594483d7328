"""A million chunks in the embedded engine: load, HNSW build, disk, RAM and filtered hybrid latency (not a test).

    python benchmarks/million_chunks.py [--size 1000000] [--on-disk/--no-on-disk] [--int8/--no-int8]
        [--queries 300] [--workdir DIR [--serve-only]] [--out build/benchmarks/million_chunks.json]

Chunks are synthetic (the issue allows it): unit random 384-d dense vectors, sparse vectors drawn from a pool of
4,000 encoded Vietnamese-like texts (``store_latency.Corpus``: a Zipf syllable vocabulary through the
product's ``SparseEncoder``), access labels 60 % public, 20 % internal, 20 % restricted to one of 5 units.
Random vectors have no cluster structure: the worst case for HNSW, both to build and to search.

Two child processes, each timed: **build** upserts in batches of 2,000 (store time only) and runs ``optimize()``
(HNSW, int8 copy, payload indexes); **serve**, a fresh process as a restarted service, opens the shard (the
"load") and runs ``--queries`` hybrid searches (dense + sparse prefetch, RRF, the access filter in both
prefetches) as an official of one unit, after 10 warm-ups. ``--serve-only --workdir DIR`` runs serve alone on
a shard an earlier run left. Memory: VmHWM (peak) and VmRSS split into anonymous (heap) and file-backed
(memory-mapped pages that the kernel can drop) from /proc/self/status. Disk: the shard folder.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

BATCH = 2000
POOL = 4_000


def memory() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS", "RssAnon", "RssFile"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)  # kB → MiB
    return fields


def disk_mib(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def build(size: int, on_disk: bool, int8: bool, links: bool, workdir: Path) -> dict[str, Any]:
    from store_latency import DIM, Corpus

    from indexing.store import StoredPoint
    from indexing.stores.edge_store import EdgeStore

    rng = np.random.default_rng(11)
    corpus = Corpus(POOL)
    t0 = time.perf_counter()
    pool = [corpus.encoder.encode_document(corpus.text(int(rng.integers(80, 280)))) for _ in range(POOL)]
    pool_s = time.perf_counter() - t0
    baseline = memory()
    store = EdgeStore(workdir / "edge", on_disk=on_disk, scalar_quantization=int8, payload_links=links)
    store.ensure_collection(DIM)
    load_s, started, loads = 0.0, time.perf_counter(), [loadavg()]
    for start in range(0, size, BATCH):
        n = min(BATCH, size - start)
        dense = rng.standard_normal((n, DIM)).astype(np.float32)
        dense /= np.linalg.norm(dense, axis=1, keepdims=True)
        picks = rng.integers(0, POOL, n)
        points = [StoredPoint(id=str(uuid.UUID(int=start + j + 1)), dense=dense[j].tolist(), sparse=pool[picks[j]],
                              payload={"doc_id": f"doc-{(start + j) // 20}", "order": (start + j) % 20,
                                       "kind": "legal", **corpus.access(start + j)})
                  for j in range(n)]
        t1 = time.perf_counter()
        store.upsert(points)
        load_s += time.perf_counter() - t1
        if (start // BATCH) % 100 == 0:
            print(f"  {start + n:>9} points, {time.perf_counter() - started:.0f} s, load {loadavg()}",
                  file=sys.stderr, flush=True)
    generate_s = time.perf_counter() - started - load_s
    loads.append(loadavg())
    t1 = time.perf_counter()
    store.optimize()
    optimize_s = time.perf_counter() - t1
    loads.append(loadavg())
    built = memory()
    store.close()
    return {
        "size": size, "on_disk": on_disk, "int8": int8, "payload_links": links,
        "generate_s": round(generate_s + pool_s, 1), "upsert_s": round(load_s, 1), "optimize_s": round(optimize_s, 1),
        "memory_before_store_mib": baseline, "memory_after_build_mib": built, "build_loadavg": loads,
    }


def serve(n_queries: int, workdir: Path) -> dict[str, Any]:
    """A fresh process, as a restarted service: open the shard, then filtered hybrid searches."""
    from store_latency import DIM, UNITS, Corpus

    from core.access import Principal
    from indexing.store import SearchFilter
    from indexing.stores.edge_store import EdgeStore

    corpus = Corpus(POOL, seed=23)
    queries = corpus.queries(n_queries + 10)
    baseline = memory()
    t1 = time.perf_counter()
    store = EdgeStore(workdir / "edge")  # the shard keeps the options it was built with
    store.ensure_collection(DIM)
    reopen_s = time.perf_counter() - t1
    reopened = memory()
    flt = SearchFilter(principal=Principal(user_id="bench", unit=UNITS[0], roles=("chuyen_vien",)))
    first_ms: list[float] = []
    for dense_q, sparse_q in queries[:10]:
        q0 = time.perf_counter()
        store.search(flt=flt, dense=dense_q, sparse=sparse_q, mode="hybrid", limit=10, prefetch_limit=50)
        first_ms.append((time.perf_counter() - q0) * 1000)
    latencies, hits, loads = [], 0, [loadavg()]
    for dense_q, sparse_q in queries[10:]:
        q0 = time.perf_counter()
        found = store.search(flt=flt, dense=dense_q, sparse=sparse_q, mode="hybrid", limit=10, prefetch_limit=50)
        latencies.append((time.perf_counter() - q0) * 1000)
        hits += len(found)
    loads.append(loadavg())
    count = store.count()
    after = memory()
    store.close()
    qs = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "count": count, "reopen_s": round(reopen_s, 2), "disk_mib": disk_mib(workdir / "edge"),
        "first_10_queries_ms": [round(x, 1) for x in first_ms],
        "queries": len(latencies), "mean_hits": round(hits / len(latencies), 2),
        "p50_ms": round(qs[49], 2), "p95_ms": round(qs[94], 2), "p99_ms": round(qs[98], 2),
        "memory_serve_before_open_mib": baseline, "memory_after_open_mib": reopened,
        "memory_after_queries_mib": after, "serve_loadavg": loads, "cpus": os.cpu_count(),
    }


def run_child(args: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"the benchmark child {args[0]} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--on-disk", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--int8", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--payload-links", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary folder, removed after")
    parser.add_argument("--serve-only", action="store_true", help="search the shard already in --workdir")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "million_chunks.json")
    parser.add_argument("--child", choices=["build", "serve"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_only and args.workdir is None:
        raise SystemExit("--serve-only needs --workdir (the folder of an earlier run)")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="million-"))
    if args.child == "build":
        print(json.dumps(build(args.size, args.on_disk, args.int8, args.payload_links, workdir)))
        return
    if args.child == "serve":
        print(json.dumps(serve(args.queries, workdir)))
        return
    t0 = time.perf_counter()
    row: dict[str, Any] = {}
    try:
        if not args.serve_only:
            row = run_child(["build", "--size", str(args.size), "--workdir", str(workdir),
                             "--on-disk" if args.on_disk else "--no-on-disk", "--int8" if args.int8 else "--no-int8",
                             "--payload-links" if args.payload_links else "--no-payload-links"])
        row.update(run_child(["serve", "--queries", str(args.queries), "--workdir", str(workdir)]))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    row["wall_s"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(row, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(row, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
