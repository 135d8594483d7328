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


def test_an_in_process_ask_and_search_write_audit_rows_via_the_command_line(env: Path) -> None:
    """With no service running the CLI opens the index itself; its questions are in the audit trail as the API's
    are (who, what was retrieved and cited, outcome), "via" the command line, and in the asker's history under
    «Qua dòng lệnh». Read straight from the SQLite file the runtime writes."""
    import sqlite3

    from assistant.service.conversations import channel_label

    runner = CliRunner()
    assert runner.invoke(app, ["index", str(REPO / "data" / "warehouse"), "--json"]).exit_code == 0
    asked = runner.invoke(app, ["ask", "Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ quý III năm 2026 là bao nhiêu?",
                                "--user", "syt.lethicuc", "--json"])
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.stdout)
    searched = runner.invoke(app, ["search", "tỷ lệ tiêm chủng", "--user", "syt.lethicuc", "--top-k", "2", "--json"])
    assert searched.exit_code == 0, searched.output
    hits = json.loads(searched.stdout)["hits"]

    with sqlite3.connect(env / "data" / "assistant.sqlite") as db:
        rows = db.execute("SELECT user_id, unit, via, action, question, retrieved_ids, cited_ids, answer_id, outcome "
                          "FROM audit ORDER BY id").fetchall()
        channel = db.execute("SELECT channel FROM conversations WHERE id = ?",
                             (answer["conversation_id"],)).fetchone()
    ask_row, search_row = [r for r in rows if r[3] in ("ask", "search")]
    user_id, unit, via, action, question, retrieved, cited, answer_id, outcome = ask_row
    assert (user_id, unit, via, action) == ("syt.lethicuc", "Sở Y tế", "cli", "ask")
    assert question.startswith("Tỷ lệ trẻ dưới 1 tuổi")
    assert json.loads(retrieved) == [s["chunk_id"] for s in answer["sources"]]
    assert len(json.loads(cited)) == len(answer["citations"]) and set(json.loads(cited)) <= set(json.loads(retrieved))
    assert answer_id == answer["answer_id"]
    assert outcome == ("refused" if answer["refused"] else "answered")
    assert search_row[2:4] == ("cli", "search") and json.loads(search_row[5]) == [h["chunk_id"] for h in hits]
    assert channel_label(channel[0]) == "Qua dòng lệnh"

    exported = runner.invoke(app, ["audit", "export", "--since", "2000-01-01"])
    assert exported.exit_code == 0 and ",cli,ask," in exported.stdout
    from datetime import timedelta

    from core.deadlines import today_in_vietnam

    today = today_in_vietnam()  # a bare day is read as the official reads the rows' times: in Vietnam
    assert ",cli,ask," in runner.invoke(app, ["audit", "export", "--since", f"{today:%d/%m/%Y}"]).stdout
    later = runner.invoke(app, ["audit", "export", "--since", f"{today + timedelta(days=1):%d/%m/%Y}"])
    assert later.exit_code == 0 and later.stdout.count("\n") == 1  # the header only
    wrong = runner.invoke(app, ["audit", "export", "--since", "hôm qua"])
    assert wrong.exit_code == 2 and "hôm qua" in wrong.output
    refused = runner.invoke(app, ["apikey", "create", "cli"])  # the audit's name for this machine's command line
    assert refused.exit_code == 2 and "dòng lệnh" in refused.output
