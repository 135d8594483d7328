"""`assistant serve` with the local llama.cpp backend: the model crashing must not take the API down.

A real `assistant serve` process, a real GGUF model in its supervised child, and a real signal that kills that
child: the request in flight falls back to quoted sources, health stays green, and the next answer is the model's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.answer.answering import LLM_FALLBACK_WARNING

REPO = Path(__file__).resolve().parents[3]
QUESTION = "Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ quý III năm 2026 là bao nhiêu?"
pytestmark = [pytest.mark.llm, pytest.mark.slow]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _model_child(parent: int) -> int:
    """The worker process the API spawned for the model (not multiprocessing's resource tracker)."""
    for task in Path(f"/proc/{parent}/task").iterdir():
        for pid in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"spawn_main" in cmdline:
                return int(pid)
    raise AssertionError("the API has no model child process")


@pytest.fixture(scope="module")
def served(gguf_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen]]:
    data = tmp_path_factory.mktemp("serve-llamacpp")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_USERS_FILE": str(REPO / "data" / "users.yaml"),
           "ASSISTANT_DEMO": "1",
           "ASSISTANT_EMBEDDING_CACHE_PATH": str(REPO / "build" / "test-cache" / "embeddings.sqlite"),
           "ASSISTANT_LLM_BACKEND": "llamacpp", "ASSISTANT_LLM_GGUF_PATH": str(gguf_path),
           "ASSISTANT_LLM_CHAT_FORMAT": "gemma", "ASSISTANT_LLM_CONTEXT_TOKENS": "2048",
           "ASSISTANT_LLM_MAX_TOKENS": "24", "ASSISTANT_LLM_TIMEOUT_S": "120"}
    cli = [sys.executable, "-m", "assistant.cli"]
    indexed = subprocess.run([*cli, "index", str(REPO / "data" / "warehouse")], env=env, capture_output=True,
                             text=True, timeout=600)
    assert indexed.returncode == 0, indexed.stderr
    port = _free_port()
    log = data / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.3)
    yield base, proc
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_model_crash_costs_one_answer_its_quoted_fallback_and_the_api_stays_up(served, kill_when_busy) -> None:  # noqa: ANN001, E501
    base, proc = served
    with httpx.Client(base_url=base, timeout=180) as client:
        login = client.post("/v1/login", json={"username": "syt.lethicuc", "password": "demo123"})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        first = client.post("/v1/ask", json={"question": QUESTION}, headers=auth)
        assert first.status_code == 200, first.text
        assert LLM_FALLBACK_WARNING not in first.json()["warnings"]  # the model answered (or refused) itself

        child = _model_child(proc.pid)
        killer = kill_when_busy(child, signal.SIGSEGV)  # what a bad native build does, mid-request
        crashed = client.post("/v1/ask", json={"question": QUESTION}, headers=auth)
        killer.join()
        assert crashed.status_code == 200, crashed.text
        body = crashed.json()
        assert LLM_FALLBACK_WARNING in body["warnings"], body
        assert not body["refused"] and "96,4%" in body["answer"]  # quoted from the source instead

        assert proc.poll() is None
        assert client.get("/healthz").status_code == 200
        after = client.post("/v1/ask", json={"question": QUESTION}, headers=auth)
        assert after.status_code == 200 and LLM_FALLBACK_WARNING not in after.json()["warnings"]
        assert _model_child(proc.pid) != child  # a fresh model process took over
