"""HTTP latency of /v1/search and /v1/ask (extractive answers) at 1 and 16 concurrent clients (not a test).

    python benchmarks/api_latency.py --data-dir build/bench/api --requests 64

Starts the API with uvicorn in a subprocess on 127.0.0.1 (loopback only) against ``--data-dir``, indexing
``--index`` paths into it first when it has no index yet (incremental: re-running is cheap). Logs in as a
demo user, warms up, then for each endpoint and concurrency level sends ``--requests`` requests from that
many threads (one httpx client each), cycling through a fixed list of Vietnamese questions. Prints
p50 / p95 / p99 / mean latency, throughput and error count per cell, and writes the same as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only, by design
QUESTIONS = [
    "Lệ phí thẩm định kế hoạch ứng phó sự cố tràn dầu là bao nhiêu?",
    "Cán bộ tiếp nhận hồ sơ có trách nhiệm số hóa hồ sơ khi nào?",
    "Thời hạn giải quyết thủ tục cấp giấy phép là bao nhiêu ngày?",
    "Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến quý III năm 2026?",
    "Hồ sơ đề nghị phê duyệt kế hoạch ứng phó sự cố gồm những giấy tờ gì?",
    "Phản ánh, kiến nghị của người dân được tiếp nhận qua kênh nào?",
    "Kết quả tiêm chủng mở rộng quý III năm 2026 ra sao?",
    "Cơ quan nào thực hiện thủ tục thẩm định kế hoạch ứng phó sự cố tràn dầu?",
    "Mục tiêu của kế hoạch chuyển đổi số của tỉnh là gì?",
    "Trình tự thực hiện thủ tục hành chính cấp tỉnh gồm những bước nào?",
    "Tình hình cấp căn cước và kích hoạt định danh điện tử quý III?",
    "Thời hạn hoàn thành số hóa hồ sơ còn hiệu lực đang lưu trữ?",
]
DEFAULT_INDEX = [ROOT.parent / "shared" / "corpus", ROOT / "data" / "warehouse", ROOT / "data" / "samples"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_LLM_BACKEND": "extractive",
                "ASSISTANT_RATE_LIMIT_PER_MINUTE": "1000000", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                "ASSISTANT_DEMO": "1", "ASSISTANT_LOGIN_RATE_LIMIT_PER_MINUTE": "1000000",
                "PYTHONPATH": str(ROOT)})
    return env


def ensure_index(data_dir: Path, paths: list[Path]) -> None:
    existing = [p for p in paths if p.exists()]
    if not existing:
        raise SystemExit("nothing to index: none of the --index paths exists")
    print(f"indexing {', '.join(map(str, existing))} into {data_dir} …", file=sys.stderr)
    cmd = [sys.executable, "-m", "assistant.cli", "index", *map(str, existing), "--json"]
    done = subprocess.run(cmd, env=server_env(data_dir), cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 3):
        raise SystemExit(f"indexing failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    print(f"index: +{report['added']} ~{report['updated']} ={report['unchanged']} chunks {report['chunks']} "
          f"({report['seconds']} s)", file=sys.stderr)


def start_server(data_dir: Path, port: int, ready_within: float = 180,
                 extra_env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """``assistant serve``'s app under uvicorn on loopback, returned once /readyz answers (``extra_env``: settings
    a benchmark varies, e.g. ``ASSISTANT_QUERY_VECTOR_CACHE``)."""
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "assistant.api.app:create_app", "--host", HOST,
           "--port", str(port), "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, env=server_env(data_dir) | (extra_env or {}), cwd=ROOT)
    deadline = time.monotonic() + ready_within
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the API exited early with code {proc.returncode}")
        try:
            if httpx.get(f"http://{HOST}:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    proc.terminate()
    raise SystemExit(f"the API did not become ready within {ready_within:.0f} s")


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(q / 100 * len(sorted_values) + 0.4999))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def run_cell(base: str, headers: dict[str, str], endpoint: str, concurrency: int, n: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    local = threading.local()

    def one(i: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(base_url=base, headers=headers, timeout=120)
        question = QUESTIONS[i % len(QUESTIONS)]
        body = {"query": question, "top_k": 8} if endpoint == "search" else {"question": question}
        started = time.perf_counter()
        r = client.post(f"/v1/{endpoint}", json=body)
        elapsed = time.perf_counter() - started
        with lock:
            (latencies if r.status_code == 200 else errors).append(elapsed if r.status_code == 200 else r.status_code)

    wall = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(n)))
    wall = time.perf_counter() - wall
    ms = sorted(x * 1000 for x in latencies)
    return {"endpoint": f"/v1/{endpoint}", "concurrency": concurrency, "requests": n, "ok": len(ms),
            "errors": errors, "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1), "mean_ms": round(sum(ms) / len(ms), 1) if ms else None,
            "throughput_rps": round(len(ms) / wall, 2), "wall_s": round(wall, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "build" / "bench" / "api")
    parser.add_argument("--index", type=Path, nargs="*", default=DEFAULT_INDEX,
                        help="paths indexed (incrementally) before the run; pass nothing to skip")
    parser.add_argument("--requests", type=int, default=64, help="requests per endpoint and concurrency (≤ 2000)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--user", default="vp.nguyenvana")
    parser.add_argument("--password", default="demo123")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "api_latency.json")
    args = parser.parse_args()
    if not 1 <= args.requests <= 2000 or not all(1 <= c <= 64 for c in args.concurrency):
        raise SystemExit("--requests must be 1..2000 and --concurrency values 1..64")
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.index:
        ensure_index(args.data_dir, args.index)
    port = free_port()
    proc = start_server(args.data_dir, port)
    base = f"http://{HOST}:{port}"
    try:
        token = httpx.post(f"{base}/v1/login", json={"username": args.user, "password": args.password},
                           timeout=30).raise_for_status().json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for endpoint in ("search", "ask"):  # warm-up: caches, thread pool, first-use imports
            run_cell(base, headers, endpoint, 4, 8)
        cells = [run_cell(base, headers, endpoint, c, args.requests)
                 for endpoint in ("search", "ask") for c in args.concurrency]
    finally:
        proc.terminate()
        proc.wait(30)
    print(f"{'endpoint':<12} {'clients':>7} {'ok':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8} "
          f"{'req/s':>7}")
    for c in cells:
        print(f"{c['endpoint']:<12} {c['concurrency']:>7} {c['ok']:>5} {c['p50_ms']:>8} {c['p95_ms']:>8} "
              f"{c['p99_ms']:>8} {c['mean_ms']:>8} {c['throughput_rps']:>7}")
    result = {"host": HOST, "cpus": os.cpu_count(), "platform": platform.platform(),
              "python": platform.python_version(), "data_dir": str(args.data_dir), "user": args.user,
              "llm_backend": "extractive", "cells": cells}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
