"""Starting and stopping the servers the UI tests need (imported by conftest.py and the browser test)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
TTHC = ["1.013124.json", "1.013539.json", "1.013563.json"]
APP = REPO / "ui" / "app.py"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, n: int = 4000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-n:]
    except OSError:
        return ""


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered:\n{_tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f}s:\n{_tail(log)}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_EMBEDDING_CACHE_PATH": str(REPO / "build" / "test-cache" / "embeddings.sqlite"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        "ASSISTANT_DEMO": "1",  # the demo users file (password demo123)
        "ASSISTANT_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
    })
    return env


@contextlib.contextmanager
def streamlit_server(api_url: str, work: Path, *options: str) -> Iterator[str]:
    """The UI (``ui/app.py``) served by Streamlit against ``api_url``; yields its URL. ``options`` are more
    Streamlit flags (``--server.maxUploadSize 1`` for a test that needs a file over the limit)."""
    env = base_env(work / "unused-data")
    env["ASSISTANT_API_URL"] = api_url
    port = free_port()
    log = work / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--client.showErrorDetails", "none",
             "--client.toolbarMode", "minimal", *options],
            env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/_stcore/health", proc, log, timeout=120)
        yield url
    finally:
        stop(proc)
