"""``assistant tasks``: a user's unit's tasks from an index the CLI built itself, as text and JSON; bad options
are one line naming the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

REPO = Path(__file__).resolve().parents[3]
PLAN = """KẾ HOẠCH
Phòng chống sốt xuất huyết năm 2026
I. TỔ CHỨC THỰC HIỆN
1. Sở Y tế
- Chủ trì, phối hợp với Sở Tài chính mua hóa chất diệt muỗi trước ngày 31/3/2026.
- Giám sát ổ dịch thường xuyên.
2. Sở Tài chính
- Phối hợp với Sở Y tế bố trí kinh phí trong Quý II/2026.
"""


@pytest.fixture
def indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_CACHE_PATH", str(REPO / "build" / "test-cache" / "embeddings.sqlite"))
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kh-sxh.txt").write_text(PLAN, encoding="utf-8")
    result = CliRunner().invoke(app, ["index", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_my_units_tasks_as_json_and_text(indexed: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["tasks", "--user", "stc.vuthihoa", "--unit", "me", "--today", "2026-03-20",
                                 "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["unit"] == "Sở Tài chính"
    assert [(t["citation"], t["role"], t["status"]) for t in body["tasks"]] == [
        ("Mục I.1, ý 1", "support", "due_soon"), ("Mục I.2, ý 1", "support", "")]
    lead = runner.invoke(app, ["tasks", "--user", "stc.vuthihoa", "--unit", "so y te", "--role", "lead",
                               "--due-before", "2026-06-30", "--today", "2026-04-02"])
    assert lead.exit_code == 0, lead.output
    assert "QUÁ HẠN" in lead.stdout and "Mục I.1, ý 1" in lead.stdout and "Giám sát ổ dịch" not in lead.stdout


def test_bad_options_are_one_line_naming_the_value(indexed: Path) -> None:
    runner = CliRunner()
    for args, named in ((["--due-before", "30/6/2026"], "30/6/2026"), (["--role", "boss"], "boss"),
                        (["--unit", "Sở Bịa Đặt"], "Sở Bịa Đặt")):
        result = runner.invoke(app, ["tasks", "--user", "syt.lethicuc", *args])
        assert result.exit_code == 2 and named in result.output, result.output
    result = runner.invoke(app, ["tasks", "--user", "khong.ton.tai"])
    assert result.exit_code == 2 and "khong.ton.tai" in result.output
