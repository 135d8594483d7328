"""``assistant index --access`` and ``access.yaml`` through typer's runner against a real embedded index: the
label reaches the documents list, a changed label on an unchanged file counts as updated, a bad label is exit 2
with one line, and ``assistant documents access`` relabels without re-indexing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

REPO = Path(__file__).resolve().parents[2]
NARROW = ["--access", '{"level":"restricted","units":["Sở Y tế"]}']
PLAN = "KẾ HOẠCH\nKiểm tra nội bộ công tác quản lý trang thiết bị y tế năm 2027 của các phòng chuyên môn.\n"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_CACHE_PATH", str(REPO / "build" / "test-cache" / "embeddings.sqlite"))
    return tmp_path


def _access(runner: CliRunner) -> dict[str, dict]:
    listed = runner.invoke(app, ["documents", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    return {d["doc_id"]: d["access"] for d in json.loads(listed.output)}


def test_index_with_labels_then_relabel(env: Path) -> None:
    folder = env / "so-y-te"
    folder.mkdir()
    (folder / "ke-hoach.txt").write_text(PLAN, encoding="utf-8")
    (folder / "access.yaml").write_text("level: restricted\nunits_and_below: [Sở Y tế]\n", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(app, ["index", str(folder), "--json"])
    assert first.exit_code == 0, first.output
    (doc_id, label), = _access(runner).items()
    assert label["level"] == "restricted" and label["units_and_below"] == ["Sở Y tế"]

    again = runner.invoke(app, ["index", str(folder), "--json", *NARROW])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["updated"] == 1  # the file is unchanged; its label is not
    assert _access(runner)[doc_id]["units"] == ["Sở Y tế"]

    bad = runner.invoke(app, ["index", str(folder), "--access", '{"level":"restricted","unit":["Sở Y tế"]}'])
    assert bad.exit_code == 2 and "--access" in bad.output and "unit" in bad.output

    relabel = runner.invoke(app, ["documents", "access", doc_id, "--set", '"internal"', "--json"])
    assert relabel.exit_code == 0, relabel.output
    assert json.loads(relabel.output)["chunks"] >= 1 and _access(runner)[doc_id]["level"] == "internal"
    unchanged = runner.invoke(app, ["index", str(folder), "--json", *NARROW])
    assert json.loads(unchanged.output)["unchanged"] == 1  # the administrator's label stays until the file changes
    missing = runner.invoke(app, ["documents", "access", "file:khong-co.txt", "--set", '"internal"'])
    assert missing.exit_code == 2 and "khong-co" in missing.output
