"""Route a document to the parser that knows its structure."""

from __future__ import annotations

from dataclasses import replace

from core.documents import Chunk, Document
from core.errors import RejectedInput
from indexing.chunk_pages import assign_pages


def chunk_document(doc: Document, max_chunk_chars: int) -> tuple[Document, list[Chunk]]:
    """Return the document (header metadata merged in) and its citable chunks, in document order."""
    if doc.kind == "tthc":
        from indexing.tthc_parser import parse_tthc

        chunks = parse_tthc(doc)
    elif doc.kind == "warehouse":
        from indexing.warehouse_parser import parse_warehouse

        chunks = parse_warehouse(doc)
    else:
        from indexing.legal_parser import parse_legal

        parsed = parse_legal(doc, max_chunk_chars=max_chunk_chars)
        # The parser already merged the connector's fields under the text's own (the text as issued wins;
        # disagreements are in metadata["metadata_conflicts"]), so its metadata replaces the connector's.
        doc = replace(doc, metadata=parsed.metadata, title=parsed.title or doc.title)
        chunks = parsed.chunks
        assign_pages(chunks, doc.text, doc.line_pages, doc.metadata.get("ocr_pages") or ())
    if not chunks:
        raise RejectedInput("không tìm thấy nội dung nào để lập chỉ mục (no indexable text)")
    return doc, chunks
