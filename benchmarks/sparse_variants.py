"""Sparse-only ranking of encoder variants on a BEIR bench, in memory (no store, no embeddings): prints figures.

Chunks are made exactly as the indexer makes them; each variant's document vectors are the SparseEncoder's,
scored with Qdrant's IDF (ln(1 + (N - n + 0.5) / (n + 0.5))) times the stored weight, as the engines do.
Used to choose the sparse encoding (docs/retrieval.md); tune on ``--split train`` only.

    python benchmarks/sparse_variants.py --bench ../shared/benchmarks/alqac24_25 --split train [--strip]
"""

from __future__ import annotations

import argparse
import math
import time
from collections import defaultdict
from pathlib import Path

from connectors.articles import ArticlesConnector
from core.aliases import default_aliases
from core.documents import Document
from core.vietnamese import strip_marks
from evals.beir import corpus_id, load_bench, load_corpus_ids, nearest_corpus_id, select_queries
from evals.metrics import dedupe, retrieval_report
from indexing.chunking import chunk_document
from indexing.sparse_encoder import SparseEncoder

VARIANTS = {
    "words (today)": dict(segmenter="underthesea"),
    "syllables": dict(segmenter="syllable"),
    "syllables+pairs": dict(segmenter="syllable", bigrams=True),
    "words+pairs": dict(segmenter="underthesea", bigrams=True),
    "syllables+pairs+markfree": dict(segmenter="syllable", bigrams=True, mark_free=True),
    "words+pairs+markfree+aliases": dict(segmenter="underthesea", bigrams=True, mark_free=True, aliases=True),
    "syllables+pairs+markfree+aliases": dict(segmenter="syllable", bigrams=True, mark_free=True, aliases=True),
}


def chunks(corpus: Path, max_chunk_chars: int = 2400) -> list[tuple[str | None, str]]:
    out = []
    for doc in ArticlesConnector(corpus).documents():
        if isinstance(doc, Document):
            doc, parts = chunk_document(doc, max_chunk_chars)
            out += [(corpus_id({"doc_id": doc.doc_id, "fields": c.fields}), c.embedding_text()) for c in parts]
    return out


def rank(encoder: SparseEncoder, docs: list[tuple[str | None, str]], queries: list[dict], ids: set[str],
         strip: bool) -> dict[str, list[str]]:
    vectors = [encoder.encode_document(text) for _, text in docs]
    postings: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for d, vec in enumerate(vectors):
        for i, w in zip(vec.indices, vec.values, strict=True):
            postings[i].append((d, w))
    n = len(vectors)
    idf = {i: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for i, p in postings.items()}
    runs = {}
    for q in queries:
        text = strip_marks(q["text"]) if strip else q["text"]
        scores: dict[int, float] = defaultdict(float)
        qv = encoder.encode_query(text)
        for i, qw in zip(qv.indices, qv.values, strict=True):
            for d, w in postings.get(i, ()):
                scores[d] += qw * idf[i] * w
        top = sorted(scores, key=scores.__getitem__, reverse=True)[:100]
        runs[str(q["_id"])] = dedupe([c for c in (nearest_corpus_id(docs[d][0], ids) for d in top) if c])
    return runs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", type=Path, required=True)
    ap.add_argument("--split", default="train")
    ap.add_argument("--strip", action="store_true", help="strip the questions' diacritics")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--k1", default="1.2")
    ap.add_argument("--b", default="0.75")
    ap.add_argument("--avgdl", default="180")
    args = ap.parse_args()
    bench = load_bench(args.bench)
    queries = select_queries(bench.queries, args.split)
    ids = load_corpus_ids(bench.corpus_path)
    docs = chunks(bench.corpus_path)
    print(f"{len(docs)} chunks · {len(queries)} questions ({args.split}{', marks stripped' if args.strip else ''})")
    for name in args.variants.split(","):
        spec = dict(VARIANTS[name])
        aliases = default_aliases() if spec.pop("aliases", False) else None
        for k1 in map(float, args.k1.split(",")):
            for b in map(float, args.b.split(",")):
                for avgdl in map(float, args.avgdl.split(",")):
                    t0 = time.perf_counter()
                    enc = SparseEncoder(k1=k1, b=b, avgdl=avgdl, aliases=aliases, **spec)  # type: ignore[arg-type]
                    m = retrieval_report(rank(enc, docs, queries, ids, args.strip), bench.qrels)
                    print(f"{name:<34} k1={k1:<4} b={b:<4} avgdl={avgdl:<5} R@10 {m['recall@10']:.4f} "
                          f"MRR@10 {m['mrr@10']:.4f} R@100 {m['recall@100']:.4f} ({time.perf_counter() - t0:.0f} s)",
                          flush=True)


if __name__ == "__main__":
    main()
