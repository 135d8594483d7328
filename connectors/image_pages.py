"""Scanned pages delivered as pictures (.png, .jpg/.jpeg, .tif/.tiff, a multi-page TIFF) read through OCR.

Why a module of its own: an image has no text layer at all, so OCR is the whole extraction; the file must
really be an image, and its pixel count is capped before decoding (a 100 000 × 100 000 PNG is a few KB).
"""

from __future__ import annotations

import io

from connectors.extraction_limits import ExtractionLimits
from connectors.ocr import ocr_pages, require_ocr
from connectors.sniffing import sniff
from core.errors import RejectedInput
from core.extracted_text import ExtractedText

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_PIXELS = 12_000 * 12_000  # an A0 page at 300 dpi is ~ 9 900 × 14 000; larger is a bomb, not a scan
_MAGIC = {".png": (b"\x89PNG",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
          ".tif": (b"II*\x00", b"MM\x00*"), ".tiff": (b"II*\x00", b"MM\x00*")}


def image_parts(suffix: str, data: bytes, limits: ExtractionLimits) -> ExtractedText:
    """Each frame of the picture OCR'd as one page; RejectedInput for a non-image, a bomb, or no OCR."""
    suffix = suffix.lower()
    if not data.startswith(_MAGIC[suffix]):
        raise RejectedInput(f"tệp {suffix} không phải ảnh {suffix.lstrip('.').upper()}: nội dung thực là {sniff(data)}")
    require_ocr(f"tệp ảnh {suffix} là bản quét")
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            raise Image.DecompressionBombError(img.size)
        count = getattr(img, "n_frames", 1)
        if count > limits.max_pages:
            raise RejectedInput(f"ảnh có {count} trang, vượt giới hạn {limits.max_pages} trang")
        frames = [(n, frame.copy()) for n, frame in enumerate(ImageSequence.Iterator(img), 1)]
    except Image.DecompressionBombError:
        raise RejectedInput(f"ảnh quá lớn (trên {MAX_PIXELS // 1_000_000} triệu điểm ảnh): nghi bom giải nén") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise RejectedInput(f"tệp ảnh hỏng hoặc bị cắt cụt ({type(exc).__name__})") from None
    pages = ocr_pages(frames, [0])
    body = [b for p in pages for _, b in p.blocks]
    if not any(b.text.strip() for b in body):
        raise RejectedInput("ảnh không có chữ nào nhận dạng được")
    return ExtractedText(body=body, page_count=count, ocr_pages={p.page: p.confidence for p in pages})
