"""What every ``assistant eval`` command shares: the options, usage errors, opening the eval store for a
bench or corpus, running against it, and writing the report."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from core.access import Principal
from core.errors import AssistantError
from core.settings import Settings

if TYPE_CHECKING:
    from evals.beir import Bench
    from evals.store_cache import EvalStore

BenchOpt = Annotated[Path | None, typer.Option("--bench", help="Thư mục kiểu BEIR: corpus.jsonl, queries.jsonl, "
                                                                "qrels.tsv")]
UserOpt = Annotated[str | None, typer.Option("--user", help="Hỏi với tư cách người dùng này "
                                                            "(mặc định: một cán bộ đã đăng nhập, không đơn vị)")]
SplitOpt = Annotated[str, typer.Option("--split", help="tập dev|train|all (dev = sha1(_id) % 5 == 0)")]
LimitOpt = Annotated[int, typer.Option("--limit", min=0, help="Chỉ N câu hỏi đầu (0 = tất cả)")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Thư mục báo cáo")]
JsonOpt = Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON")]
CacheOpt = Annotated[bool, typer.Option("--cache-queries", help="Giữ vector câu hỏi giữa các lần chạy (chạy lại "
                                                                 "nhanh hơn; độ trễ khi đó không gồm mã hoá câu hỏi)")]
CorpusOpt = Annotated[list[Path] | None, typer.Option("--corpus", help="Lập chỉ mục các tệp/thư mục này thay cho "
                                                                       "kho của bộ đánh giá (lặp lại được)")]

Rows = list[dict[str, Any]]


def fail(message: str, code: int = 2) -> NoReturn:
    """A usage or data error: one line on stderr, exit code 2."""
    typer.echo(f"lỗi: {message}", err=True)
    raise typer.Exit(code)


def say(message: str, as_json: bool) -> None:
    """Progress for people (stderr), silent under --json."""
    if not as_json:
        typer.echo(message, err=True)


def out_dir(settings: Settings, out: Path | None, kind: str) -> Path:
    return out or Path(settings.data_dir) / "evals" / "reports" / f"{kind}-{datetime.now():%Y%m%d-%H%M%S}"


def principal_for(runtime: Any, user: str | None) -> Principal:
    """The named user of the users file, else a signed-in official with no unit."""
    if user:
        return runtime.principal(user)
    return Principal(user_id="eval", name="Đánh giá", unit="", roles=())


def missing_paths(paths: list[Path]) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"không tìm thấy: {', '.join(missing)}")


def load_bench_or_none(bench_dir: Path | None) -> Bench | None:
    from evals.beir import load_bench

    if bench_dir is None:
        return None
    try:
        return load_bench(bench_dir)
    except FileNotFoundError as exc:
        fail(str(exc))


def select(queries: Rows, split: str, limit: int) -> Rows:
    """The split and the first ``limit`` questions; a bad split is a usage error."""
    from evals.beir import select_queries

    try:
        return select_queries(queries, split, limit)
    except ValueError as exc:
        fail(str(exc))


def question_rows(path: Path | None, bench: Bench | None, split: str, limit: int) -> Rows:
    """Questions from an own JSONL set (``path``), else the bench's queries."""
    from evals.questions import QuestionSetError, load_questions

    if path is not None:
        try:
            rows = load_questions(path)
        except (OSError, QuestionSetError) as exc:
            fail(str(exc))
    elif bench is not None:
        rows = bench.queries
    else:
        fail("cần --bench DIR hoặc --questions FILE")
    return select(rows, split, limit)


def open_store(settings: Settings, bench_dir: Path | None, corpus: list[Path] | None, as_json: bool,
               cache_queries: bool = False) -> EvalStore:
    """Index ``--corpus`` (else the bench's corpus.jsonl) into its eval store and open it."""
    from evals.store_cache import open_eval_store

    if corpus:
        paths, kind = list(corpus), "auto"
    elif bench_dir is not None:
        paths, kind = [bench_dir / "corpus.jsonl"], "articles"
    else:
        fail("cần --bench DIR hoặc --corpus PATH")
    missing_paths(paths)
    store = open_eval_store(settings, paths, kind=kind, progress=not as_json and sys.stderr.isatty(),
                            cache_queries=cache_queries)
    r = store.report
    say(f"kho đánh giá {store.directory} · thêm {r.added} · cập nhật {r.updated} · không đổi {r.unchanged} · "
        f"{r.chunks} đoạn · {store.index_seconds:.1f} giây", as_json)
    return store


def run_on_store(store: EvalStore, run: Callable[[EvalStore], dict[str, Any]]) -> dict[str, Any]:
    """``run(store)`` with an AssistantError as a usage error; the store is closed either way, and the
    result gets the ``index`` summary."""
    try:
        data = run(store)
    except AssistantError as exc:
        fail(str(exc))
    finally:
        store.close()
    data["index"] = {**store.report.as_dict(), "seconds": round(store.index_seconds, 2)}
    return data


@dataclass(frozen=True)
class BenchOptions:
    """The options of the bench-driven commands (retrieval, qa, refusal)."""

    settings: Settings
    bench: Path | None
    corpus: list[Path] | None
    user: str | None
    split: str
    limit: int
    cache_queries: bool
    as_json: bool


def evaluate(opts: BenchOptions, run: Callable[[EvalStore, Principal], dict[str, Any]],
             **config: Any) -> dict[str, Any]:
    """The body retrieval, qa and refusal share: open the eval store, ``run(store, principal)`` on it, and
    add the ``index`` summary and the run ``config`` (``config`` adds command-specific entries)."""
    from evals.config import run_config

    store = open_store(opts.settings, opts.bench, opts.corpus, opts.as_json, opts.cache_queries)
    asked_as = Principal(user_id="")

    def as_the_user(s: EvalStore) -> dict[str, Any]:
        nonlocal asked_as
        asked_as = principal_for(s.runtime, opts.user)
        return run(s, asked_as)

    data = run_on_store(store, as_the_user)
    data["config"] = run_config(opts.settings, corpus_hash=store.corpus_hash, corpus=store.sources,
                                user=asked_as.user_id, split=opts.split, limit=opts.limit,
                                query_cache=opts.cache_queries, bench=str(opts.bench or ""), **config)
    return data


def finish(data: dict[str, Any], folder: Path, as_json: bool, summary_keys: tuple[str, ...], text: str) -> None:
    """Write the report; print the summary keys as JSON (with ``--json``) or ``text`` and the report paths."""
    from evals.report import write_report

    paths = write_report(folder, data)
    if as_json:
        typer.echo(json.dumps({**{k: data[k] for k in summary_keys if k in data}, "report": str(folder)},
                              ensure_ascii=False, indent=2))
        return
    typer.echo(text)
    typer.echo(f"\nbáo cáo: {paths['markdown']}  ·  {paths['json']}")
