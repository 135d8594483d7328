"""Extraction of untrusted files in a child process with memory and time limits.

Why: a decompression bomb or a PDF of heavy pages that slips past the size checks must cost one file, never
the API or the ingest run. One child serves a whole run (it is started on the first file that needs it);
a file that makes it crash, run out of memory or overrun its time is a one-line rejection, and the next file
gets a fresh child. Plain text and markdown are decoded in-process: there is nothing to inflate.
"""

from __future__ import annotations

from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS, ExtractionLimits
from connectors.extractors import extract_parts
from connectors.image_pages import IMAGE_SUFFIXES
from core.child_process import ChildCrashed, ChildOutOfMemory, ChildProcessError, ChildTimeout
from core.child_worker import ChildWorker
from core.errors import RejectedInput
from core.extracted_text import ExtractedText

IN_CHILD_SUFFIXES = (".docx", ".doc", ".pdf", ".html", ".htm", *IMAGE_SUFFIXES)


class _Extractor:
    """What the child hosts: ``extract_parts`` behind a method the worker can call."""

    def extract(self, suffix: str, data: bytes, limits: ExtractionLimits) -> ExtractedText:
        return extract_parts(suffix, data, limits)


def new_extractor() -> _Extractor:
    return _Extractor()


class ExtractionChild:
    """Extracts files one at a time; ``close()`` (or ``with``) stops the child."""

    def __init__(self, limits: ExtractionLimits = DEFAULT_EXTRACTION_LIMITS) -> None:
        self.limits = limits
        self._worker: ChildWorker | None = None

    def __enter__(self) -> ExtractionChild:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def extract(self, suffix: str, data: bytes) -> ExtractedText:
        """The file's parts; RejectedInput for a bad file and for one that broke the child's limits."""
        if suffix.lower() not in IN_CHILD_SUFFIXES:
            return extract_parts(suffix, data, self.limits)
        if self._worker is None:
            self._worker = ChildWorker(new_extractor, name="extractor", start_timeout_s=60.0,
                                       memory_bytes=self.limits.memory_bytes)
        try:
            return self._worker.call("extract", suffix, data, self.limits, timeout_s=self.limits.timeout_s)
        except ChildOutOfMemory:
            mib = (self.limits.memory_bytes or 0) // (1024 * 1024)
            raise RejectedInput(f"đọc tệp vượt giới hạn bộ nhớ {mib} MiB (nghi bom giải nén)") from None
        except ChildTimeout:
            raise RejectedInput(f"đọc tệp quá {self.limits.timeout_s:g} giây: tệp quá nặng, đã dừng") from None
        except ChildCrashed as exc:
            raise RejectedInput(f"trình đọc tệp bị dừng đột ngột ({exc.summary.split(';')[0]})") from None
        except ChildProcessError as exc:
            raise RejectedInput(f"không đọc được tệp ({exc.summary[:120]})") from None
        except MemoryError:
            raise RejectedInput("đọc tệp vượt giới hạn bộ nhớ (nghi bom giải nén)") from None
