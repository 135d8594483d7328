"""``assistant eval everyday``: retrieval-in-top-5 and right-cited-answer side by side, per half of the set."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from core.access import Principal
from core.settings import Settings
from evals.cli.common import (
    BenchOptions,
    CacheOpt,
    CorpusOpt,
    JsonOpt,
    LimitOpt,
    OutOpt,
    UserOpt,
    evaluate,
    fail,
    finish,
    out_dir,
    question_rows,
)

if TYPE_CHECKING:
    from evals.store_cache import EvalStore

SUMMARY_KEYS = ("halves", "all", "queries", "seconds", "config")
DEFAULT_QUESTIONS = Path("evals/data/everyday_questions.jsonl")
SHARED = Path("../shared/corpus")
DEFAULT_CORPUS = [SHARED / "laws", SHARED / "tthc", SHARED / "tthc-province", SHARED / "legal"]


def everyday(
    questions: Annotated[Path, typer.Option("--questions", help="Tệp JSONL, mỗi câu có expect / span")] = (
        DEFAULT_QUESTIONS),
    corpus: CorpusOpt = None,
    user: UserOpt = None,
    half: Annotated[str, typer.Option("--half", help="A|B|all: chỉ nửa đó của bộ câu hỏi")] = "all",
    limit: LimitOpt = 0,
    out: OutOpt = None,
    cache_queries: CacheOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Câu hỏi hằng ngày trên các luật, hai bộ TTHC và kế hoạch 731: truy hồi đúng so với trả lời trích dẫn đúng."""
    from evals.everyday_eval import half as half_of
    from evals.everyday_eval import run_everyday, table

    if half not in ("A", "B", "all"):
        fail("--half phải là A, B hoặc all")
    settings = Settings()
    rows = question_rows(questions, None, "all", 0)
    rows = [r for r in rows if half == "all" or half_of(r["_id"]) == half]
    rows = rows[:limit] if limit else rows

    def run(store: EvalStore, principal: Principal) -> dict[str, Any]:
        answerer = store.runtime.answerer(remember=False)
        return run_everyday(answerer.ask, rows, principal, lambda text, who: answerer.prepare(text, who).sources)

    opts = BenchOptions(settings, None, list(corpus or DEFAULT_CORPUS), user, half, limit, cache_queries, as_json)
    data = evaluate(opts, run, questions=str(questions))
    text = f"{data['queries']} câu hỏi · {data['seconds']} giây\n" + table(data)
    finish(data, out_dir(settings, out, "everyday"), as_json, SUMMARY_KEYS, text)
