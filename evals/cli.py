"""``assistant eval …``: retrieval, qa, access, refusal, compare. Each run writes run.json, report.md and
PNG charts to ``--out`` (default ``<data_dir>/evals/reports/<kind>-<time>``)."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from core.access import Principal
from core.errors import AssistantError
from core.settings import REPO_ROOT, Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")

eval_app = typer.Typer(help="Đánh giá: truy hồi, độ chính xác câu trả lời, trích dẫn, từ chối, rò rỉ quyền truy cập.",
                       no_args_is_help=True, add_completion=False)

BenchOpt = Annotated[Path | None, typer.Option("--bench", help="BEIR-style folder: corpus.jsonl, queries.jsonl, "
                                                                "qrels.tsv")]
UserOpt = Annotated[str | None, typer.Option("--user", help="Ask as this user of the users file "
                                                            "(default: a signed-in official with no unit)")]
SplitOpt = Annotated[str, typer.Option("--split", help="dev|train|all (dev = sha1(_id) % 5 == 0)")]
LimitOpt = Annotated[int, typer.Option("--limit", min=0, help="Only the first N questions (0 = all)")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Report folder")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON")]
CacheOpt = Annotated[bool, typer.Option("--cache-queries", help="Keep query vectors across runs (faster "
                                                                 "re-runs; latencies then exclude query embedding)")]
CorpusOpt = Annotated[list[Path] | None, typer.Option("--corpus", help="Index these files/folders instead of the "
                                                                       "bench corpus (repeatable)")]


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"lỗi: {message}", err=True)
    raise typer.Exit(code)


def _say(message: str, as_json: bool) -> None:
    if not as_json:
        typer.echo(message, err=True)


def _out_dir(settings: Settings, out: Path | None, kind: str) -> Path:
    return out or Path(settings.data_dir) / "evals" / "reports" / f"{kind}-{datetime.now():%Y%m%d-%H%M%S}"


def _principal(runtime: Any, user: str | None) -> Principal:
    if user:
        return runtime.principal(user)
    return Principal(user_id="eval", name="Đánh giá", unit="", roles=())


def _open_store(settings: Settings, bench_dir: Path | None, corpus: list[Path] | None, as_json: bool,
                cache_queries: bool = False) -> Any:
    from evals.store_cache import open_eval_store

    if corpus:
        paths, kind = list(corpus), "auto"
    elif bench_dir is not None:
        paths, kind = [bench_dir / "corpus.jsonl"], "articles"
    else:
        _fail("cần --bench DIR hoặc --corpus PATH")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _fail(f"không tìm thấy: {', '.join(missing)}")
    store = open_eval_store(settings, paths, kind=kind, progress=not as_json and sys.stderr.isatty(),
                            cache_queries=cache_queries)
    r = store.report
    _say(f"kho đánh giá {store.directory} · thêm {r.added} · cập nhật {r.updated} · không đổi {r.unchanged} · "
         f"{r.chunks} đoạn · {store.index_seconds:.1f} giây", as_json)
    return store


def _bench(bench_dir: Path | None) -> Any:
    from evals.beir import load_bench

    if bench_dir is None:
        return None
    try:
        return load_bench(bench_dir)
    except FileNotFoundError as exc:
        _fail(str(exc))


def _finish(data: dict[str, Any], out_dir: Path, as_json: bool, summary_keys: tuple[str, ...], text: str) -> None:
    from evals.report import write_report

    paths = write_report(out_dir, data)
    if as_json:
        typer.echo(json.dumps({**{k: data[k] for k in summary_keys if k in data}, "report": str(out_dir)},
                              ensure_ascii=False, indent=2))
        return
    typer.echo(text)
    typer.echo(f"\nbáo cáo: {paths['markdown']}  ·  {paths['json']}")


@eval_app.command()
def retrieval(
    bench: BenchOpt = None,
    user: UserOpt = None,
    modes: Annotated[str, typer.Option("--modes", help="Comma-separated: sparse,dense,hybrid")] = "sparse,dense,hybrid",
    split: SplitOpt = "all",
    limit: LimitOpt = 0,
    f2_k: Annotated[int, typer.Option("--f2-k", min=1, help="Cut-off for the ALQAC macro-F2")] = 1,
    top_k: Annotated[int, typer.Option("--top-k", min=10, max=1000)] = 100,
    out: OutOpt = None,
    cache_queries: CacheOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Recall@1/5/10/100, MRR@10, nDCG@10 and macro-F2 for sparse, dense, hybrid (and reranked)."""
    from assistant.rerankers import make_reranker
    from evals.beir import load_corpus_ids, select_queries
    from evals.config import run_config
    from evals.retrieval_eval import MODES, run_retrieval

    if bench is None:
        _fail("cần --bench DIR")
    chosen = [m.strip() for m in modes.split(",") if m.strip()]
    if not chosen or any(m not in MODES for m in chosen):
        _fail(f"--modes {modes!r} không hợp lệ; chọn trong sparse,dense,hybrid")
    settings = Settings()
    b = _bench(bench)
    queries = _select(select_queries, b.queries, split, limit)
    store = _open_store(settings, bench, None, as_json, cache_queries)
    try:
        principal = _principal(store.runtime, user)
        reranker = make_reranker(settings.reranker, settings.reranker_model_path)
        data = run_retrieval(store.runtime.retriever(), b, queries, principal, modes=chosen, reranker=reranker,
                             corpus_ids=load_corpus_ids(b.corpus_path), top_k=top_k, f2_k=f2_k)
    except AssistantError as exc:
        _fail(str(exc))
    finally:
        store.close()
    data["index"] = {**store.report.as_dict(), "seconds": round(store.index_seconds, 2)}
    data["config"] = run_config(settings, corpus_hash=store.corpus_hash, corpus=store.sources,
                                user=principal.user_id, split=split, limit=limit, query_cache=cache_queries,
                                bench=str(bench))
    keys = ("recall@1", "recall@5", "recall@10", "recall@100", "mrr@10", "ndcg@10", "f2", "p50_ms")
    text = [f"{data['queries']} câu hỏi · {data['seconds']} giây · F2@{f2_k}",
            "mode      " + "".join(f"{k:>11}" for k in keys)]
    text += [f"{m:<10}" + "".join(f"{v.get(k, 0):>11}" for k in keys) for m, v in data["metrics"].items()]
    _finish(data, _out_dir(settings, out, "retrieval"), as_json,
            ("metrics", "queries", "judged_queries", "seconds", "f2_k", "index", "config"), "\n".join(text))


def _select(select: Any, queries: list[dict[str, Any]], split: str, limit: int) -> list[dict[str, Any]]:
    try:
        return select(queries, split, limit)
    except ValueError as exc:
        _fail(str(exc))
        raise


def _questions(path: Path | None, b: Any, split: str, limit: int) -> list[dict[str, Any]]:
    from evals.beir import select_queries
    from evals.questions import QuestionSetError, load_questions

    if path is not None:
        try:
            rows = load_questions(path)
        except (OSError, QuestionSetError) as exc:
            _fail(str(exc))
    elif b is not None:
        rows = b.queries
    else:
        _fail("cần --bench DIR hoặc --questions FILE")
    return _select(select_queries, rows, split, limit)


@eval_app.command()
def qa(
    bench: BenchOpt = None,
    questions: Annotated[Path | None, typer.Option("--questions", help="Own JSONL question set "
                                                                       "(docs/question-set-format.md)")] = None,
    corpus: CorpusOpt = None,
    user: UserOpt = None,
    split: SplitOpt = "all",
    limit: LimitOpt = 0,
    out: OutOpt = None,
    cache_queries: CacheOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer accuracy by question type, citation precision/recall, refusal rate (full answering path)."""
    from evals.beir import load_corpus_ids
    from evals.config import run_config
    from evals.qa_eval import run_qa

    settings = Settings()
    b = _bench(bench)
    rows = _questions(questions, b, split, limit)
    store = _open_store(settings, bench, corpus, as_json, cache_queries)
    try:
        principal = _principal(store.runtime, user)
        answerer = store.runtime.answerer(remember=False)
        corpus_ids = load_corpus_ids(b.corpus_path) if b is not None and not corpus else None
        data = run_qa(answerer.ask, rows, b.qrels if b is not None else {}, principal,
                      backend=answerer.backend_name, corpus_ids=corpus_ids)
    except AssistantError as exc:
        _fail(str(exc))
    finally:
        store.close()
    data["index"] = {**store.report.as_dict(), "seconds": round(store.index_seconds, 2)}
    data["config"] = run_config(settings, corpus_hash=store.corpus_hash, corpus=store.sources,
                                user=principal.user_id, split=split, limit=limit, query_cache=cache_queries,
                                bench=str(bench or ""),
                                questions=str(questions or ""))
    m = data["metrics"]
    text = [f"{data['queries']} câu hỏi · backend {data['backend']} · {data['seconds']} giây"]
    for qtype, e in m["by_type"].items():
        detail = (f"accuracy {e['accuracy']}" if "accuracy" in e and e["accuracy"] is not None
                  else ("accuracy n/a (extractive)" if "accuracy" in e else f"EM {e['em']} · F1 {e['f1']}"))
        text.append(f"  {qtype:<12} n={e['n']:<4} {detail} · từ chối {e['refusal_rate']}")
    text.append(f"trích dẫn: precision {m['citation_precision']} · recall {m['citation_recall']} · "
                f"tỷ lệ từ chối {m['refusal_rate']}")
    _finish(data, _out_dir(settings, out, "qa"), as_json, ("metrics", "queries", "seconds", "backend", "config"),
            "\n".join(text))


@eval_app.command()
def refusal(
    unanswerable: Annotated[Path, typer.Option("--unanswerable", help="JSONL of questions the corpus cannot "
                                                                      "answer")],
    bench: BenchOpt = None,
    answerable: Annotated[Path | None, typer.Option("--answerable", help="JSONL of answerable questions "
                                                                         "(default: the bench queries)")] = None,
    corpus: CorpusOpt = None,
    user: UserOpt = None,
    split: SplitOpt = "all",
    limit: LimitOpt = 0,
    out: OutOpt = None,
    cache_queries: CacheOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Precision/recall of refusals on answerable + unanswerable questions."""
    from evals.beir import select_queries
    from evals.config import run_config
    from evals.questions import QuestionSetError, load_questions
    from evals.refusal_eval import run_refusal

    settings = Settings()
    b = _bench(bench)
    good = _questions(answerable, b, split, limit)
    try:
        bad = _select(select_queries, load_questions(unanswerable), split=split, limit=limit)
    except (OSError, QuestionSetError) as exc:
        _fail(str(exc))
    store = _open_store(settings, bench, corpus, as_json, cache_queries)
    try:
        principal = _principal(store.runtime, user)
        data = run_refusal(store.runtime.answerer(remember=False), good, bad, principal)
    except AssistantError as exc:
        _fail(str(exc))
    finally:
        store.close()
    data["index"] = {**store.report.as_dict(), "seconds": round(store.index_seconds, 2)}
    data["config"] = run_config(settings, corpus_hash=store.corpus_hash, corpus=store.sources,
                                user=principal.user_id, split=split, limit=limit, query_cache=cache_queries,
                                bench=str(bench or ""),
                                questions=f"{answerable or 'bench'} + {unanswerable}")
    m = data["metrics"]
    text = (f"{m['answerable']} câu trả lời được + {m['unanswerable']} câu không trả lời được · "
            f"{data['seconds']} giây\n"
            f"từ chối: precision {m['precision']} · recall {m['recall']} · F1 {m['f1']} · "
            f"từ chối nhầm {m['false_refusal_rate']}")
    _finish(data, _out_dir(settings, out, "refusal"), as_json, ("metrics", "thresholds", "queries", "seconds",
                                                                  "config"), text)


@eval_app.command()
def access(
    paths: Annotated[list[Path] | None, typer.Option("--paths", help="Corpus to index and probe (repeatable; "
                                                                     "default data/warehouse, data/samples)")] = None,
    probes: Annotated[Path | None, typer.Option("--probes", help="JSONL of probe questions")] = None,
    planted: Annotated[bool, typer.Option("--planted/--no-planted",
                                          help="Index a public document with injected instructions")] = True,
    anonymous: Annotated[bool, typer.Option("--anonymous/--no-anonymous",
                                            help="Also probe as a visitor who is not signed in")] = True,
    limit: LimitOpt = 0,
    out: OutOpt = None,
    cache_queries: CacheOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Ask probe questions as every demo user; count answers, citations or quotes with text they may not see."""
    from connectors.auto import iter_sources
    from core.documents import Document
    from evals.access_eval import (
        DEFAULT_PROBES,
        PLANTED_DOCUMENTS,
        load_probes,
        probe_principals,
        run_access,
        source_chunks,
    )
    from evals.config import run_config
    from evals.store_cache import open_eval_store

    settings = Settings()
    paths = list(paths or [REPO_ROOT / "data" / "warehouse", REPO_ROOT / "data" / "samples"])
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _fail(f"không tìm thấy: {', '.join(missing)}")
    try:
        probe_rows = load_probes(probes or DEFAULT_PROBES)
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    probe_rows = probe_rows[:limit] if limit else probe_rows
    extra = list(PLANTED_DOCUMENTS) if planted else []
    store = open_eval_store(settings, paths, kind="auto", extra=extra, cache_queries=cache_queries)
    try:
        documents = [d for d in iter_sources(paths, "auto", settings.max_file_bytes) if isinstance(d, Document)]
        chunks = source_chunks([*documents, *extra], settings.max_chunk_chars)
        principals = probe_principals([u.principal() for u in store.runtime.users().values()], anonymous)
        answerer = store.runtime.answerer(remember=False)
        data = run_access(answerer.ask, principals, probe_rows, chunks)
    except AssistantError as exc:
        _fail(str(exc))
    finally:
        store.close()
    data["index"] = {**store.report.as_dict(), "seconds": round(store.index_seconds, 2)}
    data["config"] = run_config(settings, corpus_hash=store.corpus_hash, corpus=store.sources,
                                questions=str(probes or DEFAULT_PROBES), planted=planted,
                                query_cache=cache_queries)
    lines = [f"{data['probes']} câu thăm dò × {data['users']} người dùng = {data['asks']} câu trả lời · "
             f"rò rỉ: {data['leaks']} · {data['seconds']} giây"]
    lines += [f"RÒ RỈ {x['user']} · {x['probe']} · {x['where']}: {x['what']} «{x['evidence']}»"
              for x in data["leak_details"]]
    _finish(data, _out_dir(settings, out, "access"), as_json,
            ("probes", "users", "asks", "leaks", "leak_details", "per_user", "reach", "seconds", "config"),
            "\n".join(lines))
    if data["leaks"]:
        raise typer.Exit(1)


@eval_app.command()
def compare(
    run_a: Annotated[Path, typer.Argument(help="Run folder (or run.json) A")],
    run_b: Annotated[Path, typer.Argument(help="Run folder (or run.json) B")],
    only_changed: Annotated[bool, typer.Option("--only-changed")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Metric differences (B − A) and configuration changes between two runs."""
    from evals.compare import compare_runs, load_run, render

    try:
        diff = compare_runs(load_run(run_a), load_run(run_b))
    except (OSError, ValueError) as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(diff, ensure_ascii=False, indent=2))
    else:
        typer.echo(render(diff, only_changed=only_changed))
