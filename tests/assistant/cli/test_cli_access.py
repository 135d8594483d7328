"""``assistant index --access`` and ``access.yaml`` through typer's runner against a real embedded index: the
label reaches the documents list, a changed label on an unchanged file counts as updated, a bad label is exit 2
with one line, and ``assistant documents access`` relabels without re-indexing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

REPO = Path(__file__).resolve().parents[3]
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


TASK_PLAN = """KẾ HOẠCH
Bảo vệ an ninh hội nghị xúc tiến đầu tư năm 2027
I. TỔ CHỨC THỰC HIỆN
1. Công an tỉnh
- Chủ trì lập phương án bảo vệ khu vực hội nghị trước ngày 15/3/2027.
2. Sở Y tế
- Bố trí đội cấp cứu lưu động tại khu vực hội nghị trước ngày 20/3/2027.
"""


def _task_texts(runner: CliRunner, user: str) -> list[str]:
    """``assistant tasks --json`` for ``user``'s own unit: the tasks an export of theirs would hold."""
    result = runner.invoke(app, ["tasks", "--user", user, "--unit", "me", "--today", "2027-03-01", "--json"])
    assert result.exit_code == 0, result.output
    return [t["nhiem_vu"] for t in json.loads(result.stdout)["tasks"]]


def test_tasks_export_follows_the_label_and_its_change(env: Path) -> None:
    """A police plan restricted to Công an tỉnh and its units: the Sở Y tế official it assigns a task to does
    not get that task (nor the police one) until an administrator opens the plan; the police official always
    gets theirs."""
    folder = env / "cong-an"
    folder.mkdir()
    (folder / "phuong-an.txt").write_text(TASK_PLAN, encoding="utf-8")
    runner = CliRunner()
    police_only = '{"level":"restricted","units_and_below":["Công an tỉnh"]}'
    indexed = runner.invoke(app, ["index", str(folder), "--json", "--access", police_only])
    assert indexed.exit_code == 0, indexed.output
    assert any("phương án bảo vệ" in t for t in _task_texts(runner, "ca.hoangminhduc"))
    assert _task_texts(runner, "syt.lethicuc") == []
    shown = runner.invoke(app, ["tasks", "--user", "syt.lethicuc", "--unit", "Công an tỉnh", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["tasks"] == [], shown.output
    assert "đội cấp cứu" not in shown.stdout and "phương án bảo vệ" not in shown.stdout

    (doc_id,) = _access(runner)
    relabel = runner.invoke(app, ["documents", "access", doc_id, "--set", '"internal"'])
    assert relabel.exit_code == 0, relabel.output
    assert any("đội cấp cứu" in t for t in _task_texts(runner, "syt.lethicuc"))
