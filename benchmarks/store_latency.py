"""Filtered hybrid search latency of the two VectorStore engines on synthetic chunks (not a test).

    python benchmarks/store_latency.py --sizes 10000 100000 --stores edge qdrant-local

Chunks: random unit 384-d dense vectors; sparse vectors from synthetic Vietnamese text (a Zipf-distributed
syllable vocabulary, ~180 syllables a chunk) through ``SparseEncoder`` (segmenter "syllable"); access
labels 60% public, 20% internal, 20% restricted over 5 units. Each query is a hybrid (dense + sparse
prefetches, RRF) search as a signed-in principal of one unit, with the access filter in every prefetch.

The edge store only builds its HNSW index when its optimizer runs, so the benchmark calls
``EdgeStore.optimize()`` after loading and counts that time in "index s": latencies are of the indexed
state. qdrant-local (qdrant-client local mode) is a brute-force Python engine with no index at all.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.access import Principal  # noqa: E402
from core.aliases import default_aliases  # noqa: E402
from core.settings import Settings  # noqa: E402
from indexing.sparse_encoder import SparseEncoder  # noqa: E402
from indexing.store import SearchFilter, StoredPoint, VectorStore  # noqa: E402

DIM = 384
UNITS = ("Sở Y tế", "Công an tỉnh", "Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp")
ONSETS = (
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "nh",
    "ph",
    "qu",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
)
RHYMES = (
    "a",
    "ai",
    "an",
    "ang",
    "anh",
    "ao",
    "at",
    "ay",
    "âm",
    "ân",
    "ât",
    "âu",
    "e",
    "em",
    "en",
    "eo",
    "ê",
    "ên",
    "i",
    "ia",
    "in",
    "inh",
    "o",
    "oa",
    "oan",
    "oi",
    "on",
    "ong",
    "ô",
    "ôi",
    "ông",
    "ơ",
    "ơi",
    "ơn",
    "u",
    "ua",
    "ui",
    "un",
    "ung",
    "uy",
    "ư",
    "ưa",
    "ương",
    "ươc",
    "y",
)
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    """Distinct Vietnamese-looking syllables (onset + rhyme + tone), in a random frequency order."""
    words = {
        unicodedata.normalize("NFC", o + r[0] + t + r[1:]) for o in ONSETS for r in RHYMES for t in TONES
    }
    pool = sorted(words)
    rng.shuffle(pool)
    return pool[:size]


class Corpus:
    """Synthetic chunks, generated batch by batch so 100k chunks never sit in memory as Python lists."""

    def __init__(self, size: int, seed: int = 7, vocab_size: int = 4000) -> None:
        self.size = size
        self.rng = np.random.default_rng(seed)
        self.vocab = vocabulary(self.rng, vocab_size)
        ranks = np.arange(1, len(self.vocab) + 1)
        self.word_p = (1.0 / ranks**1.05) / np.sum(1.0 / ranks**1.05)
        s = Settings()  # the product's sparse encoding: syllable pairs, mark-free field, abbreviations
        self.encoder = SparseEncoder(segmenter="syllable", k1=s.bm25_k1, b=s.bm25_b, avgdl=s.bm25_avgdl,
                                     bigrams=s.sparse_bigrams, mark_free=s.sparse_mark_free,
                                     aliases=default_aliases() if s.sparse_aliases else None)

    def text(self, n_words: int) -> str:
        idx = self.rng.choice(len(self.vocab), size=n_words, p=self.word_p)
        return " ".join(self.vocab[i] for i in idx)

    def access(self, i: int) -> dict[str, Any]:
        r = self.rng.random()
        if r < 0.6:
            return {"access_level": "public", "access_units": [], "access_roles": []}
        if r < 0.8:
            return {"access_level": "internal", "access_units": [], "access_roles": []}
        return {"access_level": "restricted", "access_units": [UNITS[i % len(UNITS)]], "access_roles": []}

    def batches(self, batch: int = 2000) -> Iterator[list[StoredPoint]]:
        for start in range(0, self.size, batch):
            n = min(batch, self.size - start)
            dense = self.rng.standard_normal((n, DIM)).astype(np.float32)
            dense /= np.linalg.norm(dense, axis=1, keepdims=True)
            points = []
            for j in range(n):
                i = start + j
                text = self.text(int(self.rng.integers(80, 280)))
                payload = {"doc_id": f"doc-{i // 20}", "order": i % 20, "kind": "legal", **self.access(i)}
                points.append(
                    StoredPoint(
                        id=str(uuid.UUID(int=i + 1)),
                        dense=dense[j].tolist(),
                        sparse=self.encoder.encode_document(text),
                        payload=payload,
                    )
                )
            yield points

    def queries(self, n: int) -> list[tuple[list[float], Any]]:
        out = []
        for _ in range(n):
            q = self.rng.standard_normal(DIM).astype(np.float32)
            q /= np.linalg.norm(q)
            out.append((q.tolist(), self.encoder.encode_query(self.text(int(self.rng.integers(4, 9))))))
        return out


def open_bench_store(kind: str, workdir: Path) -> VectorStore:
    if kind == "edge":
        from indexing.stores.edge_store import EdgeStore

        return EdgeStore(workdir / "edge")
    if kind == "qdrant-local":
        from qdrant_client import QdrantClient

        from indexing.stores.qdrant_store import QdrantStore

        return QdrantStore(QdrantClient(path=str(workdir / "qdrant")), "bench")
    raise SystemExit(f"unknown store {kind!r}; expected edge or qdrant-local")


def run_one(kind: str, size: int, n_queries: int, budget_s: float, workdir: Path) -> dict[str, Any]:
    corpus = Corpus(size)
    store = open_bench_store(kind, workdir)
    store.ensure_collection(DIM)
    load_s = 0.0  # time inside the store only, not generating and encoding the synthetic chunks
    for batch in corpus.batches():
        t0 = time.perf_counter()
        store.upsert(batch)
        load_s += time.perf_counter() - t0
    t1 = time.perf_counter()
    optimize = getattr(store, "optimize", None)
    if callable(optimize):
        optimize()
    optimize_s = time.perf_counter() - t1
    extra: dict[str, Any] = {}
    shard = getattr(store, "_shard", None)
    if shard is not None:
        info = shard.info()
        extra = {"segments": info.segments_count, "indexed_vectors": info.indexed_vectors_count}
    principal = Principal(user_id="bench", unit=UNITS[0], roles=("chuyen_vien",))
    flt = SearchFilter(principal=principal)
    queries = corpus.queries(n_queries + 5)
    for dense, sparse in queries[:5]:  # warm-up: page in segments and payload indexes
        store.search(flt=flt, dense=dense, sparse=sparse, mode="hybrid", limit=10, prefetch_limit=50)
    latencies: list[float] = []
    hits_total = 0
    started = time.perf_counter()
    for dense, sparse in queries[5:]:
        q0 = time.perf_counter()
        hits = store.search(flt=flt, dense=dense, sparse=sparse, mode="hybrid", limit=10, prefetch_limit=50)
        latencies.append((time.perf_counter() - q0) * 1000.0)
        hits_total += len(hits)
        if time.perf_counter() - started > budget_s:
            break
    count = store.count()
    store.close()
    qs = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    return {
        "store": kind,
        "size": size,
        "count": count,
        "load_s": round(load_s, 2),
        "optimize_s": round(optimize_s, 2),
        "index_s": round(load_s + optimize_s, 2),
        "queries": len(latencies),
        "mean_hits": round(hits_total / max(1, len(latencies)), 2),
        "p50_ms": round(qs[49], 2),
        "p95_ms": round(qs[94], 2),
        "p99_ms": round(qs[98], 2),
        **extra,
    }


def write_json(path: Path, results: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"results": results}, ensure_ascii=False, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--stores", nargs="+", default=["edge", "qdrant-local"])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--budget-s", type=float, default=300.0, help="stop a run's queries after this long (slow engines)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "store_latency.json")
    parser.add_argument(
        "--skip", nargs="*", default=[], metavar="STORE:SIZE", help="leave out, e.g. qdrant-local:100000"
    )
    args = parser.parse_args(argv)
    skip = set(args.skip)

    results = []
    header = f"{'store':<14}{'size':>9}{'index s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'queries':>9}"
    print(header, flush=True)
    for kind in args.stores:
        for size in args.sizes:
            if f"{kind}:{size}" in skip:
                continue
            workdir = Path(tempfile.mkdtemp(prefix=f"store-bench-{kind}-"))
            try:
                row = run_one(kind, size, args.queries, args.budget_s, workdir)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            results.append(row)
            write_json(args.out, results)  # after every row, so a long run interrupted later keeps its figures
            print(
                f"{row['store']:<14}{row['size']:>9}{row['index_s']:>10.1f}{row['p50_ms']:>9.2f}"
                f"{row['p95_ms']:>9.2f}{row['p99_ms']:>9.2f}{row['queries']:>9}",
                flush=True,
            )
    write_json(args.out, results)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
