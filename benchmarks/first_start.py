"""A newcomer's first start, timed as `make demo` does it on an empty data dir (cold embedding cache too).

    python benchmarks/first_start.py [--wait-dense] [--sparse-only/--no-sparse-only]

1. ``assistant index ../shared/corpus data/warehouse data/samples`` with ASSISTANT_DENSE_BACKFILL=1
   (sparse-only: parsing, BM25 terms, upserts);
2. ``assistant serve`` until /readyz answers 200; a login and a search as an official;
3. ``assistant ui`` until its page answers (Streamlit's health, then the page itself);
4. with ``--wait-dense``: until /readyz says no chunk waits for its dense vector (the background backfill).

Prints each step's seconds since the start, the load average next to them, and the chunk counts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ASSISTANT = Path(sys.executable).parent / "assistant"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, deadline_s: float, ok: int = 200) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == ok:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer {ok} within {deadline_s:.0f} s")


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wait-dense", action="store_true", help="also wait until every dense vector is in")
    parser.add_argument("--sparse-only", action=argparse.BooleanOptionalAction, default=True,
                        help="index sparse-only first (ASSISTANT_DENSE_BACKFILL=1, the demo's way)")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="first-start-"))
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_DEMO": "1", "PYTHONPATH": str(REPO),
           "ASSISTANT_DENSE_BACKFILL": "1" if args.sparse_only else "0", "HF_HUB_OFFLINE": "1"}
    marks: list[tuple[str, float, str]] = []
    started = time.monotonic()

    def mark(what: str) -> None:
        marks.append((what, time.monotonic() - started, load()))
        print(f"{marks[-1][1]:7.1f} s  {what}  (load {marks[-1][2]})", flush=True)

    mark("start")
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([str(ASSISTANT), "index", str(SHARED / "corpus"), "data/warehouse", "data/samples",
                           "--json"], cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 3):
        raise SystemExit(f"index failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = cpu.ru_utime - cpu_before.ru_utime + cpu.ru_stime - cpu_before.ru_stime
    mark(f"index done: {report['added']} documents, {report['chunks']} chunks, "
         f"{report.get('dense_pending', 0)} waiting for dense vectors; {cpu_s:.1f} CPU-seconds "
         "(index and its extraction children: what an idle machine's wall time is bounded by)")
    api_port, ui_port = free_port(), free_port()
    api = subprocess.Popen([str(ASSISTANT), "serve", "--port", str(api_port)], cwd=REPO, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ui = subprocess.Popen([str(ASSISTANT), "ui", "--port", str(ui_port), "--api-url",
                           f"http://127.0.0.1:{api_port}"], cwd=REPO, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{api_port}"
        wait_for(f"{base}/readyz", 300)
        fields = Path(f"/proc/{api.pid}/stat").read_text().rsplit(")", 1)[1].split()
        api_cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        mark(f"API ready (/readyz 200); the service used {api_cpu:.1f} CPU-seconds to get there")
        wait_for(f"http://127.0.0.1:{ui_port}/_stcore/health", 300)
        page = httpx.get(f"http://127.0.0.1:{ui_port}/", timeout=10)
        mark(f"UI page served (HTTP {page.status_code}, {len(page.content)} bytes)")
        token = httpx.post(f"{base}/v1/login", json={"username": "vp.nguyenvana", "password": "demo123"},
                           timeout=30).json()["access_token"]
        hits = httpx.post(f"{base}/v1/search", json={"query": "thời hạn giải quyết thủ tục cấp giấy phép"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=60).json()["hits"]
        dense = httpx.get(f"{base}/readyz", timeout=10).json()["dense"]
        first = hits[0]["citation"] if hits else "—"
        mark(f"search answered: {len(hits)} hits, first {first!r}; "
             f"dense {dense['pending_chunks']}/{dense['chunks']} chunks still waiting")
        if args.wait_dense:
            while dense["pending_chunks"]:
                time.sleep(5)
                dense = httpx.get(f"{base}/readyz", timeout=10).json()["dense"]
            mark(f"all dense vectors in ({dense['filled_chunks']} filled by the service)")
    finally:
        for proc in (ui, api):  # each leads its own group (the UI's Streamlit is a child of `assistant ui`)
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


if __name__ == "__main__":
    main()
