"""Which page each line of a document's text stands on, and the page facts kept in its metadata.

Why here: the body blocks know their page (``TextBlock.page``) but the text the parsers read is the blocks'
text normalised and trimmed (``connectors.text_decoding.normalized_body``); the mapping is rebuilt the same way
and kept only when it gives back exactly that text, so a page number is never off by a line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.extracted_text import ExtractedText, TextBlock
from core.vietnamese import normalize_text


def line_pages(blocks: Sequence[TextBlock], text: str) -> list[int]:
    """The page of each line of ``text`` (the normalised body of ``blocks``); [] when the format has no pages."""
    if not any(b.page for b in blocks):
        return []
    lines: list[str] = []
    pages: list[int] = []
    for block in blocks:
        for line in normalize_text(block.text).splitlines() or [""]:
            lines.append(line.rstrip())
            pages.append(block.page)
    start = next((i for i, x in enumerate(lines) if x), len(lines))
    end = len(lines) - next((i for i, x in enumerate(reversed(lines)) if x), len(lines))
    if "\n".join(lines[start:end]) != text:
        return []
    return pages[start:end]


def page_metadata(parts: ExtractedText) -> dict[str, Any]:
    """pages, ocr (bool), ocr_confidence (mean over OCR'd pages, 0–100) and ocr_pages ([{page, confidence}])."""
    out: dict[str, Any] = {"ocr": bool(parts.ocr_pages or parts.ocr_images)}
    if parts.page_count:
        out["pages"] = parts.page_count
    if parts.ocr_pages:
        out["ocr_confidence"] = round(sum(parts.ocr_pages.values()) / len(parts.ocr_pages), 1)
        out["ocr_pages"] = [{"page": p, "confidence": c} for p, c in sorted(parts.ocr_pages.items())]
    if parts.ocr_skipped_images:
        out["ocr_skipped_images"] = parts.ocr_skipped_images
    if parts.layout:
        out["layout"] = parts.layout  # read into header fields by ``indexing.legal_header``, not kept
    if parts.signatures:
        out["ky_so"] = parts.signatures
    return out
