"""The eval commands end to end on a slice of ALQAC (two small laws) and on the demo warehouse data.

The slice is indexed once per session (from a persistent embedding cache when warm); ``--cache-queries``
keeps query vectors across sessions, so a re-run spends its time on the code under test, not the model.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

runner = CliRunner()
REPO_EVAL_DATA = Path(__file__).resolve().parents[2] / "evals" / "data"


def qa_question_file(bench: Path, target: Path) -> Path:
    """One question of each type from the bench, written in the documented question-set format."""
    picked: dict[str, dict] = {}
    with (bench / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            q = json.loads(line)
            picked.setdefault(q["question_type"], q)
    target.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in picked.values()), encoding="utf-8")
    return target


def _run(args: list[str], expect: int = 0) -> dict:
    result = runner.invoke(app, ["eval", *args, "--json"])
    assert result.exit_code == expect, result.output
    return json.loads(result.stdout)


def _reports(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.mark.slow
def test_retrieval_on_the_slice(eval_env, slice_indexed, alqac_slice, tmp_path):
    out = tmp_path / "retrieval"
    data = _run(["retrieval", "--bench", str(alqac_slice), "--limit", "40", "--out", str(out), "--cache-queries"])
    assert set(data["metrics"]) == {"sparse", "dense", "hybrid"}
    for mode in data["metrics"].values():
        assert {"recall@1", "recall@5", "recall@10", "recall@100", "mrr@10", "ndcg@10", "f2"} <= set(mode)
        assert 0 <= mode["recall@1"] <= mode["recall@5"] <= mode["recall@10"] <= mode["recall@100"] <= 1
    assert data["metrics"]["hybrid"]["recall@10"] >= 0.6
    assert data["queries"] == 40 and data["seconds"] > 0
    assert data["config"]["corpus_hash"] == slice_indexed and data["config"]["git_commit"]
    assert data["index"]["added"] == 0  # indexed once by the session fixture
    assert {"run.json", "report.md", "recall_at_k.png", "latency.png"} <= _reports(out)
    assert "| hybrid |" in (out / "report.md").read_text(encoding="utf-8")

    stripped = _run(["retrieval", "--bench", str(alqac_slice), "--limit", "40", "--modes", "sparse", "--out",
                     str(tmp_path / "stripped"), "--strip-diacritics"])
    assert stripped["config"]["fold"] is True and stripped["queries"] == 40
    assert stripped["metrics"]["sparse"]["recall@10"] >= data["metrics"]["sparse"]["recall@10"] - 0.1
    refs = _run(["retrieval", "--bench", str(alqac_slice), "--modes", "sparse", "--out", str(tmp_path / "refs"),
                 "--references"])
    assert refs["config"]["references"] is True and refs["queries"] >= 10
    assert refs["metrics"]["sparse"]["recall@1"] >= 0.99  # the named article, opened and ranked first

    # compare: the same run against a copy with a worse hybrid recall@10
    other = tmp_path / "other"
    shutil.copytree(out, other)
    run = json.loads((other / "run.json").read_text(encoding="utf-8"))
    run["metrics"]["hybrid"]["recall@10"] -= 0.1
    (other / "run.json").write_text(json.dumps(run), encoding="utf-8")
    diff = _run(["compare", str(out), str(other)])
    assert diff["deltas"]["hybrid.recall@10"]["delta"] == pytest.approx(-0.1)
    text = runner.invoke(app, ["eval", "compare", str(out), str(other)])
    assert text.exit_code == 0 and "hybrid.recall@10" in text.stdout and "▼" in text.stdout


@pytest.mark.slow
def test_qa_with_an_own_question_file(eval_env, slice_indexed, alqac_slice, tmp_path):
    questions = qa_question_file(alqac_slice, tmp_path / "questions.jsonl")
    out = tmp_path / "qa"
    data = _run(["qa", "--bench", str(alqac_slice), "--questions", str(questions), "--out", str(out),
                 "--cache-queries"])
    m = data["metrics"]
    assert data["queries"] == 3 and data["backend"] == "extractive"
    assert set(m["by_type"]) == {"Đúng/Sai", "Trắc nghiệm", "Tự luận"}
    assert m["by_type"]["Đúng/Sai"]["accuracy"] is None  # extractive: not applicable
    assert m["by_type"]["Tự luận"]["f1"] is not None
    assert 0 <= m["refusal_rate"] <= 1
    assert m["citation_precision"] is None or 0 <= m["citation_precision"] <= 1
    assert {"run.json", "report.md", "accuracy_by_type.png", "latency.png"} <= _reports(out)


@pytest.mark.slow
def test_refusal_on_the_slice(eval_env, slice_indexed, alqac_slice, tmp_path):
    out = tmp_path / "refusal"
    data = _run(["refusal", "--bench", str(alqac_slice), "--unanswerable",
                 str(REPO_EVAL_DATA / "unanswerable_alqac.jsonl"), "--limit", "5", "--out", str(out),
                 "--cache-queries"])
    m = data["metrics"]
    assert {"precision", "recall", "f1", "false_refusal_rate"} <= set(m)
    assert m["answerable"] == 5 and m["unanswerable"] == 5
    assert m["tp"] + m["fp"] + m["fn"] + m["tn"] == 10
    assert {"run.json", "report.md", "evidence.png"} <= _reports(out)


@pytest.mark.slow
def test_access_has_no_leaks(eval_env, tmp_path):
    out = tmp_path / "access"
    data = _run(["access", "--out", str(out), "--cache-queries"])
    from core.access import load_users

    demo_users = len(load_users(Path(__file__).resolve().parents[2] / "data" / "users.yaml"))
    assert data["probes"] >= 60 and data["users"] == demo_users + 1  # every demo user + an anonymous visitor
    assert data["asks"] >= 500 and data["asks_by_channel"]["openai"] > 0  # the OpenAI route is probed too
    assert data["asks_by_channel"]["documents"] > 0  # and the documents list / record routes
    assert data["asks_by_channel"]["tasks"] > 0  # and GET /v1/tasks
    routes = sum(data["asks_by_channel"][k] for k in ("openai", "documents", "tasks"))
    assert data["asks_by_channel"]["library"] > data["probes"] * data["users"] - routes
    assert data["log_lines_checked"] > 0
    assert data["leaks"] == 0, data["leak_details"]
    assert all(data["reach"]["targets"].values())  # the probes do reach every protected report
    assert {"run.json", "report.md"} <= _reports(out)


class FakeLLM:
    """An LLM backend that always says "Sai" and cites source [1]."""

    name = "fake-llm"

    def generate(self, messages: list, *, max_tokens: int = 512, temperature: float = 0.1) -> str:
        return "".join(self.stream(messages))

    def stream(self, messages: list, *, max_tokens: int = 512, temperature: float = 0.1) -> Iterator[str]:
        yield "Sai. Theo quy định tại nguồn [1], "
        yield "nhận định này không phù hợp."


@pytest.mark.slow
def test_qa_scores_labels_with_an_llm_backend(eval_settings, slice_indexed, alqac_slice):
    from core.access import Principal
    from evals.beir import load_bench, load_corpus_ids
    from evals.qa_eval import run_qa
    from evals.store_cache import open_eval_store

    bench = load_bench(alqac_slice)
    questions = [q for q in bench.queries if q["question_type"] == "Đúng/Sai"][:4]
    store = open_eval_store(eval_settings, [bench.corpus_path], cache_queries=True)
    try:
        answerer = store.runtime.answerer(remember=False, writer=store.runtime.writer(FakeLLM()))
        answerer.config.refusal_min_similarity = 0.0  # answer everything: the fake decides the label
        data = run_qa(answerer.ask, questions, bench.qrels, Principal("eval"), backend=answerer.backend_name,
                      corpus_ids=load_corpus_ids(bench.corpus_path))
    finally:
        store.close()
    expected = sum(q["answer"] == "Sai" for q in questions) / len(questions)
    assert data["backend"] == "fake-llm"
    assert data["metrics"]["by_type"]["Đúng/Sai"]["accuracy"] == pytest.approx(expected)
    assert data["metrics"]["by_type"]["Đúng/Sai"]["unparsed"] == 0
    assert all(row["cited"] for row in data["per_question"])  # [1] survived citation checking


@pytest.mark.slow
def test_reranked_mode_appears_when_a_reranker_is_configured(eval_env, slice_indexed, alqac_slice, tmp_path,
                                                             monkeypatch):
    monkeypatch.setenv("ASSISTANT_RERANKER", "lexical")
    data = _run(["retrieval", "--bench", str(alqac_slice), "--modes", "hybrid", "--limit", "10", "--out",
                 str(tmp_path / "rr"), "--cache-queries"])
    assert set(data["metrics"]) == {"hybrid", "reranked"}
    assert data["config"]["models"]["reranker"] == "lexical"


def test_usage_errors(eval_env, tmp_path):
    assert runner.invoke(app, ["eval", "retrieval", "--bench", str(tmp_path)]).exit_code == 2  # not a BEIR folder
    assert runner.invoke(app, ["eval", "retrieval"]).exit_code == 2
    assert runner.invoke(app, ["eval", "compare", str(tmp_path / "a"), str(tmp_path / "b")]).exit_code == 2
