"""Generated scans read by position through Tesseract: a typed number is stated; a scribbled one (a hand the
digit reads disagree on) is marked unreadable, never stated; a page with no header says what is missing."""

from __future__ import annotations

import dataclasses

import pytest

from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS
from connectors.ocr import ocr_missing
from connectors.pdf_pages import pdf_parts
from core.documents import Document
from indexing.legal_parser import parse_legal
from tests.page_renderers import page_image, scan_pdf
from tests.scanned_documents import DPI, FONT, Text, lay_out, official, width

pytestmark = pytest.mark.skipif(ocr_missing() is not None, reason="Tesseract with Vietnamese is not installed")


def _meta(pdf: bytes) -> dict:
    parts = pdf_parts(pdf, DEFAULT_EXTRACTION_LIMITS)
    return parse_legal(Document("d", "legal", "t", parts.body_text(), source="d.pdf",
                                metadata={"layout": parts.layout})).metadata


def test_a_typed_number_on_a_scan_is_stated_with_its_source() -> None:
    doc = official(1)
    meta = _meta(scan_pdf([page_image(lay_out(doc), 1)]))
    assert meta["so_hieu"] == doc.so_hieu and meta["field_sources"]["so_hieu"] == "ocr_layout"
    assert meta["trich_yeu"] == doc.trich_yeu and meta["nguoi_ky"] == doc.nguoi_ky


def test_a_scribbled_number_is_unreadable_and_the_printed_part_kept() -> None:
    from PIL import ImageDraw

    doc = official(2)
    blank = dataclasses.replace(doc, so_hieu="8888/" + doc.so_hieu.split("/", 1)[1])
    lay = lay_out(blank)
    item = next(i for i in lay.items if isinstance(i, Text) and i.text.startswith("Số:"))
    img = page_image(lay, 1).convert("RGB")
    k = DPI / 72
    x0, x1 = (item.x + width("Số: ", item.size)) * k, (item.x + width("Số: 8888", item.size)) * k
    y = item.y * k
    draw = ImageDraw.Draw(img)
    draw.rectangle((x0, y - 50, x1, y + 12), fill="white")  # the typed digits gone: the văn thư's space
    for dx in range(0, round(x1 - x0) - 30, 16):  # a hand's loops, not digits
        draw.arc((x0 + dx, y - 42, x0 + dx + 30, y + 4), 20, 340, fill=(20, 30, 160), width=4)
    meta = _meta(scan_pdf([img]))
    assert "so_hieu" not in meta
    assert "so_hieu" in meta["unreadable_fields"] and meta["ky_hieu"] == doc.so_hieu.split("/", 1)[1]
    assert meta["loai_van_ban"] == "Quyết định" and meta["nguoi_ky"] == doc.nguoi_ky


def test_a_scan_without_a_header_is_read_and_says_what_is_missing() -> None:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (2480, 3508), 255)
    font = ImageFont.truetype(str(FONT), 50)
    for i, line in enumerate(["Ghi chú của văn thư về hồ sơ lưu trữ", "Chuyển phòng Hành chính xem xét"]):
        ImageDraw.Draw(img).text((300, 600 + 90 * i), line, fill=0, font=font)
    parts = pdf_parts(scan_pdf([img.convert("RGB")]), DEFAULT_EXTRACTION_LIMITS)
    meta = parse_legal(Document("d", "legal", "t", parts.body_text() or "x", source="d.pdf",
                                metadata={"layout": parts.layout})).metadata
    assert {"so_hieu", "ngay_ban_hanh", "nguoi_ky"} <= set(meta["unreadable_fields"])


def test_a_hand_drawn_1_and_7_is_stated_right_or_marked_unreadable_never_wrong() -> None:
    """A văn thư's "17": the "1" opened by a long up-stroke, the "7" crossed (the strokes both Tesseract and a
    plain MNIST reader take for a 4), written in felt pen into the blank box."""
    from PIL import ImageDraw

    doc = official(3)
    blank = dataclasses.replace(doc, so_hieu="8888/" + doc.so_hieu.split("/", 1)[1])
    lay = lay_out(blank)
    item = next(i for i in lay.items if isinstance(i, Text) and i.text.startswith("Số:"))
    img = page_image(lay, 1).convert("RGB")
    k = DPI / 72
    x0, x1 = (item.x + width("Số: ", item.size)) * k, (item.x + width("Số: 8888", item.size)) * k
    y = item.y * k
    draw = ImageDraw.Draw(img)
    draw.rectangle((x0, y - 50, x1, y + 12), fill="white")
    ink, pen = (25, 25, 40), 6
    draw.line([(x0 + 2, y - 20), (x0 + 26, y - 48), (x0 + 20, y + 6)], fill=ink, width=pen)  # "1", lead-in
    draw.line([(x0 + 44, y - 46), (x0 + 80, y - 48), (x0 + 58, y + 6)], fill=ink, width=pen)  # "7"
    draw.line([(x0 + 56, y - 20), (x0 + 80, y - 22)], fill=ink, width=pen)  # its bar
    meta = _meta(scan_pdf([img]))
    stated = meta.get("so_hieu")
    assert stated in (None, "17/" + doc.so_hieu.split("/", 1)[1]), stated
    assert stated is not None or "so_hieu" in meta["unreadable_fields"]
