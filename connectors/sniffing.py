"""What a file really is, from its first bytes, whatever its name says.

Why: people rename files ("báo cáo.pdf" that is a Word 97 document, a ".docx" that is a web page); the
rejection must say what the file actually is so the person knows how to fix it.
"""

from __future__ import annotations

_DOCX_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF"


def is_zip_package(data: bytes) -> bool:
    """A ZIP container, as every .docx is."""
    return data.startswith(_DOCX_MAGIC)


def is_pdf(data: bytes) -> bool:
    """A PDF header, allowing the blank bytes some generators put before it."""
    return data.lstrip(b"\r\n\t \x00").startswith(_PDF_MAGIC)


def sniff(data: bytes) -> str:
    """A human name for what a mislabelled file really is."""
    head = data[:8]
    if head.startswith(_PDF_MAGIC):
        return "PDF"
    if head.startswith(_DOCX_MAGIC):
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
