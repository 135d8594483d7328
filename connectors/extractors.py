"""Text out of the formats people drop into a folder: .txt/.md, .html, .docx, .doc, .pdf and scans (.png, .jpg,
.tif), as structured parts.

Why: the legal parser reads lines ("Điều 1.", "| cell | cell |"), so each format's body is flattened to lines
the same way: markdown markers dropped, one line per HTML block, table rows as ``a | b | c``; the parts a
stamp may stand in (page headers, text boxes, properties) are kept apart for the secrecy check
(``core.extracted_text``). A file that is not what its extension says, is damaged, or would inflate past the
limits is refused with a message naming what it really is. A .doc is converted to .docx first
(``doc_convert``); PDFs go page by page (``pdf_pages``), images through OCR (``image_pages``), and pictures in
a .docx are OCR'd too (``docx_images``). Run through ``connectors.extraction_child``.
"""

from __future__ import annotations

import re

from connectors.doc_convert import doc_to_docx
from connectors.docx_images import add_image_text
from connectors.docx_parts import docx_parts
from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS, ExtractionLimits
from connectors.hidden_text import add_hidden
from connectors.html_parts import html_parts, html_text
from connectors.image_pages import IMAGE_SUFFIXES, image_parts
from connectors.pdf_pages import pdf_parts
from connectors.text_decoding import decode_text
from core.extracted_text import ExtractedText

__all__ = ["docx_text", "extract_parts", "html_text", "markdown_text", "pdf_parts"]

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*(?=\S))(.+?)\1")


def markdown_text(text: str) -> str:
    """Drop heading hashes and emphasis markers so "## **Điều 1.**" reads as "Điều 1." to the legal parser."""
    lines = [_MD_EMPHASIS.sub(r"\2", _MD_HEADING.sub("", line)) for line in text.splitlines()]
    return "\n".join(lines)


def docx_text(data: bytes) -> tuple[str, str]:
    """(body, page headers and footers) of a .docx as plain text."""
    parts = docx_parts(data, DEFAULT_EXTRACTION_LIMITS)
    return parts.body_text(), "\n".join(b.text for b in parts.page_blocks())


def extract_parts(suffix: str, data: bytes, limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS) -> ExtractedText:
    """The parts of one file by its extension (``.docx``, ``.doc``, ``.pdf``, images, ``.html``, ``.md``,
    anything else as text), with the text it holds outside the reading flow for the secrecy gate."""
    suffix = suffix.lower()
    if suffix == ".doc":
        data, suffix = doc_to_docx(data), ".docx"
    return add_hidden(_reading_parts(suffix, data, limits), suffix, data, limits.max_pages)


def _reading_parts(suffix: str, data: bytes, limits: ExtractionLimits) -> ExtractedText:
    if suffix == ".docx":
        return add_image_text(docx_parts(data, limits), data)
    if suffix == ".pdf":
        return pdf_parts(data, limits)
    if suffix in IMAGE_SUFFIXES:
        return image_parts(suffix, data, limits)
    text = decode_text(data)
    if suffix in (".html", ".htm"):
        return html_parts(text)
    if suffix == ".md":
        return ExtractedText.plain(markdown_text(text))
    return ExtractedText.plain(text)
