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
    assert set(report) == {"added", "updated", "unchanged", "removed", "rejected", "chunks", "seconds", "conflicts",
                           "collisions"}
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


def test_users_show_roles_in_words_and_apikey_list_shows_scope_never_the_key(env: Path) -> None:
    runner = CliRunner()
    listing = runner.invoke(app, ["users"])
    assert listing.exit_code == 0, listing.output
    assert "Chuyên viên" in listing.stdout and "chuyen_vien" not in listing.stdout
    empty = runner.invoke(app, ["apikey", "list"])
    assert empty.exit_code == 0 and "Chưa có khoá API nào" in empty.stdout
    created = runner.invoke(app, ["apikey", "create", "qlvb", "--on-behalf", "--units", "Sở Y tế"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    assert runner.invoke(app, ["apikey", "create", "bao-cao"]).exit_code == 0
    assert runner.invoke(app, ["apikey", "revoke", "bao-cao"]).exit_code == 0
    rows = {r["name"]: r for r in json.loads(runner.invoke(app, ["apikey", "list", "--json"]).stdout)}
    assert rows["qlvb"]["on_behalf"] and rows["qlvb"]["units"] == ["Sở Y tế"] and not rows["qlvb"]["revoked"]
    assert rows["bao-cao"]["revoked"] and not rows["bao-cao"]["on_behalf"]
    text = runner.invoke(app, ["apikey", "list"]).stdout
    assert "thay người của Sở Y tế" in text and "ĐÃ THU HỒI" in text and key not in text
    assert "+00:00" not in text and "/" in text  # times as 21:18 07/12/2026
