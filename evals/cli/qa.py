"""``assistant eval qa``: answer accuracy and citations through the full answering path."""

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
    finish,
    load_bench_or_none,
    out_dir,
    question_rows,
)

if TYPE_CHECKING:
    from evals.store_cache import EvalStore

SUMMARY_KEYS = ("metrics", "queries", "seconds", "backend", "config")


def qa(
    bench: BenchOpt = None,
    questions: Annotated[Path | None, typer.Option("--questions", help="Bộ câu hỏi JSONL riêng "
                                                                       "(docs/question-set-format.md)")] = None,
    corpus: CorpusOpt = None,
    user: UserOpt = None,
    split: SplitOpt = "all",
    limit: LimitOpt = 0,
    out: OutOpt = None,
    cache_queries: CacheOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Độ chính xác câu trả lời theo loại câu hỏi, độ chính xác / độ phủ trích dẫn, tỷ lệ từ chối (cả luồng trả lời)."""
    from evals.beir import load_corpus_ids
    from evals.qa_eval import run_qa
    from evals.task_scoring import is_task_question, score_tasks, summarize_tasks
    from evals.tthc_scoring import is_tthc_question, score_tthc, summarize_tthc
    from evals.validity_scoring import is_validity_question, score_validity, summarize_validity

    settings = Settings()
    b = load_bench_or_none(bench)
    rows = question_rows(questions, b, split, limit)

    def run(store: EvalStore, principal: Principal) -> dict[str, Any]:
        answerer = store.runtime.answerer(remember=False)
        corpus_ids = load_corpus_ids(b.corpus_path) if b is not None and not corpus else None
        data = run_qa(answerer.ask, rows, b.qrels if b is not None else {}, principal,
                      backend=answerer.backend_name, corpus_ids=corpus_ids,
                      extra=lambda q, r: score_tthc(q, r) if is_tthc_question(q) else (
                          score_tasks(q, r) if is_task_question(q) else (
                              score_validity(q, r) if is_validity_question(q) else None)))
        data["metrics"]["tthc"] = summarize_tthc(data["per_question"])
        data["metrics"]["tasks"] = summarize_tasks(data["per_question"])
        data["metrics"]["validity"] = summarize_validity(data["per_question"])
        return data

    opts = BenchOptions(settings, bench, corpus, user, split, limit, cache_queries, as_json)
    data = evaluate(opts, run, questions=str(questions or ""))
    finish(data, out_dir(settings, out, "qa"), as_json, SUMMARY_KEYS, summary_text(data))


def summary_text(data: dict[str, Any]) -> str:
    m = data["metrics"]
    text = [f"{data['queries']} câu hỏi · backend {data['backend']} · {data['seconds']} giây"]
    for qtype, e in m["by_type"].items():
        detail = (f"accuracy {e['accuracy']}" if "accuracy" in e and e["accuracy"] is not None
                  else ("accuracy n/a (extractive)" if "accuracy" in e else f"EM {e['em']} · F1 {e['f1']}"))
        text.append(f"  {qtype:<12} n={e['n']:<4} {detail} · từ chối {e['refusal_rate']}")
    if v := m.get("validity"):
        text.append(f"hiệu lực văn bản: n={v['n']} · đúng {v['accuracy']}")
    if t := m.get("tthc"):
        text.append(f"thủ tục: đúng trường {t['field_accuracy']} · đúng giá trị {t['value_accuracy']} · "
                    f"từ chối nhầm {t['false_refusal_rate']} · trả lời sai thủ tục {t['wrong_procedure_answers']} · "
                    f"không có trong hệ thống → từ chối/gợi ý {t['not_indexed_refused_or_suggested']}")
    if t := m.get("tasks"):
        text.append(f"nhiệm vụ: precision {t['precision']} · recall {t['recall']} · đúng cả tập {t['exact_set']} · "
                    f"micro P {t['micro_precision']} R {t['micro_recall']} (n={t['n']})")
    text.append(f"trích dẫn: precision {m['citation_precision']} · recall {m['citation_recall']} · "
                f"tỷ lệ từ chối {m['refusal_rate']}")
    return "\n".join(text)
