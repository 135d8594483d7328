"""Files and folders of documents: .txt, .md, .html, .docx, .pdf, plus .json / .jsonl by content.

Every text read here goes through ``normalize_text`` (NFC, one tone placement), is checked for a
secrecy stamp, and becomes a kind="legal" Document: the legal parser finds Chương/Điều/Khoản when
they are there and falls back to plain splitting when they are not. Anything wrong with a file is
a one-line Rejection; the next file is still read.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from connectors.articles import ArticlesConnector
from connectors.base import (
    DEFAULT_MAX_BYTES,
    Rejection,
    check_secrecy,
    load_json,
    read_bytes,
    walk_files,
)
from connectors.tthc import looks_like_tthc, tthc_document
from connectors.warehouse import looks_like_warehouse, warehouse_documents
from core.documents import Document
from core.errors import RejectedInput
from core.vietnamese import normalize_text

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
JSON_SUFFIXES = (".json", ".jsonl")
# Document formats people will drop into a folder that we cannot read: reported, never silently skipped.
KNOWN_UNSUPPORTED = {
    ".doc": "tệp .doc (Word 97-2003) chưa được hỗ trợ: hãy lưu lại thành .docx",
    ".rtf": "tệp .rtf chưa được hỗ trợ: hãy lưu lại thành .docx",
    ".odt": "tệp .odt chưa được hỗ trợ: hãy lưu lại thành .docx",
}
TITLE_MAX = 200

# --------------------------------------------------------------------------- encodings

_VI_MARKERS = set("ăđơưĂĐƠƯ\u0309\u0323")
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


def _looks_vietnamese(text: str) -> bool:
    """Enough words carry letters or tones only Vietnamese uses (ă đ ơ ư, hook above, dot below)."""
    words = _WORDS.findall(unicodedata.normalize("NFC", text))
    marked = sum(1 for w in words if _VI_MARKERS.intersection(unicodedata.normalize("NFD", w)))
    return marked >= 2 and marked >= 0.1 * len(words)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1258 that reads as Vietnamese.

    Windows-1258 decodes almost any byte string, so it is accepted only when the result looks like
    Vietnamese; anything else (Latin-1, TCVN3, binary) is refused rather than indexed as mojibake.
    """
    refuse = RejectedInput("không đọc được: mã hoá không phải UTF-8")
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1258")
                if not _looks_vietnamese(text):
                    raise refuse from None
    except UnicodeDecodeError:
        raise refuse from None
    if "\x00" in text:
        raise RejectedInput("không đọc được: tệp nhị phân, không phải văn bản")
    return text


# --------------------------------------------------------------------------- formats

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*(?=\S))(.+?)\1")


def markdown_text(text: str) -> str:
    """Drop heading hashes and emphasis markers so "## **Điều 1.**" reads as "Điều 1." to the legal parser."""
    lines = [_MD_EMPHASIS.sub(r"\2", _MD_HEADING.sub("", line)) for line in text.splitlines()]
    return "\n".join(lines)


_DROP_TAGS = ["script", "style", "nav", "noscript", "template", "iframe", "svg", "head", "button"]
_BLOCK_TAGS = [
    "p", "div", "section", "article", "main", "header", "footer", "aside", "h1", "h2", "h3", "h4", "h5",
    "h6", "li", "ul", "ol", "table", "thead", "tbody", "tfoot", "caption", "blockquote", "pre", "dl", "dt",
    "dd", "figure", "figcaption", "address", "center", "hr", "form", "fieldset",
]  # fmt: skip


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
        last = None
        for cell in row.cells:
            if cell._tc is last:  # a merged cell repeats across the columns it spans
                continue
            last = cell._tc
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
    if not data.startswith(b"PK\x03\x04"):
        raise RejectedInput(f"tệp .docx không phải tài liệu Word (DOCX): nội dung thực là {_sniff(data)}")
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
    if not data.lstrip(b"\r\n\t \x00").startswith(b"%PDF"):
        raise RejectedInput(f"tệp .pdf không phải PDF: nội dung thực là {_sniff(data)}")
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


def _sniff(data: bytes) -> str:
    """A human name for what a mislabelled file really is."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "PDF"
    if head.startswith(b"PK\x03\x04"):
        return "tệp ZIP"
    if head.startswith(b"\x89PNG"):
        return "ảnh PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "ảnh JPEG"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "tài liệu Word/Excel 97-2003 (.doc/.xls)"
    if head.lstrip().startswith((b"<", b"<!")):
        return "HTML/XML"
    try:
        data[:4096].decode("utf-8")
        return "văn bản thuần"
    except UnicodeDecodeError:
        return "dữ liệu nhị phân không rõ"


# --------------------------------------------------------------------------- documents


def first_line_title(text: str) -> str:
    """The first non-empty line, cut at a word boundary near TITLE_MAX characters."""
    for line in text.splitlines():
        line = " ".join(line.split()).strip("#*_|- ")
        if line:
            if len(line) <= TITLE_MAX:
                return line
            return line[:TITLE_MAX].rsplit(" ", 1)[0] + "…"
    return ""


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


def file_document(path: Path, doc_id: str, max_bytes: int) -> Document:
    """Read one text-bearing file into a Document; raises RejectedInput (or SecretDocument)."""
    data = read_bytes(path, max_bytes)
    body, extra = extract_text(path, data)
    text = "\n".join(line.rstrip() for line in normalize_text(body).splitlines()).strip("\n")
    if not text.strip():
        raise RejectedInput("tệp không có nội dung (rỗng hoặc chỉ có khoảng trắng)")
    check_secrecy(text, normalize_text(extra))
    return Document(
        doc_id=doc_id,
        kind="legal",
        title=first_line_title(text),
        text=text,
        source=str(path),
        metadata={"source_format": path.suffix.lower().lstrip(".")},
    )


def json_documents(path: Path, max_bytes: int) -> Iterator[Document | Rejection]:
    """A .json file is a TTHC export or a warehouse file; which one is decided by its content."""
    try:
        data = load_json(path, max_bytes)
        if looks_like_tthc(data):
            yield tthc_document(data, str(path))
            return
    except RejectedInput as exc:
        yield Rejection(str(path), str(exc))
        return
    if looks_like_warehouse(data):
        yield from warehouse_documents(data, str(path))
    else:
        yield Rejection(str(path), "JSON không khớp định dạng nào (TTHC / kho dữ liệu)")


class FolderConnector:
    """Files and folders given on the command line or uploaded; folders are walked in sorted order.

    When a folder is walked, files of other types (images, archives) are skipped silently; a file
    named explicitly with an unsupported type is a Rejection, so the person knows it was not read.
    """

    def __init__(self, paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES, include_json: bool = True):
        self.paths = [Path(p) for p in paths]
        self.max_bytes = max_bytes
        self.suffixes = TEXT_SUFFIXES + (JSON_SUFFIXES if include_json else ())

    def documents(self) -> Iterator[Document | Rejection]:
        for root in self.paths:
            if root.is_dir():
                for item in walk_files(root, self.suffixes + tuple(KNOWN_UNSUPPORTED)):
                    if isinstance(item, Rejection):
                        yield item
                    else:
                        yield from self._read(item, "file:" + item.relative_to(root).as_posix())
            elif root.exists():
                yield from self._read(root, "file:" + root.name)
            else:
                yield Rejection(str(root), "không tìm thấy tệp hoặc thư mục")

    def _read(self, path: Path, doc_id: str) -> Iterator[Document | Rejection]:
        suffix = path.suffix.lower()
        if suffix in KNOWN_UNSUPPORTED:
            yield Rejection(str(path), KNOWN_UNSUPPORTED[suffix])
        elif suffix not in self.suffixes:
            accepted = ", ".join(self.suffixes)
            yield Rejection(
                str(path), f"định dạng không hỗ trợ: «{suffix or 'không có đuôi'}» (nhận {accepted})"
            )
        elif suffix == ".json":
            yield from json_documents(path, self.max_bytes)
        elif suffix == ".jsonl":
            yield from ArticlesConnector(path, self.max_bytes).documents()
        else:
            try:
                yield file_document(path, doc_id, self.max_bytes)
            except RejectedInput as exc:
                yield Rejection(str(path), str(exc))
