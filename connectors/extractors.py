"""Text out of the formats people drop into a folder: .txt/.md, .html, .docx, .pdf, as structured parts.

Why: the legal parser reads lines ("Điều 1.", "| cell | cell |"), so each format's body is flattened to lines
the same way: markdown markers dropped, one line per HTML block, table rows as ``a | b | c``; the parts a
stamp may stand in (page headers, text boxes, properties) are kept apart for the secrecy check
(``core.extracted_text``). A file that is not what its extension says, is damaged, or would inflate past the
limits is refused with a message naming what it really is. Run through ``connectors.extraction_child``.
"""

from __future__ import annotations

import io
import re
import zlib

from connectors.docx_parts import docx_parts
from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS, ExtractionLimits
from connectors.html_parts import html_parts, html_text
from connectors.sniffing import is_pdf, sniff
from connectors.text_decoding import decode_text
from core.errors import RejectedInput
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


def pdf_parts(data: bytes, limits: ExtractionLimits) -> ExtractedText:
    """The text layer of a PDF, page after page, refused past ``limits.max_pages``. A scan needs OCR first."""
    if not is_pdf(data):
        raise RejectedInput(f"tệp .pdf không phải PDF: nội dung thực là {sniff(data)}")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedInput("PDF được bảo vệ bằng mật khẩu: không đọc được")
        count = len(reader.pages)
        if count == 0:
            raise RejectedInput("tệp PDF hỏng: không đọc được trang nào")
        if count > limits.max_pages:
            raise RejectedInput(f"PDF có {count} trang, vượt giới hạn {limits.max_pages} trang")
        pages = [page.extract_text() or "" for page in reader.pages]
        metadata = {k.lstrip("/").casefold(): str(v) for k, v in (reader.metadata or {}).items()
                    if isinstance(v, str) and k in ("/Title", "/Subject", "/Keywords")}
    except RejectedInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, zlib.error, RecursionError) as exc:
        raise RejectedInput(f"tệp PDF hỏng hoặc bị cắt cụt ({type(exc).__name__})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise RejectedInput("PDF không có lớp văn bản (bản quét?): cần nhận dạng chữ (OCR) trước khi đưa vào")
    parts = ExtractedText.plain(text)
    parts.metadata = metadata
    return parts


def extract_parts(suffix: str, data: bytes, limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS) -> ExtractedText:
    """The parts of one file by its extension (``.docx``, ``.pdf``, ``.html``, ``.md``, anything else as text)."""
    suffix = suffix.lower()
    if suffix == ".docx":
        return docx_parts(data, limits)
    if suffix == ".pdf":
        return pdf_parts(data, limits)
    text = decode_text(data)
    if suffix in (".html", ".htm"):
        return html_parts(text)
    if suffix == ".md":
        return ExtractedText.plain(markdown_text(text))
    return ExtractedText.plain(text)
