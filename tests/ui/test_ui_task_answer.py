"""A long task answer in the chat is a table (issue 26): one row per task, cells escaped, the row's citation
marker first; the answer's bullets and its citation buttons are not drawn one per task."""

from __future__ import annotations

from assistant.tasks.answer_table import table_of
from ui.components.task_answer import table_html


def test_the_rows_are_a_table_with_escaped_cells() -> None:
    rows = [{"marker": i, "citation": f"Phụ lục, dòng 1.{i}", "nhiem_vu": f"Nhiệm vụ <b>{i}</b>",
             "thoi_han": "Quý I/2026", "trang_thai": "quá hạn" if i == 1 else "", "vai_tro": "chủ trì"}
            for i in range(1, 8)]
    html = table_html(table_of(rows, "Công an tỉnh", "lead"))
    assert html.count("<tr") == 8 and "<th>Nhiệm vụ</th>" in html and "<th>Thời hạn</th>" in html
    assert "&lt;b&gt;1&lt;/b&gt;" in html and "<b>1</b>" not in html
    assert "<td>[7]</td>" in html and 'class="tla-task-overdue"' in html
