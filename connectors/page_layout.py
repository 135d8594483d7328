"""Words with boxes (a PDF text layer, an OCR result) into the body blocks a .docx would give: lines in reading
order, and the borderless two-column blocks of an official document (header, closing "Nơi nhận" | signer) as
one table row whose cells keep their column's lines.

Why: a Nghị định 30 header is a two-column table in Word; on a PDF page or a scan it is only words side by
side. Read line by line it mixes both columns ("UBND TỈNH … CỘNG HÒA …"); rebuilt as the docx's cells, the
header parser reads a scan like the Word file. Wider tables (3+ columns) keep one row per line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from core.extracted_text import TextBlock
from core.vietnamese import normalize_text

COLUMN_GAP = 1.6  # a gap wider than this many line heights separates two columns


@dataclass(frozen=True)
class Word:
    """One word and its box (any unit, y growing downwards); ``conf`` is OCR confidence 0–100 (-1: none)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float = -1.0


@dataclass
class Line:
    """Words that share a line of a page (grouped by vertical overlap), with the box the reading needs."""

    words: list[Word]

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def mid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def text(self) -> str:
        return normalize_text(" ".join(w.text for w in sorted(self.words, key=lambda w: w.x0)))

    def cells(self, gap: float) -> list[list[Word]]:
        out: list[list[Word]] = []
        for w in sorted(self.words, key=lambda w: w.x0):
            if out and w.x0 - out[-1][-1].x1 <= gap:
                out[-1].append(w)
            else:
                out.append([w])
        return out


def group_lines(words: Sequence[Word]) -> list[Line]:
    """Words whose vertical centres fall within one line's span form that line; lines top-down."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        centre = (w.top + w.bottom) / 2
        if lines and lines[-1].top <= centre <= lines[-1].bottom:
            lines[-1].words.append(w)
        else:
            lines.append(Line([w]))
    return lines


def _text(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in sorted(words, key=lambda w: w.x0))


def layout_blocks(words: Sequence[Word], *, page: int, table_ids: list[int]) -> list[tuple[float, TextBlock]]:
    """``(top, block)`` of a page's words: paragraphs' lines, two-column blocks as one row of multi-line cells,
    wider column lines as rows of one table. ``table_ids`` is the document's running table counter."""
    lines = group_lines([w for w in words if w.text.strip()])
    if not lines:
        return []
    gap = COLUMN_GAP * median(ln.bottom - ln.top for ln in lines)
    out: list[tuple[float, TextBlock]] = []
    i = 0
    while i < len(lines):
        cells = lines[i].cells(gap)
        if len(cells) < 2:
            out.append((lines[i].top, TextBlock(_text(lines[i].words), page=page)))
            i += 1
            continue
        table_ids[0] += 1
        if len(cells) > 2:  # a wide table: one row per line while lines keep 3+ columns
            while i < len(lines) and len(cells := lines[i].cells(gap)) > 2:
                out.append((lines[i].top, TextBlock.row([_text(c) for c in cells], table=table_ids[0], page=page)))
                i += 1
            continue
        split = (cells[0][-1].x1 + cells[1][0].x0) / 2
        right = [cells[1][0].x0, cells[1][-1].x1]
        top, columns, prev = lines[i].top, ([], []), lines[i]
        while i < len(lines):
            cells = lines[i].cells(gap)
            if len(cells) > 2 or lines[i].top - prev.bottom > 2 * gap:
                break
            if len(cells) == 1 and not _in_a_column(cells[0], split, right):
                break
            for cell in cells:
                mid = (cell[0].x0 + cell[-1].x1) / 2
                columns[0 if mid < split else 1].append(_text(cell))
                if mid >= split:
                    right = [min(right[0], cell[0].x0), max(right[1], cell[-1].x1)]
            prev = lines[i]
            i += 1
        out.append((top, TextBlock.row(["\n".join(columns[0]), "\n".join(columns[1])], table=table_ids[0],
                                       page=page)))
    return out


def _in_a_column(cell: list[Word], split: float, right: list[float]) -> bool:
    """A lone line stays in a two-column block when it lies left of the split, or is centred in the right
    column (a signer's name under the blank signature space); a centred title crossing the split does not."""
    x0, x1 = cell[0].x0, cell[-1].x1
    if x1 < split:
        return True
    centre, span = (right[0] + right[1]) / 2, right[1] - right[0]
    return x0 > split and abs((x0 + x1) / 2 - centre) < 0.15 * span
