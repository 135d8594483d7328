"""Decompression and page bombs: sizes and ratios are checked before inflating, PDF pages are capped, and
whatever gets past those is stopped by the extraction child's memory and time limits — one file's rejection,
never the process."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from docx_builders import build_docx

from connectors.extraction_child import ExtractionChild
from connectors.extraction_limits import ExtractionLimits
from connectors.files import FolderConnector
from core.documents import Document
from core.errors import RejectedInput

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(name, content)
    return out.getvalue()


def huge_body_docx(paragraphs: int) -> bytes:
    """A .docx whose document.xml holds ``paragraphs`` tiny paragraphs (inflates far, parses into a big tree)."""
    xml = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body>" + "<w:p><w:r><w:t>Điều</w:t></w:r></w:p>" * paragraphs + "</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", xml.encode())
    return out.getvalue()


def read_one(path: Path, limits: ExtractionLimits) -> Document | str:
    (item,) = list(FolderConnector([path], limits=limits).documents())
    return item if isinstance(item, Document) else item.reason


def test_zip_bomb_ratio_is_refused_before_inflating(tmp_path: Path) -> None:
    bomb = with_member(build_docx(), "word/media/image1.bin", b"\0" * (30 * 1024 * 1024))
    assert len(bomb) < 100 * 1024  # ~30 MB of zeros deflate ~1000:1
    (tmp_path / "bom.docx").write_bytes(bomb)
    reason = read_one(tmp_path / "bom.docx", ExtractionLimits())
    assert isinstance(reason, str) and "nghi bom giải nén" in reason and "\n" not in reason


def test_unpacked_total_over_the_limit_is_refused(tmp_path: Path) -> None:
    data = with_member(build_docx(), "word/media/photo.bin", os.urandom(3 * 1024 * 1024))
    (tmp_path / "lon.docx").write_bytes(data)
    reason = read_one(tmp_path / "lon.docx", ExtractionLimits(max_unpacked_bytes=2 * 1024 * 1024))
    assert isinstance(reason, str) and "vượt giới hạn 2.0 MB" in reason


def test_too_many_members_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(60):
            z.writestr(f"word/x{i}.xml", b"<a/>")
    (tmp_path / "nhieu.docx").write_bytes(out.getvalue())
    reason = read_one(tmp_path / "nhieu.docx", ExtractionLimits(max_members=50))
    assert isinstance(reason, str) and "60 thành phần" in reason


def test_memory_limit_of_the_child_stops_a_bomb_that_passes_the_ratio(tmp_path: Path) -> None:
    (tmp_path / "cay.docx").write_bytes(huge_body_docx(1_500_000))
    limits = ExtractionLimits(max_ratio=1e6, max_unpacked_bytes=10**9, memory_bytes=600 * 1024 * 1024)
    reason = read_one(tmp_path / "cay.docx", limits)
    assert isinstance(reason, str) and ("bộ nhớ" in reason or "dừng đột ngột" in reason), reason
    # The next file gets a fresh child and is read normally.
    (tmp_path / "ok.docx").write_bytes(build_docx())
    assert isinstance(read_one(tmp_path / "ok.docx", limits), Document)


def test_an_xml_part_too_large_is_refused_before_parsing_whatever_its_ratio(tmp_path: Path) -> None:
    # The attack: a 5 MB .docx whose document.xml unpacks to 190 MB (ratio 36, under every other limit) took
    # the API to 4 GB and the index worker 15 minutes. Here the same shape, scaled down with the limit.
    (tmp_path / "xml.docx").write_bytes(huge_body_docx(100_000))  # ~3.8 MB of XML
    reason = read_one(tmp_path / "xml.docx", ExtractionLimits(max_ratio=1e6, max_xml_part_bytes=2 * 1024 * 1024))
    assert isinstance(reason, str) and "word/document.xml" in reason and "MB XML" in reason, reason
    assert ExtractionLimits().max_xml_part_bytes < 190 * 1024 * 1024  # the reported bomb is refused by default


def test_time_limit_of_the_child(tmp_path: Path) -> None:
    with ExtractionChild(ExtractionLimits(max_ratio=1e6, max_unpacked_bytes=10**9, timeout_s=0.05)) as child:
        with pytest.raises(RejectedInput, match="quá 0.05 giây"):
            child.extract(".docx", huge_body_docx(300_000))


@pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans.ttf not installed")
def test_pdf_page_cap(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "dai.pdf"
    c = canvas.Canvas(str(path))
    for i in range(30):
        c.drawString(72, 800, f"Trang {i}")
        c.showPage()
    c.save()
    reason = read_one(path, ExtractionLimits(max_pages=20))
    assert isinstance(reason, str) and "30 trang" in reason and "20 trang" in reason
    assert isinstance(read_one(path, ExtractionLimits(max_pages=30)), Document)


def test_limits_validate_their_values() -> None:
    with pytest.raises(ValueError, match="max_ratio"):
        ExtractionLimits(max_ratio=0)
    with pytest.raises(ValueError, match="memory_bytes"):
        ExtractionLimits(memory_bytes=-1)
