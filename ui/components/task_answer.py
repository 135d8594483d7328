"""A long task answer shown as a table (``table`` of the API's answer, ``assistant.tasks.answer_table``): the
header line, one row per task with its row citation, deadline and status, a button to the «Nhiệm vụ của đơn
vị» page, and the row citations folded into one expander instead of one button per task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from ui.components.style import esc, lines_html

_ROW_CLASS = {"quá hạn": "tla-task-overdue", "sắp đến hạn": "tla-task-soon"}


def _cell(row: dict[str, Any], key: str) -> str:
    return f"[{row.get('marker')}]" if key == "marker" else str(row.get(key) or "")


def table_html(table: dict[str, Any]) -> str:
    """The rows as an HTML table (the tasks page's style); every cell escaped."""
    columns = table.get("columns") or []
    head = "".join(f"<th>{esc(c['label'])}</th>" for c in columns)
    body = "".join(
        f'<tr class="{_ROW_CLASS.get(str(r.get("trang_thai") or ""), "")}">'
        + "".join(f"<td>{esc(_cell(r, c['key']))}</td>" for c in columns) + "</tr>"
        for r in table.get("rows") or [])
    return (f'<table class="tla-tasks" data-testid="tla-task-answer"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def render_task_table(message: dict[str, Any], open_tasks_page: Callable[[], None],
                      render_citations: Callable[[dict[str, Any]], None]) -> bool:
    """Render ``message`` as a task table when it carries one; False (nothing drawn) otherwise."""
    table = message.get("table")
    if not isinstance(table, dict) or not table.get("rows"):
        return False
    header = (message.get("content") or "").split("\n", 1)[0]
    st.markdown(lines_html(header), unsafe_allow_html=True)
    st.markdown(table_html(table), unsafe_allow_html=True)
    total = int(table.get("total") or len(table["rows"]))
    if total > len(table["rows"]):
        st.caption(f"Đang hiện {len(table['rows'])}/{total} nhiệm vụ.")
    st.button("Xem ở trang «Nhiệm vụ của đơn vị»", key=f"to_tasks_{message.get('answer_id') or id(message)}",
              on_click=open_tasks_page, icon=":material/table_view:")
    with st.expander(f"Nguồn trích dẫn: {len(message.get('citations') or [])} dòng của văn bản"):
        render_citations(message)
    return True
