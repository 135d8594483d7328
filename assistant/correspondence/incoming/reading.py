"""An incoming file read the way ``assistant index`` reads it (extraction child, OCR of scans, digital
signatures), without indexing it: the card is made from the same ``Document`` the index would hold.

Why a check before reading: a scan takes Tesseract minutes on a busy server, so the API answers at once only
for a file with a text layer and queues the rest as a job (``needs_ocr``)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from connectors.extraction_child import ExtractionChild
from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS, ExtractionLimits
from connectors.files import TEXT_SUFFIXES, file_document
from connectors.image_pages import IMAGE_SUFFIXES
from core.documents import Document
from core.errors import RejectedInput
from core.secrecy import detect_secrecy_stamp, secrecy_reason

INCOMING_SUFFIXES: tuple[str, ...] = TEXT_SUFFIXES
_OCR_CHECK_PAGES = 3
_CHECK_TIMEOUT_S = 60.0
_CHECK_MEMORY = 2 * 1024 ** 3


def needs_ocr(name: str, data: bytes) -> bool:
    """True for a picture, or a PDF one of whose first pages has no usable text layer. The PDF is opened in a
    child process under time and memory limits (it is an upload); one that breaks them goes the job's way, where
    the extraction child refuses it with its own reason."""
    suffix = Path(name).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return True
    if suffix != ".pdf":
        return False
    from core.child_process import ChildProcessError, Limits
    from core.child_worker import call_in_child

    try:
        return bool(call_in_child(_pdf_needs_ocr, data, name="incoming-ocr-check",
                                  limits=Limits(timeout_s=_CHECK_TIMEOUT_S, memory_bytes=_CHECK_MEMORY)))
    except ChildProcessError:
        return True


def _pdf_needs_ocr(data: bytes) -> bool:
    import pdfplumber

    from connectors.pdf_pages import needs_ocr as page_needs_ocr

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return any(page_needs_ocr(page) for page in pdf.pages[:_OCR_CHECK_PAGES])
    except Exception:  # noqa: BLE001 - a damaged PDF is refused by the reader with its own reason
        return False


def read_incoming(name: str, data: bytes, max_bytes: int, child: ExtractionChild | None = None,
                  limits: ExtractionLimits | None = None) -> Document:
    """The file as a Document; ``RejectedInput`` naming the reason for an unsupported, empty, broken or secret
    file (documents stamped Mật, Tối mật, Tuyệt mật never enter the system, incoming ones included). ``limits``
    (``ExtractionLimits.from_settings``) bound the extraction child when none is given."""
    base = Path(name.replace("\\", "/")).name or "van-ban"
    suffix = Path(base).suffix.lower()
    if suffix not in INCOMING_SUFFIXES:
        raise RejectedInput(f"định dạng {suffix or '(không có đuôi)'} không đọc được; "
                            f"nhận {', '.join(INCOMING_SUFFIXES)}")
    if not data:
        raise RejectedInput("tệp rỗng")
    if len(data) > max_bytes:
        raise RejectedInput(f"tệp vượt giới hạn {max_bytes // (1024 * 1024)} MB")
    with tempfile.TemporaryDirectory(prefix="incoming-") as folder:
        path = Path(folder) / base
        path.write_bytes(data)
        if child is None:
            with ExtractionChild(limits or DEFAULT_EXTRACTION_LIMITS) as own:
                doc = file_document(path, f"incoming:{base}", max_bytes, own)
        else:
            doc = file_document(path, f"incoming:{base}", max_bytes, child)
    stamp = detect_secrecy_stamp(doc.text)
    if stamp:
        raise RejectedInput(secrecy_reason(stamp))
    return doc
