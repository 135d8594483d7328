"""A paced OpenAI-compatible chat endpoint: the stand-in for vLLM in the province-scale tests (run as a process).

    python tests/deploy/paced_model.py --port 8123 --delay 0.08

vLLM needs a GPU (``make check-vllm`` runs it on CPU, minutes to start), and the tests here are about the proxy
and the database, not the model: what they need from "the model" is an answer that arrives word by word over a
few seconds (so buffering shows, and a replica can be killed mid-answer) and that cites its source correctly (so
the checked stream lets it out). This server quotes the first sentences of source [1] of the prompt verbatim,
each followed by " [1]", one word every ``--delay`` seconds, in OpenAI's streaming format. A request that is not
streamed (the follow-up condensing call) gets an empty answer, so the assistant falls back to its rule.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SENTENCES = 3


def quoted_sentences(prompt: str, count: int = SENTENCES) -> list[str]:
    """The first ``count`` sentences (8 words or more) under the "[1] …" header of the prompt's sources."""
    block = prompt.rsplit("<nguon>", 1)[-1].split("</nguon>", 1)[0]  # the instructions name the tags first
    match = re.search(r"^\[1\][^\n]*\n(.*?)(?=^\[2\] |\Z)", block, flags=re.S | re.M)
    text = match.group(1) if match else ""
    pieces = [p.strip(" -*|") for p in re.split(r"(?<=[.;:!?])\s+|\n+", text)]
    return [p.rstrip(".;:") for p in pieces if len(p.split()) >= 8][:count]


class Handler(BaseHTTPRequestHandler):
    delay = 0.08
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._json(200, {"object": "list", "data": [{"id": "paced", "object": "model"}]})

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        model = str(request.get("model", "paced"))
        if not request.get("stream"):
            self._json(200, {"id": "c0", "object": "chat.completion", "created": int(time.time()), "model": model,
                             "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": ""}}]})
            return
        prompt = "\n".join(str(m.get("content", "")) for m in request.get("messages", []) if m.get("role") == "user")
        words = " ".join(f"{s} [1]." for s in quoted_sentences(prompt)).split(" ")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, word in enumerate(words):
            self._chunk(model, {"content": word if i == 0 else " " + word}, None)
            time.sleep(self.delay)
        self._chunk(model, {}, "stop")
        self._write(b"data: [DONE]\n\n")
        self._write(b"")

    def _chunk(self, model: str, delta: dict[str, str], finish: str | None) -> None:
        body = {"id": "c1", "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        self._write(f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode())

    def _write(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=0.08, help="seconds between words")
    args = parser.parse_args()
    Handler.delay = args.delay
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
