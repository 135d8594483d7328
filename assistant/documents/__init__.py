"""The indexed documents as a person may see them: every header field, the source format, pages and OCR
confidence (``catalog``). This module is the face the rest of the product uses."""

from assistant.documents.catalog import (
    document_record,
    record_lines,
    record_row,
    visible_document,
    visible_documents,
)

__all__ = ["document_record", "record_lines", "record_row", "visible_document", "visible_documents"]
