"""Load through the province-scale path (not a test): 64 clients on /v1/search and /v1/ask (extractive answers)
through nginx in front of 2 ``assistant serve`` replicas on PostgreSQL, then the same load on 1 replica on SQLite,
reached directly. Needs Debian's postgresql and nginx (``make engines``).

    python benchmarks/province_scale.py --clients 64 --duration 60

On one small machine both setups share the same cores, so this shows correctness under load (errors must be 0;
429s are counted apart) and what the proxy and PostgreSQL cost, not a speed-up from the second replica.
Per-user rate limits are raised for the run. Prints a table and writes JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "deploy"), str(ROOT / "benchmarks")]

from api_latency import QUESTIONS  # noqa: E402
from engines import PostgresCluster, missing_engines  # noqa: E402
from province_stack import Stack, start_stack  # noqa: E402

LIMITS = {"ASSISTANT_RATE_LIMIT_PER_MINUTE": "1000000"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def connections(cluster: PostgresCluster | None) -> int | None:
    if cluster is None:
        return None
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=assistant password={cluster.password} "
                         "dbname=postgres", autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'assistant'").fetchone()
        return int(row[0]) if row else 0


def load(url: str, token: str, endpoint: str, clients: int, duration: float,
         cluster: PostgresCluster | None) -> dict[str, Any]:
    """``clients`` threads, each with its own HTTP client, sending requests back to back for ``duration`` s."""
    latencies: list[float] = []
    codes: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + duration
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            count = connections(cluster)
            if count is not None:
                peak[0] = max(peak[0], count)

    def client(i: int) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=url, timeout=120, headers=headers) as http:
            n = i
            while time.monotonic() < stop_at:
                q = QUESTIONS[n % len(QUESTIONS)]
                body = {"query": q, "top_k": 5} if endpoint == "/v1/search" else {"question": q}
                started = time.perf_counter()
                try:
                    code = str(http.post(endpoint, json=body).status_code)
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    codes[code] = codes.get(code, 0) + 1
                    if code == "200":
                        latencies.append(elapsed)
                n += clients

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    done.set()
    sampler.join()
    ok = codes.get("200", 0)
    errors = sum(v for k, v in codes.items() if k not in ("200", "429"))
    return {"endpoint": endpoint, "clients": clients, "seconds": round(wall, 1), "ok": ok,
            "rps": round(ok / wall, 1), "p50_ms": round(percentile(latencies, 0.5) * 1000),
            "p95_ms": round(percentile(latencies, 0.95) * 1000), "errors": errors, "http_429": codes.get("429", 0),
            "codes": codes, "db_connections_peak": peak[0] if cluster is not None else None}


def run_setup(name: str, stack: Stack, cluster: PostgresCluster | None, clients: int,
              duration: float) -> list[dict[str, Any]]:
    with httpx.Client(base_url=stack.url, timeout=60) as http:
        login = http.post("/v1/login", json={"username": "vp.nguyenvana", "password": "demo123"})
        login.raise_for_status()
        token = login.json()["access_token"]
        for q in QUESTIONS:  # warm: query embeddings cached, segmenter loaded on every replica
            for _ in stack.replicas:
                http.post("/v1/ask", json={"question": q}, headers={"Authorization": f"Bearer {token}"})
    cells = []
    for endpoint in ("/v1/search", "/v1/ask"):
        cell = {"setup": name, **load(stack.url, token, endpoint, clients, duration, cluster)}
        print(json.dumps(cell, ensure_ascii=False), flush=True)
        cells.append(cell)
    if stack.nginx is not None:  # why any request failed at the proxy, in nginx's words
        log = stack.nginx.root / "error.log"
        errors = [line for line in log.read_text(errors="replace").splitlines() if "[error]" in line]
        for line in errors[-10:]:
            print("nginx:", line, flush=True)
        cells[-1]["nginx_errors"] = len(errors)
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per endpoint and setup")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "province_scale.json")
    args = parser.parse_args()
    reason = missing_engines()
    if reason:
        sys.exit(f"province_scale: {reason}")
    root = Path(tempfile.mkdtemp(prefix="tla-bench-"))
    cells: list[dict[str, Any]] = []
    try:
        cluster = PostgresCluster().start()
        try:
            stack = start_stack(root, cluster.create_database("assistant"), extra_env=LIMITS)
            try:
                cells += run_setup("nginx + 2 replicas + PostgreSQL", stack, cluster, args.clients, args.duration)
            finally:
                stack.close()
        finally:
            cluster.stop()
        stack = start_stack(root, f"sqlite:///{root / 'records.sqlite'}", replicas=1, proxy=False, extra_env=LIMITS)
        try:
            cells += run_setup("1 replica + SQLite, direct", stack, None, args.clients, args.duration)
        finally:
            stack.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("\n| setup | endpoint | clients | s | req/s | p50 ms | p95 ms | errors | 429 | DB connections (peak) |\n"
          "|---|---|---|---|---|---|---|---|---|---|")
    for c in cells:
        print(f"| {c['setup']} | {c['endpoint']} | {c['clients']} | {c['seconds']} | {c['rps']} | {c['p50_ms']} | "
              f"{c['p95_ms']} | {c['errors']} | {c['http_429']} | {c['db_connections_peak'] or '-'} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": platform.processor() or platform.machine(), "clients": args.clients,
                                    "duration_s": args.duration, "cells": cells}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
