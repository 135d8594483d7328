"""The one table type every layer shares: rows of cells, a header row when there is one, where it stood.

Why: a header block, a closing block ("Nơi nhận" | signer), a task appendix and a PDF table are all tables;
each consumer reads cells by column, never by splitting ``a | b | c`` text another layer joined. Tables come
from a file's own cells (docx, HTML, PDF: ``TextBlock.table``) or, for a text export that only has the
flattened form (one cell per line ending in ``|``, rows between ``|`` lines, as the 731 plan's web copy),
from :func:`read_flattened_table`, the one place that reads that form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.extracted_text import TextBlock
from core.vietnamese import normalize_text

_ONLY_PIPES = re.compile(r"[|\s]+$")


def _cell(text: str) -> str:
    """One cell's text on one line, NFC, whitespace collapsed (a cell's own line breaks are layout)."""
    return " ".join(normalize_text(text).split())


@dataclass(frozen=True)
class Table:
    """Rows of cells. ``header`` is the column names when the first row names columns (else empty);
    ``rows`` are the rows below it (``meta["cell_lines"]``, when a cell had line breaks, keeps every row's cells as
    their lines, header row first); ``index`` is the table's ordinal in its document (1-based) and
    ``start_line`` the body line it starts on (-1 when unknown); ``page`` the page it stands on (0: unknown)."""

    rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...] = ()
    caption: str = ""
    index: int = 0
    start_line: int = -1
    page: int = 0
    source: str = "cells"  # "cells" (the file's own table) or "flattened" (read back from a text export)
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if any(not isinstance(r, tuple) for r in self.rows):
            raise TypeError("Table.rows must be a tuple of tuples of str")

    @property
    def width(self) -> int:
        return max([len(self.header), *(len(r) for r in self.rows)], default=0)

    def column(self, *names: str) -> int | None:
        """Index of the first header cell that equals or starts with one of ``names`` (case-insensitive)."""
        heads = [h.casefold() for h in self.header]
        for name in names:
            key = name.casefold()
            for i, h in enumerate(heads):
                if h == key or h.startswith(key):
                    return i
        return None

    def records(self) -> list[dict[str, str]]:
        """Each row keyed by the header's names; rows shorter than the header get "" for missing cells."""
        if not self.header:
            return [{str(i): c for i, c in enumerate(row)} for row in self.rows]
        return [{h: (row[i] if i < len(row) else "") for i, h in enumerate(self.header)} for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {"rows": [list(r) for r in self.rows], "header": list(self.header), "caption": self.caption,
                "index": self.index, "start_line": self.start_line, "page": self.page, "source": self.source}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Table:
        return cls(rows=tuple(tuple(str(c) for c in r) for r in data.get("rows", [])),
                   header=tuple(str(c) for c in data.get("header", [])), caption=str(data.get("caption", "")),
                   index=int(data.get("index", 0)), start_line=int(data.get("start_line", -1)),
                   page=int(data.get("page", 0)), source=str(data.get("source", "cells")))

    @classmethod
    def of(cls, rows: Iterable[Sequence[str]], *, has_header: bool | None = None, **kwargs: Any) -> Table:
        """A table from raw rows; the first row is the header when ``has_header`` (``None``: guessed: no cell
        of the first row starts with a digit and a later row exists)."""
        raw = [list(r) for r in rows]
        clean = [tuple(_cell(c) for c in r) for r in raw]
        keep = [i for i, r in enumerate(clean) if any(r)]
        clean = [clean[i] for i in keep]
        if has_header is None:
            has_header = len(clean) > 1 and not any(c[:1].isdigit() for c in clean[0])
        table = cls(rows=tuple(clean[1:]), header=clean[0], **kwargs) if has_header and clean \
            else cls(rows=tuple(clean), **kwargs)
        if any("\n" in c for i in keep for c in raw[i]):
            # A cell's own lines ("UBND TỈNH HÀ TĨNH\nSỞ Y TẾ"): header row first, then the rows.
            table.meta["cell_lines"] = [[[x.strip() for x in normalize_text(c).splitlines() if x.strip()]
                                         for c in raw[i]] for i in keep]
        return table


def tables_from_blocks(blocks: Sequence[TextBlock], *, has_header: bool | None = None) -> list[Table]:
    """The tables of a part (a docx body, an HTML page, a PDF page): consecutive rows of the same
    ``TextBlock.table`` form one table; ``start_line`` is the row's position among ``blocks``."""
    tables: list[Table] = []
    current: list[TextBlock] = []
    start = -1

    def close() -> None:
        if current:
            tables.append(Table.of([b.cells for b in current], has_header=has_header, index=len(tables) + 1,
                                   start_line=start, page=current[0].page))

    for i, block in enumerate(blocks):
        if block.table and current and block.table == current[-1].table:
            current.append(block)
            continue
        close()
        current, start = ([block], i) if block.table else ([], -1)
    close()
    return tables


_ROW_START = re.compile(r"(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.\s.*)$")


def _flattened_rows(lines: Sequence[str]) -> list[list[str]]:
    """Rows as the flattened form gives them: a line of only pipes ends a row, cells end with ``|``."""
    rows: list[list[str]] = []
    cells: list[str] = []
    pending: list[str] = []
    for raw in [*lines, "|"]:
        s = raw.strip()
        if not s:
            continue
        if _ONLY_PIPES.match(s):
            if pending:
                cells.append(" ".join(pending))
                pending = []
            if cells:
                rows.append(cells)
            cells = []
        elif s.startswith("|") and s.count("|") >= 3:
            if cells or pending:
                rows.append([*cells, *([" ".join(pending)] if pending else [])])
                cells, pending = [], []
            rows.append([c.strip() for c in s.strip("|").split("|")])
        elif s.endswith("|"):
            pending.append(s[:-1].strip())
            cells.append(" ".join(pending))
            pending = []
        else:
            pending.append(s)
    return rows


def _is_row_start(cells: list[str]) -> bool:
    return bool(cells) and bool(_ROW_START.match(cells[0]))


def read_flattened_table(lines: Sequence[str], *, index: int = 0, start_line: int = -1,
                         caption: str = "") -> Table | None:
    """A table from its flattened text form: cells end with ``|`` (a cell may span lines), a line of only
    pipes ends a row, and a line with three or more pipes is a whole row. ``None`` when there is no table.

    The form is ambiguous, so three repairs, each from the header's width: a lone ``|`` inside a numbered
    row that is still short was an empty cell (the next line does not start a row); cells past the width
    are page debris (kept in ``meta["overflow"]``); a short row that starts with no number continues the row
    above across a page break (kept in ``meta["continuations"]`` as ``(row index, cells)``, not as a row,
    since which cells it continues cannot be told from the text)."""
    raw = _flattened_rows(lines)
    if not any(len(r) > 1 for r in raw):
        return None
    has_header = len(raw) > 1 and not any(c[:1].isdigit() for c in raw[0]) and len(raw[0]) > 1
    width = len(raw[0]) if has_header else max(len(r) for r in raw)
    rows: list[list[str]] = [raw[0]] if has_header else []
    overflow: list[tuple[int, list[str]]] = []
    continuations: list[tuple[int, list[str]]] = []
    i = 1 if has_header else 0
    while i < len(raw):
        row = list(raw[i])
        while (_is_row_start(row) and len(row) < width and i + 1 < len(raw)
               and not _is_row_start(raw[i + 1]) and len(row) + len(raw[i + 1]) <= width):
            i += 1
            row += ["", *raw[i]] if len(row) + len(raw[i]) < width else raw[i]
        if len(row) > width:
            overflow.append((len(rows) - int(has_header), row[width:]))
            row = row[:width]
        if has_header and len(rows) > 1 and not _is_row_start(row) and 0 < len(row) < width:
            continuations.append((len(rows) - 1 - int(has_header), row))
        else:
            rows.append(row)
        i += 1
    table = Table.of(rows, has_header=has_header, index=index, start_line=start_line, caption=caption,
                     source="flattened")
    table.meta.update(overflow=overflow, continuations=continuations)
    return table


def _has_pipe(line: str) -> bool:
    s = line.strip()
    return bool(s) and (s.endswith("|") or s.startswith("|"))


def _style(line: str) -> str | None:
    """"row" for a whole ``| a | b |`` row, "cell" for one cell ending in ``|``, None for only pipes."""
    s = line.strip()
    if _ONLY_PIPES.match(s):
        return None
    return "row" if s.startswith("|") and s.count("|") >= 3 else "cell"


def find_flattened_tables(lines: Sequence[str], *, max_gap: int = 2) -> list[Table]:
    """Every flattened table of a text export: runs of ``|``-bearing lines of one style (a cell may span up to
    ``max_gap`` lines without a pipe); ``start_line`` is the run's first line, ``caption`` the short lines
    just above it. A run that holds no row of two cells is no table (a lone signature cell)."""
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        if not _has_pipe(lines[i]):
            i += 1
            continue
        start = end = styled_end = i
        style = _style(lines[i])
        j = i + 1
        while j < len(lines) and j - end <= max_gap + 1:
            if _has_pipe(lines[j]):
                now = _style(lines[j])
                if style and now and now != style:
                    end = styled_end  # a metadata table of whole rows, then a table of cells: two tables
                    break
                style, end = style or now, j
                styled_end = j if now else styled_end
            j += 1
        caption_lines = []
        for k in range(start - 1, max(-1, start - 5), -1):
            s = lines[k].strip()
            if not s or len(s) > 200 or _has_pipe(s):
                break
            caption_lines.insert(0, s)
        table = read_flattened_table(lines[start:end + 1], index=len(tables) + 1, start_line=start,
                                     caption=" ".join(caption_lines))
        if table is not None:
            tables.append(table)
        i = end + 1
    return tables
