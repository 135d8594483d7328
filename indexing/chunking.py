"""Route a document to the parser that knows its structure.

Legal texts (acts, plans, decisions, letters) are the pipeline's own: ``indexing.legal_parser``. Records with a
structure of their own (a procedure, a warehouse summary) are parsed by their capability's package, which the
composition root registers here by document kind: indexing never imports a capability (the layers stay one-way).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from core.documents import Chunk, Document
from core.errors import RejectedInput
from indexing.chunk_pages import assign_pages
from indexing.legal_parser import parse_legal

RecordParser = Callable[[Document], list[Chunk]]
"""Chunks of one record whose kind a capability owns (``tthc``, ``warehouse``), in record order."""

RECORD_KINDS = frozenset({"tthc", "warehouse"})
"""Kinds the connectors produce whose structure is not a legal text's: they need a registered parser."""


def chunk_document(doc: Document, max_chunk_chars: int,
                   parsers: Mapping[str, RecordParser] | None = None) -> tuple[Document, list[Chunk]]:
    """Return the document (header metadata merged in) and its citable chunks, in document order.

    A kind in ``parsers`` goes to that parser; every other document is read as a legal text. A record kind with
    no parser registered is refused rather than read as a legal text it is not.
    """
    parser = (parsers or {}).get(doc.kind)
    if parser is not None:
        chunks = parser(doc)
    elif doc.kind in RECORD_KINDS:
        raise RejectedInput(f"không có bộ đọc cho loại bản ghi {doc.kind!r} (no parser registered for {doc.kind!r})")
    else:
        parsed = parse_legal(doc, max_chunk_chars=max_chunk_chars)
        # The parser already merged the connector's fields under the text's own (the text as issued wins;
        # disagreements are in metadata["metadata_conflicts"]), so its metadata replaces the connector's.
        doc = replace(doc, metadata=parsed.metadata, title=parsed.title or doc.title)
        chunks = parsed.chunks
        assign_pages(chunks, doc.text, doc.line_pages, doc.metadata.get("ocr_pages") or ())
    if not chunks:
        raise RejectedInput("không tìm thấy nội dung nào để lập chỉ mục (no indexable text)")
    return doc, chunks
