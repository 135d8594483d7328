"""The province TTHC question set (issue 26) is what its generator builds from the records, names each
procedure exactly and by a short name, holds procedures neither set has, and a third is typed without marks;
the naming eval reads it against every title of both sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.tthc_naming_eval import run
from evals.tthc_province_question_set import build

REPO = Path(__file__).resolve().parents[2]
SET = REPO / "evals" / "data" / "tthc_province_questions.jsonl"
SHARED = REPO.parent / "shared" / "corpus"


def rows() -> list[dict]:
    return [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_set_names_procedures_two_ways_and_holds_unindexed_ones() -> None:
    data = rows()
    assert sum(r.get("named_by") == "exact" for r in data) >= 80
    assert sum(r.get("named_by") == "short" for r in data) >= 80
    assert sum(r.get("answerable") is False for r in data) >= 10
    assert sum(r["no_diacritics"] for r in data) >= len(data) / 3 - 1
    assert all(r["values"] for r in data if r.get("answerable", True))


def test_the_committed_set_is_the_build_and_the_naming_eval_reads_it() -> None:
    if not (SHARED / "tthc-province").is_dir():
        pytest.skip("shared corpus not found")
    assert build(SHARED / "tthc-province", SHARED / "tthc") == rows()
    counts = run(SET, [SHARED / "tthc", SHARED / "tthc-province"])["all"]
    assert counts["n"] == len(rows()) and counts.get("right", 0) >= 0.9 * (counts["n"] - counts.get("refused", 0))
