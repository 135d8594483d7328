"""The assistant against a running vLLM OpenAI-compatible server, end to end (run by deploy/check_vllm.sh in
the project's .venv, never inside the vLLM venv):

1. raw speed: streamed chat completions straight to vLLM; time to first token and decode tokens/s from the
   server's own token counts (``stream_options.include_usage``);
2. the ``openai`` backend (assistant.answer.llm.openai_backend via make_backend): generate and stream;
3. the product: index data/warehouse + data/samples, start the API (uvicorn, ``ASSISTANT_LLM_BACKEND=openai``
   pointing at vLLM), log in, ``POST /v1/ask`` and ``POST /v1/ask/stream`` (SSE), continue the conversation.

The model the check uses (gemma3-270m, a base model) is there to prove the mechanics, not the answers: when
its text carries no valid citation the assistant refuses, and this script says so instead of failing.

    python deploy/vllm/check_vllm_e2e.py --base-url http://127.0.0.1:8011/v1 --model gemma3-270m
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
PROMPTS = [
    "Thủ tục hành chính là gì? Trả lời ngắn gọn.",
    "Hãy viết ba câu giới thiệu về tỉnh Hà Tĩnh.",
    "Liệt kê các bước nộp hồ sơ trực tuyến trên Cổng dịch vụ công.",
]
QUESTIONS = [
    "Quý III/2026 tỉnh tiếp nhận bao nhiêu hồ sơ thủ tục hành chính và tỷ lệ nộp trực tuyến là bao nhiêu?",
    "Tỷ lệ hồ sơ giải quyết đúng hạn trong quý III/2026 là bao nhiêu?",
]
USER, PASSWORD = "vp.nguyenvana", "demo123"


def say(text: str = "") -> None:
    print(text, flush=True)


def raw_stream(base_url: str, model: str, prompt: str, max_tokens: int) -> dict[str, float]:
    body = {"model": model, "stream": True, "stream_options": {"include_usage": True}, "max_tokens": max_tokens,
            "temperature": 0.0, "messages": [{"role": "system", "content": "Bạn là trợ lý của cán bộ, công chức."},
                                             {"role": "user", "content": prompt}]}
    started = time.perf_counter()
    first = None
    text: list[str] = []
    usage: dict[str, Any] = {}
    with httpx.stream("POST", f"{base_url}/chat/completions", json=body, timeout=300) as r:
        r.raise_for_status()
        for line in r.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            chunk = json.loads(line[6:])
            if chunk.get("usage"):
                usage = chunk["usage"]
            for choice in chunk.get("choices", []):
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    if first is None:
                        first = time.perf_counter()
                    text.append(piece)
    end = time.perf_counter()
    tokens = int(usage.get("completion_tokens", 0))
    ttft = (first or end) - started
    decode = end - (first or end)
    return {"ttft_s": ttft, "tokens": tokens, "prompt_tokens": int(usage.get("prompt_tokens", 0)),
            "decode_tok_s": (tokens - 1) / decode if tokens > 1 and decode > 0 else 0.0,
            "total_s": end - started, "text": "".join(text)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sse_events(response: httpx.Response) -> list[tuple[str, Any, float]]:
    events: list[tuple[str, Any, float]] = []
    event = "message"
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            events.append((event, json.loads(line[6:]), time.perf_counter()))
            event = "message"
    return events


def vllm_counters(base_url: str) -> dict[str, float]:
    """Requests finished and tokens counted by vLLM itself (its Prometheus /metrics)."""
    root = base_url.removesuffix("/v1")
    text = httpx.get(f"{root}/metrics", timeout=10).text
    names = {"requests": "vllm:request_success_total", "prompt_tokens": "vllm:prompt_tokens_total",
             "generation_tokens": "vllm:generation_tokens_total"}
    out = dict.fromkeys(names, 0.0)
    for line in text.splitlines():
        for key, metric in names.items():
            if line.startswith(metric + "{") or line.startswith(metric + " "):
                out[key] += float(line.rsplit(" ", 1)[1])
    return out


def short(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--workdir", type=Path, default=REPO / "build" / "vllm-check")
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")

    say("== 1. vLLM directly: streamed chat completions ==")
    raw_stream(base_url, args.model, "Xin chào.", 8)  # warm-up, not counted
    runs = []
    for prompt in PROMPTS:
        m = raw_stream(base_url, args.model, prompt, args.max_tokens)
        runs.append(m)
        say(f"- prompt {m['prompt_tokens']} tok → {m['tokens']} tok; TTFT {m['ttft_s'] * 1000:.0f} ms; "
            f"decode {m['decode_tok_s']:.1f} tok/s; total {m['total_s']:.2f} s; «{short(m['text'], 90)}»")
    say(f"median TTFT {statistics.median(r['ttft_s'] for r in runs) * 1000:.0f} ms; median decode "
        f"{statistics.median(r['decode_tok_s'] for r in runs):.1f} tok/s (1 sequence at a time)")

    say("\n== 2. the assistant's openai backend (langchain-openai ChatOpenAI) ==")
    from assistant.answer.llm import ChatMessage, make_backend
    from core.settings import Settings

    backend = make_backend(Settings(llm_backend="openai", llm_base_url=base_url, llm_model=args.model))
    messages = [ChatMessage("system", "Bạn là trợ lý. Trả lời ngắn gọn bằng tiếng Việt."),
                ChatMessage("user", "Thủ đô của Việt Nam là")]
    t0 = time.perf_counter()
    text = backend.generate(messages, max_tokens=32, temperature=0.0)
    say(f"- {backend.name} generate: {time.perf_counter() - t0:.2f} s «{short(text, 90)}»")
    t0 = time.perf_counter()
    first = None
    pieces = []
    for piece in backend.stream(messages, max_tokens=32, temperature=0.0):
        first = first or time.perf_counter()
        pieces.append(piece)
    say(f"- stream: {len(pieces)} pieces, first after {((first or t0) - t0) * 1000:.0f} ms, "
        f"total {time.perf_counter() - t0:.2f} s")
    if not pieces or not text.strip():
        say("FAIL: the backend returned no text")
        return 1

    say("\n== 3. end to end: index, API (uvicorn) with ASSISTANT_LLM_BACKEND=openai, /v1/ask and /v1/ask/stream ==")
    work = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({
        "ASSISTANT_DATA_DIR": str(work / "data"),
        "ASSISTANT_EMBEDDING_CACHE_PATH": str(REPO / "build" / "test-cache" / "embeddings.sqlite"),
        "ASSISTANT_LLM_BACKEND": "openai", "ASSISTANT_LLM_BASE_URL": base_url, "ASSISTANT_LLM_MODEL": args.model,
        "ASSISTANT_LLM_CONTEXT_TOKENS": "2048", "ASSISTANT_LLM_MAX_TOKENS": str(args.max_tokens * 2),
        "ASSISTANT_JWT_SECRET": "check-vllm-only-secret-0123456789abcdef", "HF_HUB_OFFLINE": "1",
        "ASSISTANT_DEMO": "1",  # the demo users file logs in below
    })
    t0 = time.perf_counter()
    index = subprocess.run([sys.executable, "-m", "assistant.cli", "index", "data/warehouse", "data/samples",
                            "--json"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    if index.returncode not in (0, 3):
        say(f"FAIL: index exited {index.returncode}: {index.stderr[-800:]}")
        return 1
    report = json.loads(index.stdout)
    say(f"- indexed {report['added']} documents, {report['chunks']} chunks in {time.perf_counter() - t0:.1f} s")
    port = free_port()
    api = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "assistant.api.app:create_app",
                            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                           cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    ok = True
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if api.poll() is not None or time.monotonic() > deadline:
                say(f"FAIL: the API did not become ready: {(api.stdout.read() if api.stdout else '')[-1500:]}")
                return 1
            time.sleep(0.5)
        before = vllm_counters(base_url)
        with httpx.Client(base_url=url, timeout=600) as client:
            token = client.post("/v1/login", json={"username": USER, "password": PASSWORD}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            # Streaming first, in a new conversation: no history, so the question goes straight to retrieval and,
            # with enough evidence, to the model.
            t0 = time.perf_counter()
            with client.stream("POST", "/v1/ask/stream", json={"question": QUESTIONS[0]}, headers=headers) as s:
                s.raise_for_status()
                events = sse_events(s)
            kinds = [e[0] for e in events]
            tokens = [e for e in events if e[0] == "token"]
            final = next((e[1] for e in events if e[0] == "final"), None)
            say(f"- POST /v1/ask/stream: events meta={kinds.count('meta')} token={len(tokens)} "
                f"reset={kinds.count('reset')} final={kinds.count('final')} error={kinds.count('error')}; "
                f"first token after {(tokens[0][2] - t0) * 1000 if tokens else float('nan'):.0f} ms "
                f"(retrieval + prompt prefill); total {time.perf_counter() - t0:.2f} s")
            ok &= bool(tokens) and final is not None and "error" not in kinds
            if final is None:
                say("FAIL: no final event")
                return 1
            say(f"  final: backend={final['backend']} refused={final['refused']} citations={len(final['citations'])}"
                f"\n  streamed text «{short(''.join(t[1]['text'] for t in tokens), 200)}»"
                f"\n  answer «{short(final['answer'], 200)}»")
            ok &= final["backend"].startswith("openai:")
            conv_id = final["conversation_id"]
            # A follow-up in the same conversation, JSON this time (the model also condenses it first).
            t0 = time.perf_counter()
            r = client.post("/v1/ask", json={"question": QUESTIONS[1], "conversation_id": conv_id}, headers=headers)
            r.raise_for_status()
            answer = r.json()
            say(f"- POST /v1/ask, same conversation ({time.perf_counter() - t0:.2f} s): backend={answer['backend']} "
                f"refused={answer['refused']} citations={len(answer['citations'])} "
                f"conversation kept={answer['conversation_id'] == conv_id}"
                f"\n  standalone question «{short(answer['standalone_question'], 160)}»"
                f"\n  answer «{short(answer['answer'], 200)}»")
            ok &= answer["conversation_id"] == conv_id
            conv = client.get(f"/v1/conversations/{conv_id}", headers=headers).json()
            say(f"- conversation {conv_id}: {len(conv['messages'])} messages stored in SQL")
            ok &= len(conv["messages"]) == 4
        after = vllm_counters(base_url)
        calls = after["requests"] - before["requests"]
        say(f"- vLLM's own counters: the assistant made {calls:.0f} requests, "
            f"{after['prompt_tokens'] - before['prompt_tokens']:.0f} prompt tokens, "
            f"{after['generation_tokens'] - before['generation_tokens']:.0f} generated tokens")
        ok &= calls >= 2
        if final["refused"] or answer["refused"]:
            say("  (a refusal here is the answer check at work: the 270M *base* model rarely writes a valid [n] "
                "citation, and a text without one is replaced by the evidence-based refusal; the check proves the "
                "mechanics, not answer quality)")
    finally:
        api.terminate()
        try:
            api.wait(timeout=30)
        except subprocess.TimeoutExpired:
            api.kill()
    say("\nRESULT: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
