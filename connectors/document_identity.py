"""Document identity, defined once for the CLI, the API and every connector.

- The source system's own id when it gives one: the DMS sends its document id with an upload →
  ``ext:<system>:<id>``; the same id again replaces that document, two systems never collide.
- Otherwise source + path: a folder walked by ``assistant index`` → ``file:<path under the folder>`` (a file
  named alone → ``file:<name>``); an upload without an id → ``upload:<uploader>/<file name>``, so two offices'
  ``baocao.docx`` stay two documents while one office's re-upload replaces its own.
- Reserved namespaces (``kho:`` warehouse records, ``tthc:`` procedures) come only from their connectors:
  an upload may never produce them, and so can never overwrite their points or their access labels.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from core.errors import RejectedInput

RESERVED_PREFIXES: tuple[str, ...] = ("kho:", "tthc:")
UPLOAD_PREFIX = "upload:"
EXTERNAL_PREFIX = "ext:"
MAX_PART = 120
_SAFE = re.compile(r"^[\w.\-/]+$")


def _clean_part(value: str, what: str) -> str:
    text = unicodedata.normalize("NFC", value).strip()
    if not text or len(text) > MAX_PART:
        raise RejectedInput(f"{what} phải có 1–{MAX_PART} ký tự, nhận được {len(text)}")
    if not _SAFE.match(text) or ".." in text or text.startswith("/"):
        raise RejectedInput(f"{what} chỉ được chứa chữ, số, dấu . - _ /: {text[:40]!r}")
    return text


def folder_doc_id(relative_path: PurePosixPath | str) -> str:
    """``file:<path under the folder given to assistant index>`` (ids of earlier runs stay the same)."""
    return "file:" + str(PurePosixPath(relative_path))


def upload_doc_id(filename: str, uploader: str, source_system: str | None = None,
                  external_id: str | None = None) -> str:
    """The id of an uploaded document: the sender's own id when given, else uploader + file name."""
    if external_id:
        system = _clean_part(source_system or "dms", "source_system")
        return f"{EXTERNAL_PREFIX}{system}:{_clean_part(external_id, 'external_id')}"
    if source_system:
        raise RejectedInput("source_system chỉ dùng kèm external_id")
    return f"{UPLOAD_PREFIX}{_clean_part(uploader, 'uploader')}/{filename}"


def reserved_namespace(doc_id: str) -> str | None:
    """The reserved prefix ``doc_id`` falls in, if any."""
    return next((p for p in RESERVED_PREFIXES if doc_id.startswith(p)), None)


def refuse_reserved(doc_id: str) -> None:
    """Uploads: RejectedInput when the document would land in a connector's reserved namespace."""
    prefix = reserved_namespace(doc_id)
    if prefix:
        raise RejectedInput(f"tệp tải lên không được tạo văn bản mã «{prefix}…»: vùng mã này chỉ dành cho "
                            "connector của nó (kho dữ liệu / TTHC)")
