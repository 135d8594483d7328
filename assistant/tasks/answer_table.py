"""A long task answer as a table: structured rows in the reply (``RecordReply.facts["table"]``, the API's
``table``), rendered by the UI as a table and by the CLI as aligned text.

Why: a unit's tasks in a plan run to dozens (32 for one department in the 731 plan); as bullets each with its
own citation button they are unreadable. The rows carry the same facts the cited lines do (row citation,
task, deadline, status, role, lead) and the marker of the row's citation, so the table stays checkable.
"""

from __future__ import annotations

import textwrap
from typing import Any

TABLE_FROM = 6  # from this many tasks an answer is shown as a table
COLUMNS = [("marker", "Số"), ("citation", "Dòng"), ("nhiem_vu", "Nhiệm vụ"), ("thoi_han", "Thời hạn"),
           ("trang_thai", "Trạng thái"), ("vai_tro", "Vai trò")]
STATUS_WORDS = {"overdue": "quá hạn", "due_soon": "sắp đến hạn", "": ""}


def table_of(rows: list[dict[str, Any]], unit: str = "", role: str = "", doc_id: str = "") -> dict[str, Any]:
    """The table facts: its columns (key, Vietnamese heading), rows, and the tasks page query that lists them."""
    return {"columns": [{"key": k, "label": label} for k, label in COLUMNS], "rows": rows,
            "tasks_page": {k: v for k, v in (("unit", unit), ("role", role), ("doc_id", doc_id)) if v}}


def format_table(table: dict[str, Any], width: int = 110) -> str:
    """The rows as aligned text for a terminal: the task wrapped in its column, the other columns short."""
    rows = table.get("rows") or []
    if not rows:
        return ""
    keys = [c["key"] for c in table.get("columns") or []]
    labels = {c["key"]: c["label"] for c in table.get("columns") or []}
    cells = [{k: str(r.get(k, "") if k != "marker" else f"[{r.get('marker')}]") for k in keys} for r in rows]
    widths = {k: max(len(labels[k]), *(len(c[k]) for c in cells)) for k in keys if k != "nhiem_vu"}
    widths = {k: min(w, 24) for k, w in widths.items()}
    task_width = max(30, width - sum(widths.values()) - 3 * (len(keys) - 1))
    widths["nhiem_vu"] = task_width

    def line(values: dict[str, list[str]], i: int) -> str:
        return " | ".join((values[k][i] if i < len(values[k]) else "").ljust(widths[k]) for k in keys).rstrip()

    out = [line({k: [labels[k]] for k in keys}, 0), "-+-".join("-" * widths[k] for k in keys)]
    for cell in cells:
        wrapped = {k: textwrap.wrap(cell[k], widths[k]) or [""] for k in keys}
        out += [line(wrapped, i) for i in range(max(len(v) for v in wrapped.values()))]
    return "\n".join(out)
