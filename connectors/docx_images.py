"""Pictures pasted into a .docx (a scanned attachment, a photographed notice) read through OCR.

Why: officials paste the scan of a signed page into a Word file as often as they type it; its text must be
searchable like the rest. The pictures' text is added after the body, in the package's media order (Word
numbers media in insertion order), each picture's lines as body blocks. Logos and pictures without readable
text (under 300 × 120 pixels, or read with confidence under 50) add nothing.
"""

from __future__ import annotations

import io
import re
import zipfile

from connectors.ocr import ocr_missing, ocr_pages
from core.extracted_text import ExtractedText, TextBlock

MIN_SIZE = (300, 120)
MIN_CONFIDENCE = 50.0
_MEDIA = re.compile(r"word/media/[^/]+\.(png|jpe?g|tiff?|bmp|gif)$", re.I)


def _order(name: str) -> tuple[int, str]:
    digits = re.findall(r"\d+", name)
    return (int(digits[-1]) if digits else 0, name)


def add_image_text(parts: ExtractedText, data: bytes) -> ExtractedText:
    """``parts`` with the OCR text of the document's pictures appended to its body (the package was size-checked
    by ``docx_parts`` already); pictures left unread for want of OCR are counted in ``ocr_skipped_images``."""
    from PIL import Image, UnidentifiedImageError

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = sorted((n for n in package.namelist() if _MEDIA.match(n)), key=_order)
        images = []
        for name in names:
            try:
                img = Image.open(io.BytesIO(package.read(name)))
                if img.width >= MIN_SIZE[0] and img.height >= MIN_SIZE[1]:
                    img.load()
                    images.append(img)
            except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
                continue
    if not images:
        return parts
    if ocr_missing() is not None:
        parts.ocr_skipped_images += len(images)
        return parts
    for page in ocr_pages([(0, img) for img in images], [1_000_000_000]):
        if page.confidence >= MIN_CONFIDENCE and any(b.text.strip() for _, b in page.blocks):
            parts.body.extend(TextBlock(b.text, b.cells, b.table, 0) for _, b in page.blocks)
            parts.ocr_images += 1
    return parts
