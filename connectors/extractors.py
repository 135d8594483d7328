"""Plain text out of the four document formats people drop into a folder: .txt/.md, .html, .docx, .pdf.

Why: the legal parser reads lines ("Điều 1.", "| cell | cell |"), so each format is flattened to lines the
same way: markdown markers dropped, one line per HTML block, table rows as ``a | b | c``. A file that is
not what its extension says, or is damaged, is refused with a message naming what it really is.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from connectors.sniffing import is_pdf, is_zip_package, sniff
from connectors.text_decoding import decode_text
from core.errors import RejectedInput

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*(?=\S))(.+?)\1")
_DROP_TAGS = ["script", "style", "nav", "noscript", "template", "iframe", "svg", "head", "button"]
_BLOCK_TAGS = [
    "p", "div", "section", "article", "main", "header", "footer", "aside", "h1", "h2", "h3", "h4", "h5",
    "h6", "li", "ul", "ol", "table", "thead", "tbody", "tfoot", "caption", "blockquote", "pre", "dl", "dt",
    "dd", "figure", "figcaption", "address", "center", "hr", "form", "fieldset",
]  # fmt: skip


def markdown_text(text: str) -> str:
    """Drop heading hashes and emphasis markers so "## **Điều 1.**" reads as "Điều 1." to the legal parser."""
    lines = [_MD_EMPHASIS.sub(r"\2", _MD_HEADING.sub("", line)) for line in text.splitlines()]
    return "\n".join(lines)


def html_text(markup: str) -> str:
    """Visible text of an HTML page, one line per block element, table rows as ``a | b | c``."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    # A page's own header/footer is site chrome; one inside the article may carry the document's heading.
    for tag in soup(["header", "footer"]):
        if not tag.find_parent(["main", "article"]):
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for row in reversed(soup.find_all("tr")):  # innermost rows first: nested tables flatten cleanly
        cells = [" ".join(c.get_text(" ").split()) for c in row.find_all(["td", "th"], recursive=False)]
        row.replace_with("\n" + " | ".join(c for c in cells if c) + "\n")
    for block in soup.find_all(_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return "\n".join(line for line in lines if line)


def _docx_table_lines(table: Any) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        grid = row.cells  # one entry per grid column: a merged cell repeats across the columns it spans
        column = 0
        while column < len(grid):
            cell = grid[column]
            column += max(1, cell.grid_span)
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def docx_text(data: bytes) -> tuple[str, str]:
    """(body, page headers) of a .docx: paragraphs and tables in document order.

    Headers are returned apart because a secrecy stamp often sits in the page header only.
    """
    if not is_zip_package(data):
        raise RejectedInput(f"tệp .docx không phải tài liệu Word (DOCX): nội dung thực là {sniff(data)}")
    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.text.paragraph import Paragraph
    from lxml.etree import XMLSyntaxError

    try:
        doc = open_docx(io.BytesIO(data))
        lines: list[str] = []
        for block in doc.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines.extend(_docx_table_lines(block))
        headers = [
            p.text
            for section in doc.sections
            for part in (section.header, section.first_page_header)
            for p in part.paragraphs
        ]
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, EOFError, zlib.error, XMLSyntaxError) as exc:
        raise RejectedInput(f"tệp .docx hỏng hoặc bị cắt cụt ({type(exc).__name__})") from None
    return "\n".join(lines), "\n".join(headers)


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page after page. A scan without one must go through OCR first."""
    if not is_pdf(data):
        raise RejectedInput(f"tệp .pdf không phải PDF: nội dung thực là {sniff(data)}")
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedInput("PDF được bảo vệ bằng mật khẩu: không đọc được")
        if len(reader.pages) == 0:
            raise RejectedInput("tệp PDF hỏng: không đọc được trang nào")
        pages = [page.extract_text() or "" for page in reader.pages]
    except RejectedInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, zlib.error, RecursionError) as exc:
        raise RejectedInput(f"tệp PDF hỏng hoặc bị cắt cụt ({type(exc).__name__})") from None
    text = "\n".join(pages)
    if not text.strip():
        raise RejectedInput("PDF không có lớp văn bản (bản quét?): cần nhận dạng chữ (OCR) trước khi đưa vào")
    return text


def extract_text(path: Path, data: bytes) -> tuple[str, str]:
    """(body text, extra text checked only for secrecy stamps) by the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_text(data)
    if suffix == ".pdf":
        return pdf_text(data), ""
    text = decode_text(data)
    if suffix in (".html", ".htm"):
        return html_text(text), ""
    if suffix == ".md":
        return markdown_text(text), ""
    return text, ""
