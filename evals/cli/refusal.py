"""``assistant eval refusal``: how well the assistant refuses what the corpus cannot answer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from core.access import Principal
from core.settings import Settings
from evals.cli.common import (
    BenchOpt,
    BenchOptions,
    CacheOpt,
    CorpusOpt,
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
    question_rows,
    select,
)

if TYPE_CHECKING:
    from evals.store_cache import EvalStore

SUMMARY_KEYS = ("metrics", "thresholds", "queries", "seconds", "config")


def refusal(
    unanswerable: Annotated[Path, typer.Option("--unanswerable", help="Tệp JSONL các câu hỏi kho không trả lời "
                                                                      "được")],
    bench: BenchOpt = None,
    answerable: Annotated[Path | None, typer.Option("--answerable", help="Tệp JSONL các câu hỏi trả lời được "
                                                                         "(mặc định: câu hỏi của bộ đánh giá)")] = None,
    corpus: CorpusOpt = None,
    user: UserOpt = None,
    split: SplitOpt = "all",
    limit: LimitOpt = 0,
    out: OutOpt = None,
    cache_queries: CacheOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Độ chính xác / độ phủ của việc từ chối trên câu hỏi trả lời được và không trả lời được."""
    from evals.questions import QuestionSetError, load_questions
    from evals.refusal_eval import run_refusal

    settings = Settings()
    b = load_bench_or_none(bench)
    good = question_rows(answerable, b, split, limit)
    try:
        bad = select(load_questions(unanswerable), split, limit)
    except (OSError, QuestionSetError) as exc:
        fail(str(exc))

    def run(store: EvalStore, principal: Principal) -> dict[str, Any]:
        return run_refusal(store.runtime.answerer(remember=False), good, bad, principal)

    opts = BenchOptions(settings, bench, corpus, user, split, limit, cache_queries, as_json)
    data = evaluate(opts, run, questions=f"{answerable or 'bench'} + {unanswerable}")
    m = data["metrics"]
    text = (f"{m['answerable']} câu trả lời được + {m['unanswerable']} câu không trả lời được · "
            f"{data['seconds']} giây\n"
            f"từ chối: precision {m['precision']} · recall {m['recall']} · F1 {m['f1']} · "
            f"từ chối nhầm {m['false_refusal_rate']}")
    finish(data, out_dir(settings, out, "refusal"), as_json, SUMMARY_KEYS, text)
