"""``assistant index FILE --override-hold REASON`` (issue 28) through typer's runner against a real embedded
index and SQLite: a held file is listed and audited, a short reason or a file that was never held is exit 2 with
one line, and the held file with a stated reason is indexed for administrators only, both steps audited."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

REPO = Path(__file__).resolve().parents[3]
HELD = ("QUYẾT ĐỊNH\nVề việc bố trí kho lưu trữ\nĐiều 1. Bố trí kho lưu trữ tại khu vực núi Hồng Lĩnh.\n"
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.\nTỐI MẬT\n")
REASON = "Đã đối chiếu bản gốc: dòng cuối là tên kho lưu trữ, không phải dấu độ mật"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_CACHE_PATH", str(REPO / "build" / "test-cache" / "embeddings.sqlite"))
    return tmp_path


def _sql(env: Path, query: str) -> list[tuple]:
    with closing(sqlite3.connect(env / "data" / "assistant.sqlite")) as db:
        return db.execute(query).fetchall()


def test_a_held_file_is_released_only_with_a_stated_reason(env: Path) -> None:
    held = env / "bo_tri_kho_sdt_0912345678.txt"
    held.write_text(HELD, encoding="utf-8")
    digest = hashlib.sha256(held.read_bytes()).hexdigest()
    runner = CliRunner()
    first = runner.invoke(app, ["index", str(held)])
    assert first.exit_code == 3 and "chờ quản trị viên" in first.output
    assert _sql(env, "SELECT filename, sha256, uploader, status FROM held_documents") == [
        ("bo_tri_kho_sdt_0912***678.txt", digest, "operator", "held")]
    assert _sql(env, "SELECT action, outcome FROM audit") == [("hold", "held")]

    short = runner.invoke(app, ["index", str(held), "--override-hold", "đồng ý"])
    assert short.exit_code == 2 and "ít nhất 10 ký tự" in short.output
    other = env / "khac.txt"
    other.write_text(HELD + "Thêm một dòng.\n", encoding="utf-8")
    never = runner.invoke(app, ["index", str(other), "--override-hold", REASON])
    assert never.exit_code == 2 and "khac.txt" in never.output and "không khớp" in never.output

    released = runner.invoke(app, ["index", str(held), "--override-hold", REASON, "--json"])
    assert released.exit_code == 0, released.output
    assert json.loads(released.output)["added"] == 1
    listed = runner.invoke(app, ["documents", "list", "--json"])
    (doc,) = json.loads(listed.output)
    assert doc["access"]["level"] == "restricted" and doc["access"]["roles"] == ["admin"]
    assert doc["file"] == "bo tri kho sdt 0912***678.txt"  # a file indexed from this disk: its name masked
    row = _sql(env, "SELECT status, override_by, override_reason, overridden_at FROM held_documents")
    assert row[0][:3] == ("overridden", "operator", REASON) and row[0][3]
    audit = _sql(env, "SELECT action, user_id, via, outcome, question FROM audit ORDER BY id")
    assert [a[:4] for a in audit] == [("hold", "operator", "cli", "held"),
                                      ("override", "operator", "cli", "indexed")]
    assert REASON in audit[1][4] and digest in audit[1][4] and "Hồng Lĩnh" not in audit[1][4]
