"""The CLI's JSON shapes and exit codes, through typer's runner against a real embedded index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import EXIT_REJECTED, app

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_CACHE_PATH", str(REPO / "build" / "test-cache" / "embeddings.sqlite"))
    return tmp_path


def test_index_search_users_json(env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["index", str(REPO / "data" / "warehouse"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"added", "updated", "unchanged", "removed", "rejected", "chunks", "seconds", "conflicts"}
    assert report["added"] == 8 and report["rejected"] == []

    result = runner.invoke(app, ["search", "tỷ lệ tiêm chủng trẻ dưới 1 tuổi", "--user", "syt.lethicuc",
                                 "--top-k", "3", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)["hits"]
    assert 1 <= len(hits) <= 3
    assert set(hits[0]) == {"chunk_id", "doc_id", "citation", "score", "text", "access"}
    assert "tiêm chủng" in hits[0]["text"].lower()

    result = runner.invoke(app, ["users", "--json"])
    users = json.loads(result.stdout)
    assert {"id", "name", "unit", "roles"} <= set(users[0])


def test_index_exit_code_says_something_was_rejected(env: Path) -> None:
    folder = env / "in"
    folder.mkdir()
    (folder / "ok.md").write_text("Điều 1. Phạm vi\nQuy định này áp dụng cho cơ quan nhà nước.\n", encoding="utf-8")
    (folder / "hong.docx").write_bytes(b"this is not a zip")
    result = CliRunner().invoke(app, ["index", str(folder)])
    assert result.exit_code == EXIT_REJECTED
    assert "hong.docx" in result.output and "thêm mới 1" in result.output


def test_unknown_user_and_bad_options_are_named(env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["search", "lệ phí", "--user", "khong.ton.tai"])
    assert result.exit_code == 2 and "khong.ton.tai" in result.output
    result = runner.invoke(app, ["index", str(env / "missing")])
    assert result.exit_code == 2 and "missing" in result.output
    result = runner.invoke(app, ["index", str(env), "--kind", "pdf"])
    assert result.exit_code == 2 and "pdf" in result.output
