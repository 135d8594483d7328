"""`assistant ask` prints a long task answer as a readable table (issue 26), not one bullet and one quoted
citation per task."""

from __future__ import annotations

import pytest

from assistant.cli.query_commands import show_answer
from assistant.tasks.answer_table import table_of


def test_a_task_table_is_printed_as_aligned_rows(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"marker": i, "citation": f"Phụ lục, dòng 2.{i}", "nhiem_vu": "Triển khai nền tảng số " * 6,
             "thoi_han": "Năm 2026", "trang_thai": "", "vai_tro": "chủ trì"} for i in range(1, 9)]
    lines = "\n".join(f"- Phụ lục, dòng 2.{i}: … [{i}]" for i in range(1, 9))
    result = {"answer": "Công an tỉnh chủ trì: 8 nhiệm vụ.\n" + lines, "refused": False, "conversation_id": "c",
              "citations": [{"marker": i, "citation": f"Phụ lục, dòng 2.{i} — 731/KH-UBND", "quote": "…"}
                            for i in range(1, 9)], "sources": [], "table": table_of(rows, "Công an tỉnh")}
    show_answer(result, as_json=False)
    out = capsys.readouterr().out
    assert out.startswith("Công an tỉnh chủ trì: 8 nhiệm vụ.")
    assert "Số " in out and "| Nhiệm vụ" in out and out.count("Phụ lục, dòng 2.") == 8  # once per row, no bullets
    assert "«…»" not in out and "731/KH-UBND" in out
    assert max(len(line) for line in out.splitlines()) <= 200
