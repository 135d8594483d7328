"""The folder connector: files and folders of documents (.txt, .md, .html, .docx, .doc, .pdf, scans as .png /
.jpg / .tif, plus .json / .jsonl by content) into Documents.

Every text read here is decoded (``text_decoding``), flattened to lines by its format (``extractors``),
normalised to NFC, and becomes a kind="legal" Document: the legal parser finds
Chương/Điều/Khoản when they are there and falls back to plain splitting when they are not. The file's parts
(page headers, text boxes, properties) travel with it for the indexer's secrecy check. Extraction runs in a
child process under ``ExtractionLimits``. Anything wrong with a file is a one-line Rejection; the next file
is still read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from connectors.articles import ArticlesConnector
from connectors.base import (
    DEFAULT_MAX_BYTES,
    Rejection,
    load_json,
    read_bytes,
    walk_files,
)
from connectors.document_identity import folder_doc_id
from connectors.extraction_child import ExtractionChild
from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS, ExtractionLimits
from connectors.image_pages import IMAGE_SUFFIXES
from connectors.page_numbers import line_pages, page_metadata
from connectors.text_decoding import normalized_body
from connectors.tthc import looks_like_tthc, tthc_document
from connectors.warehouse import looks_like_warehouse, warehouse_documents
from core.documents import Document
from core.errors import RejectedInput
from core.tables import find_flattened_tables, tables_from_blocks

TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".doc", ".pdf", *IMAGE_SUFFIXES)
JSON_SUFFIXES = (".json", ".jsonl")
# Document formats people will drop into a folder that we cannot read: reported, never silently skipped.
KNOWN_UNSUPPORTED = {
    ".rtf": "tệp .rtf chưa được hỗ trợ: hãy lưu lại thành .docx",
    ".odt": "tệp .odt chưa được hỗ trợ: hãy lưu lại thành .docx",
}
TITLE_MAX = 200


def first_line_title(text: str) -> str:
    """The first non-empty line, cut at a word boundary near TITLE_MAX characters."""
    for line in text.splitlines():
        line = " ".join(line.split()).strip("#*_|- ")
        if line:
            if len(line) <= TITLE_MAX:
                return line
            return line[:TITLE_MAX].rsplit(" ", 1)[0] + "…"
    return ""


def file_document(path: Path, doc_id: str, max_bytes: int, extractor: ExtractionChild | None = None) -> Document:
    """Read one text-bearing file into a Document; raises RejectedInput."""
    data = read_bytes(path, max_bytes)
    if extractor is None:
        with ExtractionChild() as child:
            parts = child.extract(path.suffix, data)
    else:
        parts = extractor.extract(path.suffix, data)
    text = normalized_body(parts.body_text())
    if not text.strip():
        raise RejectedInput("tệp không có nội dung (rỗng hoặc chỉ có khoảng trắng)")
    return Document(
        doc_id=doc_id,
        kind="legal",
        title=first_line_title(text),
        text=text,
        source=str(path),
        metadata={"source_format": path.suffix.lower().lstrip("."), **page_metadata(parts)},
        parts=parts,
        tables=tables_from_blocks(parts.body) or find_flattened_tables(text.split("\n")),
        line_pages=line_pages(parts.body, text),
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

    def __init__(self, paths: Iterable[Path], max_bytes: int = DEFAULT_MAX_BYTES, include_json: bool = True,
                 limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS) -> None:
        self.paths = [Path(p) for p in paths]
        self.max_bytes = max_bytes
        self.suffixes = TEXT_SUFFIXES + (JSON_SUFFIXES if include_json else ())
        self.limits = limits
        self._extractor: ExtractionChild | None = None

    def documents(self) -> Iterator[Document | Rejection]:
        self._extractor = ExtractionChild(self.limits)
        try:
            yield from self._documents()
        finally:
            self._extractor.close()

    def _documents(self) -> Iterator[Document | Rejection]:
        for root in self.paths:
            if root.is_dir():
                for item in walk_files(root, self.suffixes + tuple(KNOWN_UNSUPPORTED)):
                    if isinstance(item, Rejection):
                        yield item
                    else:
                        yield from self._read(item, folder_doc_id(item.relative_to(root).as_posix()))
            elif root.exists():
                yield from self._read(root, folder_doc_id(root.name))
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
                yield file_document(path, doc_id, self.max_bytes, self._extractor)
            except RejectedInput as exc:
                yield Rejection(str(path), str(exc))
