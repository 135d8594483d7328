"""The indexed documents as a person may see them: every header field, the source format, pages and OCR
confidence (``catalog``), and who may read each (``access``: an administrator's relabelling, a payload update on
every chunk with the records that cite the document). This module is the face the rest of the product uses."""

from assistant.documents.access import AccessChange, change_access, current_label
from assistant.documents.catalog import (
    document_record,
    record_lines,
    record_row,
    visible_document,
    visible_documents,
)
from assistant.documents.coverage import Coverage, coverage_text

__all__ = ["AccessChange", "Coverage", "change_access", "coverage_text", "current_label", "document_record",
           "record_lines", "record_row", "visible_document", "visible_documents"]
