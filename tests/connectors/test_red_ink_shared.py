"""The secrecy gate reads a scanned PDF page's red ink from the page OCR's own pass (``ExtractedText.red_ink``)
instead of rendering and scanning the page again: the same view, the same stamp found, nothing handed back."""

from __future__ import annotations

import numpy as np
import pytest

from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS
from connectors.extractors import extract_parts
from connectors.hidden_text import pdf_hidden
from connectors.ocr import ocr_missing, red_of
from connectors.scan_cleanup import split_red
from connectors.stamp_images import red_view
from tests.page_renderers import scan_pdf
from tests.scanned_documents import FONT_BOLD

pytestmark = pytest.mark.skipif(ocr_missing() is not None, reason="needs tesseract-ocr-vie")


def _page_with_red_stamp():  # noqa: ANN202 - a PIL RGB page, 300 dpi A4
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (2480, 3508), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT_BOLD), 60)
    draw.text((300, 600), "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", fill=(0, 0, 0), font=font)
    draw.text((300, 800), "Về việc giao dự toán ngân sách năm 2025", fill=(0, 0, 0), font=font)
    draw.text((1700, 250), "MẬT", fill=(210, 25, 30), font=ImageFont.truetype(str(FONT_BOLD), 110))
    return img


def test_red_view_from_the_ocr_mask_is_the_gates_own() -> None:
    page = _page_with_red_stamp()
    count, view = red_of(split_red(page)[1])
    assert count > 400 and np.array_equal(np.asarray(view), np.asarray(red_view(page, 1)))
    assert red_of(split_red(page.convert("L"))[1]) == (0, None)  # a grey page has no red ink


def test_stamp_in_red_ink_is_found_from_the_shared_pass_and_not_handed_back() -> None:
    data = scan_pdf([_page_with_red_stamp()])
    parts = extract_parts(".pdf", data, DEFAULT_EXTRACTION_LIMITS)
    assert parts.red_ink == {}
    shared = [b.text for b in parts.hidden]
    assert any("MẬT" in t for t in shared)
    assert any("MẬT" in b.text for b in pdf_hidden(data, DEFAULT_EXTRACTION_LIMITS.max_pages))  # rendered again


def test_gate_uses_the_given_red_ink_of_a_whole_scanned_page() -> None:
    from PIL import ImageDraw, ImageFont

    data = scan_pdf([_page_with_red_stamp()])
    other = _page_with_red_stamp()
    ImageDraw.Draw(other).rectangle((1600, 150, 2400, 450), fill=(255, 255, 255))
    ImageDraw.Draw(other).text((1500, 250), "TỐI MẬT", fill=(210, 25, 30),
                               font=ImageFont.truetype(str(FONT_BOLD), 110))
    given = {1: (*red_of(split_red(other)[1]), None)}  # not read yet: the gate reads the view
    lines = [b.text for b in pdf_hidden(data, DEFAULT_EXTRACTION_LIMITS.max_pages, given)]
    assert any("TỐI MẬT" in t for t in lines)  # the page's own "MẬT" was not rendered again


def test_gate_takes_the_blocks_the_page_ocr_already_read_from_the_red_ink() -> None:
    from core.extracted_text import TextBlock

    data = scan_pdf([_page_with_red_stamp()])
    count, view = red_of(split_red(_page_with_red_stamp())[1])
    given = {1: (count, view, [TextBlock("TUYỆT MẬT", page=1)])}
    assert [b.text for b in pdf_hidden(data, DEFAULT_EXTRACTION_LIMITS.max_pages, given)] == ["TUYỆT MẬT"]
    too_few = {1: (399, view, None)}  # under the gate's MIN_RED_PIXELS: no red word to read
    assert pdf_hidden(data, DEFAULT_EXTRACTION_LIMITS.max_pages, too_few) == []
