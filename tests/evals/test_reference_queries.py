"""The generated reference-query set: every template, the named article as the relevant one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.so_hieu import parse_reference, title_key
from evals.reference_queries import TEMPLATES, reference_questions


def test_one_question_per_step_in_every_template(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    rows = [{"_id": f"Luật Viên chức||{i}", "law_id": "Luật Viên chức", "article_id": str(i),
             "text": "Tiêu đề\n\nNội dung"} for i in range(1, 13)]
    rows += [{"_id": "Bộ luật dân sự||1", "law_id": "Bộ luật dân sự", "article_id": "1", "text": "A\n\nB"}]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    queries, qrels = reference_questions(corpus, step=2)
    assert len(queries) == 7  # articles 1, 3, …, 11 of one law and article 1 of the other
    assert {q["template"] for q in queries} == set(TEMPLATES)
    for q in queries:
        ref = parse_reference(q["text"])
        (relevant,) = qrels[q["_id"]]
        law, article = relevant.split("||")
        assert ref is not None and ref.dieu == article, q["text"]
        assert ref.document is not None and ref.document.startswith(title_key(law)), q["text"]
    with pytest.raises(ValueError, match="0"):
        reference_questions(corpus, step=0)
