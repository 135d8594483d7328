"""``assistant incoming FILE [--json]``: the card in Vietnamese or as JSON, exit 0; a file that cannot be read is
exit 2 with one line naming it and why."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from tests.assistant.correspondence.incoming.letter import LETTER


def test_incoming_prints_the_card_and_names_a_bad_file(tmp_path: Path) -> None:
    runner = CliRunner()
    letter = tmp_path / "cv-77.txt"
    letter.write_text(LETTER, encoding="utf-8")
    result = runner.invoke(app, ["incoming", str(letter)])
    assert result.exit_code == 0, result.output
    assert "PHIẾU XỬ LÝ VĂN BẢN ĐẾN" in result.output and "Chủ trì: Sở Y tế" in result.output
    assert "Hạn: 20/01/2026" in result.output
    data = json.loads(runner.invoke(app, ["incoming", str(letter), "--json", "--ngay-den", "2026-01-07"]).output)
    assert data["requests"][2]["deadline"]["due"] == "2026-01-17"
    empty = tmp_path / "rong.txt"
    empty.write_bytes(b"")
    for path in (empty, tmp_path / "khong-co.pdf", tmp_path / "a.xyz"):
        if path.suffix == ".xyz":
            path.write_bytes(b"abc")
        result = runner.invoke(app, ["incoming", str(path)])
        assert result.exit_code == 2 and str(path) in result.output
    bad_day = runner.invoke(app, ["incoming", str(letter), "--ngay-den", "7/1"])
    assert bad_day.exit_code == 2 and "--ngay-den" in bad_day.output
