"""``assistant eval retrieval``: ranking metrics of the retriever on a BEIR-style bench."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from core.access import Principal
from core.settings import Settings
from evals.cli.common import (
    BenchOpt,
    BenchOptions,
    CacheOpt,
    JsonOpt,
    LimitOpt,
    OutOpt,
    SplitOpt,
    UserOpt,
    evaluate,
    fail,
    finish,
    load_bench_or_none,
    out_dir,
    select,
)

if TYPE_CHECKING:
    from evals.store_cache import EvalStore

SUMMARY_KEYS = ("metrics", "queries", "judged_queries", "seconds", "f2_k", "index", "config")
TABLE_KEYS = ("recall@1", "recall@5", "recall@10", "recall@100", "mrr@10", "ndcg@10", "f2", "p50_ms")


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
    fold: Annotated[bool, typer.Option("--strip-diacritics", help="Ask every question with its "
                                                   "diacritics removed (as typed without an IME)")] = False,
    references: Annotated[bool, typer.Option("--references", help="Ask the generated reference-query set "
                                             "('Điều 14 Luật …', docs/retrieval.md) instead of the questions")] = False,
) -> None:
    """Recall@1/5/10/100, MRR@10, nDCG@10 and macro-F2 for sparse, dense, hybrid (and reranked)."""
    from assistant.search.rerankers import make_reranker
    from evals.beir import load_corpus_ids
    from evals.retrieval_eval import MODES, run_retrieval

    if bench is None:
        fail("cần --bench DIR")
    chosen = [m.strip() for m in modes.split(",") if m.strip()]
    if not chosen or any(m not in MODES for m in chosen):
        fail(f"--modes {modes!r} không hợp lệ; chọn trong sparse,dense,hybrid")
    settings = Settings()
    b = load_bench_or_none(bench)
    assert b is not None
    if references:
        from evals.beir import Bench
        from evals.reference_queries import reference_questions

        ref_queries, ref_qrels = reference_questions(b.corpus_path)
        b = Bench(root=b.root, queries=ref_queries, qrels=ref_qrels)
        split = "all"
    queries = select(b.queries, split, limit)
    if fold:
        from core.vietnamese import strip_marks

        queries = [{**q, "text": strip_marks(q["text"])} for q in queries]

    def run(store: EvalStore, principal: Principal) -> dict[str, Any]:
        reranker = make_reranker(settings.reranker, settings.reranker_model_path)
        return run_retrieval(store.runtime.retriever(), b, queries, principal, modes=chosen, reranker=reranker,
                             corpus_ids=load_corpus_ids(b.corpus_path), top_k=top_k, f2_k=f2_k)

    opts = BenchOptions(settings, bench, None, user, split, limit, cache_queries, as_json)
    data = evaluate(opts, run, fold=fold, references=references)
    asked = " · bỏ dấu" if fold else ""
    asked += " · bộ câu hỏi dẫn chiếu" if references else ""
    text = [f"{data['queries']} câu hỏi{asked} · {data['seconds']} giây · F2@{f2_k}",
            "mode      " + "".join(f"{k:>11}" for k in TABLE_KEYS)]
    text += [f"{m:<10}" + "".join(f"{v.get(k, 0):>11}" for k in TABLE_KEYS) for m, v in data["metrics"].items()]
    finish(data, out_dir(settings, out, "retrieval"), as_json, SUMMARY_KEYS, "\n".join(text))
