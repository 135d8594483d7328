"""Each chunk's first page (``fields["page"]``) and, for a scanned page, its OCR confidence, from the page of
every line of the document (``Document.line_pages``), so a citation can say "trang 3".

Why after parsing and by text: the parsers drop and rejoin lines (a repeated heading block, site text, table
rows regrouped), so a chunk does not know its line numbers; its first line is found in the document's lines,
searching forward from the previous chunk's (chunks come in document order).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.documents import Chunk


def _key(line: str) -> str:
    return " ".join(line.replace("|", " ").split())


def _find(lines: Sequence[str], probe: str, start: int) -> int | None:
    for i in [*range(start, len(lines)), *range(0, start)]:
        if lines[i] and (probe in lines[i] or (len(lines[i]) >= 20 and lines[i] in probe)):
            return i
    return None


def assign_pages(chunks: Sequence[Chunk], text: str, pages: Sequence[int],
                 ocr_pages: Sequence[dict[str, Any]] = ()) -> None:
    """Set ``fields["page"]`` (and ``fields["ocr_confidence"]`` on OCR'd pages) on every chunk, in place."""
    lines = [_key(x) for x in text.split("\n")]
    if len(lines) != len(pages) or not any(pages):
        return
    confidence = {int(p["page"]): p["confidence"] for p in ocr_pages}
    cursor = 0
    for chunk in chunks:
        probe = next((k for x in chunk.text.split("\n") if len(k := _key(x)) >= 3), "")
        found = _find(lines, probe[:120], cursor) if probe else None
        if found is None:
            continue
        cursor = found
        if pages[found]:
            chunk.fields["page"] = pages[found]
            if pages[found] in confidence:
                chunk.fields["ocr_confidence"] = confidence[pages[found]]
