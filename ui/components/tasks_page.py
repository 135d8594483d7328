"""The "Nhiệm vụ của đơn vị" page: the signed-in official's unit's tasks across every document they may read,
lead vs. support, by deadline, overdue and due-within-30-days marked, filtered by document and period, and
exported to .xlsx/.csv. Data from ``GET /v1/tasks?unit=me`` only (the UI is an HTTP client)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from ui.api_client import ApiClient
from ui.components.style import esc
from ui.components.task_export import COLUMNS, PERIODS, in_period, task_rows, to_csv, to_xlsx

_ROW_CLASS = {"overdue": "tla-task-overdue", "due_soon": "tla-task-soon"}
_ROLE_CHOICES = {"Tất cả": "", "Chủ trì": "lead", "Phối hợp": "support"}


def _table_html(tasks: list[dict[str, Any]], rows: list[dict[str, str]]) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in COLUMNS)
    body = "".join(
        f'<tr class="{_ROW_CLASS.get(t.get("status") or "", "")}">'
        + "".join(f"<td>{esc(r[c])}</td>" for c in COLUMNS) + "</tr>" for t, r in zip(tasks, rows, strict=True))
    return (f'<table class="tla-tasks" data-testid="tla-tasks"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def render_tasks_page(api: ApiClient, user: dict[str, Any], call: Callable[..., Any]) -> None:
    st.header("Nhiệm vụ của đơn vị")
    st.caption(f"Đơn vị: {user.get('unit') or '—'} · nhiệm vụ được giao trong các kế hoạch, quyết định, chỉ thị, "
               "công văn bạn được phép xem; «qua …» là nhiệm vụ giao cho một nhóm có đơn vị của bạn.")
    role_label = st.radio("Vai trò", list(_ROLE_CHOICES), horizontal=True, key="tasks_role")
    data = call(api.tasks, unit="me", role=_ROLE_CHOICES[role_label])
    if data is None:
        return
    tasks: list[dict[str, Any]] = data.get("tasks") or []
    today = date.fromisoformat(data["today"])
    documents = sorted({t.get("so_hieu") or t.get("doc_title") or t["doc_id"] for t in tasks})
    left, right = st.columns(2)
    document = left.selectbox("Văn bản", ["Tất cả văn bản", *documents], key="tasks_document")
    period = right.selectbox("Thời hạn", list(PERIODS), key="tasks_period")
    shown = [t for t in tasks if in_period(t, period, today) and document in
             ("Tất cả văn bản", t.get("so_hieu") or t.get("doc_title") or t["doc_id"])]
    overdue = sum(t.get("status") == "overdue" for t in shown)
    soon = sum(t.get("status") == "due_soon" for t in shown)
    st.markdown(f'<div class="tla-task-summary">{len(shown)} nhiệm vụ · <b>{overdue} quá hạn</b> · {soon} sắp đến '
                f"hạn trong 30 ngày (tính đến {today.strftime('%d/%m/%Y')})</div>", unsafe_allow_html=True)
    if not shown:
        st.info("Không có nhiệm vụ nào phù hợp với bộ lọc.")
        return
    rows = task_rows(shown)
    st.markdown(_table_html(shown, rows), unsafe_allow_html=True)
    a, b = st.columns(2)
    a.download_button("Tải về .xlsx", to_xlsx(rows), file_name="nhiem-vu-don-vi.xlsx", key="tasks_xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    b.download_button("Tải về .csv", to_csv(rows), file_name="nhiem-vu-don-vi.csv", mime="text/csv",
                      key="tasks_csv")
