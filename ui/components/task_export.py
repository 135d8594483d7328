"""The rows of the "Nhiệm vụ của đơn vị" page as a table to read and to export (.csv for any tool, .xlsx for
Excel), from the API's task records; pure functions, so the page and its tests share them."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from ui.components.style import day_first

COLUMNS = ("Trạng thái", "Hạn", "Thời hạn (như văn bản)", "Vai trò", "Nhiệm vụ", "Đơn vị chủ trì",
           "Đơn vị phối hợp", "Sản phẩm", "Văn bản", "Vị trí")
STATUS_LABELS = {"overdue": "Quá hạn", "due_soon": "Sắp đến hạn (30 ngày)", "": ""}
ROLE_LABELS = {"lead": "Chủ trì", "support": "Phối hợp", "": ""}
PERIODS = ("Tất cả", "Quá hạn", "Trong 30 ngày tới", "Năm nay", "Thường xuyên / không ghi hạn")


def role_text(task: dict[str, Any]) -> str:
    role = ROLE_LABELS.get(task.get("role") or "", "")
    return f"{role} (qua «{task['via']}»)" if role and task.get("via") else role


def in_period(task: dict[str, Any], period: str, today: date) -> bool:
    """Whether a task falls in one of the page's periods (by its due date, as of ``today``)."""
    due = date.fromisoformat(task["due"]) if task.get("due") else None
    if period == "Quá hạn":
        return task.get("status") == "overdue"
    if period == "Trong 30 ngày tới":
        return task.get("status") == "due_soon"
    if period == "Năm nay":
        return due is not None and due.year == today.year
    if period == "Thường xuyên / không ghi hạn":
        return due is None
    return True


def task_rows(tasks: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"Trạng thái": STATUS_LABELS.get(t.get("status") or "", ""), "Hạn": day_first(t.get("due") or ""),
             "Thời hạn (như văn bản)": t["deadline"]["text"], "Vai trò": role_text(t), "Nhiệm vụ": t["nhiem_vu"],
             "Đơn vị chủ trì": t.get("lead_text") or "", "Đơn vị phối hợp": t.get("support_text") or "",
             "Sản phẩm": t.get("san_pham") or "", "Văn bản": t.get("so_hieu") or t.get("doc_title") or t["doc_id"],
             "Vị trí": t["citation"]} for t in tasks]


def to_csv(rows: list[dict[str, str]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Vietnamese text correctly."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "Nhiệm vụ"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    overdue = PatternFill("solid", fgColor="FEE2E2")
    soon = PatternFill("solid", fgColor="FEF9C3")
    for row in rows:
        sheet.append([row[c] for c in COLUMNS])
        fill = overdue if row["Trạng thái"] == STATUS_LABELS["overdue"] else (
            soon if row["Trạng thái"] == STATUS_LABELS["due_soon"] else None)
        if fill is not None:
            for cell in sheet[sheet.max_row]:
                cell.fill = fill
    for letter, width in zip("ABCDEFGHIJ", (20, 12, 24, 24, 70, 32, 32, 32, 18, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
