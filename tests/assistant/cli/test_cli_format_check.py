"""``assistant format-check FILE [--json]``: exit 0 on a correct document, 1 with findings listed with their
rule, 2 with one line naming the file and the reason when it cannot be checked."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app
from evals.format_check_set import correct_cases, planted_cases


def test_format_check_exit_codes_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "dung.docx"
    good.write_bytes(correct_cases(1)[0].data)
    result = runner.invoke(app, ["format-check", str(good)])
    assert result.exit_code == 0 and "0 lỗi" in result.output
    bad = tmp_path / "sai.docx"
    bad.write_bytes(planted_cases(only=("luu-missing",))[0].data)
    result = runner.invoke(app, ["format-check", str(bad), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [f["code"] for f in data["findings"]] == ["noi_nhan.luu_vt"]
    assert data["findings"][0]["cite"] == "Phụ lục I, Phần I, Mục II, khoản 9, điểm d"
    text = runner.invoke(app, ["format-check", str(bad)])
    assert text.exit_code == 1 and "[LỖI]" in text.output and "khoản 9, điểm d" in text.output
    other = tmp_path / "ghi-chu.txt"
    other.write_text("x", encoding="utf-8")
    for path in (other, tmp_path / "khong-co.docx"):
        result = runner.invoke(app, ["format-check", str(path)])
        assert result.exit_code == 2 and str(path) in result.output
