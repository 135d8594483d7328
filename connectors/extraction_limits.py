"""How much an untrusted file may make us unpack and read, checked before anything is inflated.

Why: a 100 KB .docx can inflate to gigabytes and a PDF can declare a hundred thousand pages. Sizes and ratios
are read from the ZIP directory first; whatever still gets through is stopped by the child process's memory
and time limits (``connectors.extraction_child``).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import RejectedInput

if TYPE_CHECKING:
    from core.settings import Settings

_MB = 1024 * 1024


@dataclass(frozen=True)
class ExtractionLimits:
    """``max_unpacked_bytes`` for all members of a package together; ``max_ratio`` for any member over 1 MB;
    ``max_pages`` of a PDF; ``timeout_s`` / ``memory_bytes`` for the child process that extracts one file."""

    max_unpacked_bytes: int = 200 * _MB
    max_ratio: float = 100.0
    max_members: int = 5000
    max_pages: int = 2000
    timeout_s: float = 120.0
    memory_bytes: int | None = 2048 * _MB
    max_xml_part_bytes: int = 64 * _MB  # one XML part: 190 MB of XML in a 5 MB .docx passes every ratio

    def __post_init__(self) -> None:
        for name in ("max_unpacked_bytes", "max_ratio", "max_members", "max_pages", "timeout_s",
                     "max_xml_part_bytes"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")
        if self.memory_bytes is not None and self.memory_bytes <= 0:
            raise ValueError(f"memory_bytes must be > 0 or None, got {self.memory_bytes!r}")

    @classmethod
    def from_settings(cls, settings: Settings) -> ExtractionLimits:
        return cls(max_unpacked_bytes=settings.extract_max_unpacked_bytes, max_ratio=settings.extract_max_ratio,
                   max_pages=settings.extract_max_pdf_pages, timeout_s=settings.extract_timeout_s,
                   memory_bytes=settings.extract_memory_bytes,
                   max_xml_part_bytes=settings.extract_max_xml_part_bytes)


DEFAULT_EXTRACTION_LIMITS = ExtractionLimits()


def check_zip_package(data: bytes, limits: ExtractionLimits) -> zipfile.ZipFile:
    """The opened package when its directory promises sizes within ``limits``; RejectedInput naming which not."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise RejectedInput(f"tệp .docx hỏng hoặc bị cắt cụt ({type(exc).__name__})") from None
    if len(members) > limits.max_members:
        raise RejectedInput(f"tệp nén có {len(members)} thành phần, vượt giới hạn {limits.max_members}")
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise RejectedInput(
            f"tệp nén bung ra {total / _MB:.1f} MB, vượt giới hạn {limits.max_unpacked_bytes / _MB:.1f} MB "
            "(nghi bom giải nén)"
        )
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels")) and member.file_size > limits.max_xml_part_bytes:
            raise RejectedInput(
                f"thành phần «{member.filename[:80]}» bung ra {member.file_size / _MB:.1f} MB XML, vượt giới hạn "
                f"{limits.max_xml_part_bytes / _MB:.0f} MB (nghi bom giải nén)"
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _MB and ratio > limits.max_ratio:
            raise RejectedInput(
                f"thành phần «{member.filename[:80]}» nén {ratio:.0f}:1, vượt giới hạn {limits.max_ratio:.0f}:1 "
                "(nghi bom giải nén)"
            )
    return package
