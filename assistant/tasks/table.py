"""Tasks from a table of tasks (TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Sản phẩm | Thời gian): the
731 plan's flattened appendix, or the cells of a docx/PDF/HTML table, both as ``core.tables.Table``.

Why cells, not text: the columns say who leads and who supports; reading them back from joined text loses
that. Single-cell rows ("I. XÂY DỰNG THỂ CHẾ …") are the row groups. A page break splits a row in the
flattened form; ``Table.meta["continuations"]`` keeps the pieces without their columns, and
:func:`attach_continuations` puts each piece back on a cell that was left unfinished (see its docstring).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import combinations

from core.deadlines import parse_deadline
from core.tables import Table
from core.units import UnitDirectory
from core.vietnamese import fold

# Column roles and the header words that name them (mark-free, lower case; the first match wins).
COLUMNS: dict[str, tuple[str, ...]] = {
    "tt": ("tt", "stt", "so tt"),
    "nhiem_vu": ("nhiem vu", "noi dung", "ten nhiem vu", "cong viec"),
    "lead": ("don vi chu tri", "co quan chu tri", "chu tri", "don vi thuc hien", "co quan thuc hien"),
    "support": ("don vi phoi hop", "co quan phoi hop", "phoi hop"),
    "san_pham": ("san pham", "ket qua", "hinh thuc van ban"),
    "deadline": ("thoi gian hoan thanh", "thoi han", "thoi gian", "tien do", "han hoan thanh"),
}
_ROW_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?$")
_GROUP = re.compile(r"^[IVXLC]+\.\s")
_DANGLING = re.compile(r"(?:[,(&/\-–]|\b(?:và|các|của|với|cho|trong|về|tại|theo|thuộc))\s*$",
                       re.IGNORECASE)
_FINISHED = re.compile(r"[.;:!?)\"”%]\s*$|\d\s*$")


def task_columns(table: Table) -> dict[str, int] | None:
    """Column index per role, or None when the table is no task table (it needs nhiệm vụ and chủ trì)."""
    heads = [fold(h) for h in table.header]
    found: dict[str, int] = {}
    for role, names in COLUMNS.items():
        for i, head in enumerate(heads):
            if i not in found.values() and any(head == n or head.startswith(n) for n in names):
                found[role] = i
                break
    return found if {"nhiem_vu", "lead"} <= found.keys() else None


def _openness(text: str, role: str, units: UnitDirectory) -> int:
    """2: the cell ends on a word that cannot end it ("…, các"); 1: it may go on; 0: it is whole."""
    if not text.strip():
        return 0
    if _DANGLING.search(text):
        return 2
    if role in ("lead", "support") and units.ends_with_name(text):
        return 0
    if role == "deadline" and (parse_deadline(text).start or parse_deadline(text).recurs):
        return 0
    return 0 if _FINISHED.search(text) else 1


def attach_continuations(row: list[str], pieces: Sequence[Sequence[str]], roles: dict[int, str],
                         units: UnitDirectory) -> list[str]:
    """The row with the pieces of its page-break continuation appended to the cells they continue.

    Rule: the pieces keep the left-to-right order of their columns, and a piece continues a cell that was
    left unfinished. So the pieces go, in order, to the increasing choice of cells (never the TT cell) whose
    openness adds up highest: 2 for a cell that ends on a word that cannot end it ("…, các", "… bảo"), 1 for
    one that ends without punctuation and is no whole unit name or deadline, 0 otherwise; ties go to the
    leftmost cells. More pieces than cells: the rest join the nhiệm vụ cell."""
    flat = [" ".join(c for c in piece if c.strip()) for piece in pieces]
    flat = [f for f in flat if f.strip()]
    if not flat:
        return row
    row = list(row)
    candidates = [i for i in range(len(row)) if roles.get(i) != "tt"]
    score: Callable[[int], int] = lambda i: _openness(row[i], roles.get(i, ""), units)  # noqa: E731
    k = min(len(flat), len(candidates))
    best = max(combinations(candidates, k), key=lambda cols: (sum(score(i) for i in cols), [-i for i in cols]))
    for col, piece in zip(best, flat, strict=False):
        row[col] = f"{row[col]} {piece}".strip()
    nv = next((i for i, r in roles.items() if r == "nhiem_vu"), None)
    for piece in flat[k:]:
        if nv is not None:
            row[nv] = f"{row[nv]} {piece}".strip()
    return row


def table_rows(table: Table, units: UnitDirectory) -> list[tuple[str, dict[str, str]]]:
    """(row group, cells by role) for every task row of a task table, continuations attached."""
    columns = task_columns(table)
    if columns is None:
        return []
    roles = {i: role for role, i in columns.items()}
    pieces: dict[int, list[list[str]]] = {}
    for at, cells in table.meta.get("continuations", []):
        pieces.setdefault(int(at), []).append(list(cells))
    out: list[tuple[str, dict[str, str]]] = []
    group = ""
    for at, raw in enumerate(table.rows):
        cells = [c for c in raw if c.strip()]
        if len(cells) == 1 and _GROUP.match(cells[0]):
            group = cells[0]
            continue
        row = attach_continuations(list(raw), pieces.get(at, []), roles, units)
        by_role = {role: (row[i] if i < len(row) else "") for role, i in columns.items()}
        if not by_role.get("nhiem_vu", "").strip():
            continue
        tt = by_role.get("tt", "").strip().rstrip(".")
        if "tt" in columns and tt and not _ROW_NUMBER.match(tt + "."):
            continue
        by_role["tt"] = tt or str(len(out) + 1)
        out.append((group, by_role))
    return out
