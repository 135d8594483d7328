"""Every format a province holds, read through the real FolderConnector (extraction child, LibreOffice,
pdfplumber, Tesseract vie): .docx with a pasted scan, .doc, a text PDF with a ruled table, a degraded scanned
PDF, a PDF with one scanned page, PNG with a red seal, JPEG upside down, TIFF turned 90°, and what happens
when OCR or the converter is not installed. The files are generated once per module and read once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from connectors.files import FolderConnector
from connectors.ocr import ocr_missing
from connectors.scan_cleanup import drop_red
from core.documents import Document
from core.tables import Table
from tests.page_renderers import (
    degrade,
    docx_bytes,
    page_image,
    png_bytes,
    scan_pdf,
    text_pdf,
    tiff_bytes,
    with_red_seal,
)
from tests.scanned_documents import FONT, Official, char_error_rate, lay_out, official, reference_text

pytestmark = [
    pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans.ttf not installed (apt-get install fonts-dejavu-core)"),
    pytest.mark.skipif(ocr_missing() is not None, reason=f"no OCR: {ocr_missing()}"),
]
DOC = official(2, table=True)  # Ủy ban nhân dân tỉnh, with an appendix table
ATTACHMENT = official(3)  # pasted into the .docx as a picture


def _soffice() -> str | None:
    return shutil.which("soffice")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kho")
    lay = lay_out(DOC, table_on_new_page=True)
    pages = [page_image(lay, p) for p in range(1, lay.pages + 1)]
    sealed = with_red_seal(pages[0], lay, DOC.nguoi_ky)
    (root / "qd.pdf").write_bytes(text_pdf(lay))
    (root / "scan.pdf").write_bytes(scan_pdf([degrade(sealed, seed=1), degrade(pages[1], skew=-0.8, seed=2)]))
    (root / "mixed.pdf").write_bytes(text_pdf(lay, scanned={2: degrade(pages[1], seed=3)}))
    (root / "seal.png").write_bytes(png_bytes(sealed))
    (root / "upside-down.jpg").write_bytes(png_bytes(degrade(pages[0], skew=0.5, seed=4).rotate(180), "JPEG"))
    (root / "turned.tif").write_bytes(tiff_bytes([pages[0].rotate(90, expand=True)]))
    attachment = page_image(lay_out(ATTACHMENT), 1).crop((0, 0, 2480, 1300))
    (root / "kem-anh.docx").write_bytes(docx_bytes(DOC, image=png_bytes(attachment)))
    if _soffice():
        (root / "plain.docx").write_bytes(docx_bytes(DOC))
        import subprocess

        subprocess.run([_soffice(), f"-env:UserInstallation=file://{root}/.lo", "--headless", "--convert-to", "doc",
                        "--outdir", str(root), str(root / "plain.docx")], check=True, capture_output=True, timeout=180)
        (root / "plain.docx").unlink()
    return root


@pytest.fixture(scope="module")
def docs(folder: Path) -> dict[str, Document | str]:
    out: dict[str, Document | str] = {}
    for item in FolderConnector([folder]).documents():
        out[Path(item.source if isinstance(item, Document) else item.path).name] = (
            item if isinstance(item, Document) else item.reason)
    return out


def _doc(docs: dict[str, Document | str], name: str) -> Document:
    item = docs[name]
    assert isinstance(item, Document), f"{name} rejected: {item}"
    return item


def _header_row(doc: Document) -> tuple[str, ...]:
    return next(t.rows[0] for t in doc.tables if len(t.rows) == 1 and "Số:" in t.rows[0][0])


def _assert_header_block(doc: Document, source: Official) -> None:
    """The header and closing blocks as the docx's two cells (a Table cell is one line: its breaks are layout)."""
    left, right = _header_row(doc)
    assert left.endswith(f"Số: {source.so_hieu}") and left.startswith(source.chu_quan or source.ban_hanh)
    d, m, y = source.ngay
    assert right.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc")
    assert right.endswith(f"{source.dia_danh}, ngày {d:02d} tháng {m:02d} năm {y}")
    closing = next(t.rows[0] for t in doc.tables if t.rows and t.rows[0][0].startswith("Nơi nhận"))
    assert closing[0].startswith("Nơi nhận: " + source.noi_nhan[0]) and closing[1].endswith(source.nguoi_ky)


def _page_text(doc: Document, page: int) -> str:
    assert doc.parts is not None
    return "\n".join(b.text for b in doc.parts.body if b.page == page)


def test_text_pdf_keeps_pages_tables_and_two_column_blocks(docs: dict[str, Document | str]) -> None:
    doc = _doc(docs, "qd.pdf")
    assert doc.metadata["pages"] == 2 and doc.metadata["ocr"] is False
    _assert_header_block(doc, DOC)
    (grid,) = [t for t in doc.tables if t.header]
    assert isinstance(grid, Table) and grid.page == 2
    assert grid.header == tuple(DOC.table[0]) and [list(r) for r in grid.rows] == DOC.table[1:]
    lines = doc.text.split("\n")
    assert len(doc.line_pages) == len(lines)
    assert doc.line_pages[lines.index("PHỤ LỤC")] == 2 and doc.line_pages[lines.index("QUYẾT ĐỊNH")] == 1


def test_degraded_scanned_pdf_is_read_page_by_page(docs: dict[str, Document | str]) -> None:
    doc = _doc(docs, "scan.pdf")
    assert doc.metadata["pages"] == 2 and doc.metadata["ocr"] is True
    assert [p["page"] for p in doc.metadata["ocr_pages"]] == [1, 2]
    assert doc.metadata["ocr_confidence"] > 80
    assert DOC.so_hieu in doc.text and DOC.articles[1][:40] in doc.text
    lay = lay_out(DOC, table_on_new_page=True)
    assert char_error_rate(reference_text(lay, 1), _page_text(doc, 1)) < 0.02


def test_red_seal_over_the_signature_is_dropped(docs: dict[str, Document | str]) -> None:
    doc = _doc(docs, "seal.png")
    _assert_header_block(doc, DOC)
    assert doc.metadata["source_format"] == "png" and doc.metadata["pages"] == 1


def test_drop_red_whitens_only_red_ink() -> None:
    from PIL import Image

    img = Image.new("RGB", (3, 1))
    img.putpixel((0, 0), (215, 30, 35))  # seal red
    img.putpixel((1, 0), (0, 0, 0))  # black text
    img.putpixel((2, 0), (90, 60, 60))  # dark brownish text: not a seal
    grey = drop_red(img)
    assert grey.mode == "L" and grey.getpixel((0, 0)) == 255 and grey.getpixel((1, 0)) == 0
    assert grey.getpixel((2, 0)) < 128


@pytest.mark.parametrize("name", ["upside-down.jpg", "turned.tif"])
def test_rotated_pages_are_turned_upright(docs: dict[str, Document | str], name: str) -> None:
    doc = _doc(docs, name)
    assert DOC.so_hieu in doc.text and DOC.articles[0][:40] in doc.text
    assert doc.metadata["ocr_confidence"] > 80


def test_mixed_pdf_ocrs_only_the_scanned_page(docs: dict[str, Document | str]) -> None:
    doc = _doc(docs, "mixed.pdf")
    assert [p["page"] for p in doc.metadata["ocr_pages"]] == [2]
    assert DOC.articles[2] in doc.text.replace("\n", " ")  # page 1 from the text layer, word for word
    assert "Tập huấn cán bộ một cửa" in _page_text(doc, 2)


def test_docx_picture_is_ocrd_into_the_body(docs: dict[str, Document | str]) -> None:
    doc = _doc(docs, "kem-anh.docx")
    assert doc.metadata["ocr"] is True and doc.parts is not None and doc.parts.ocr_images == 1
    assert ATTACHMENT.trich_yeu in doc.text and ATTACHMENT.so_hieu in doc.text
    _assert_header_block(doc, DOC)


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice not installed (apt-get install libreoffice-writer-nogui)")
def test_legacy_doc_keeps_its_tables(docs: dict[str, Document | str]) -> None:
    doc = _doc(docs, "plain.doc")
    assert doc.metadata["source_format"] == "doc"
    _assert_header_block(doc, DOC)
    (grid,) = [t for t in doc.tables if t.header]
    assert grid.header == tuple(DOC.table[0]) and len(grid.rows) == 3


def test_without_ocr_or_converter_files_are_rejected_naming_the_package(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no tesseract, no soffice: the extraction child starts without them
    names = ["seal.png", "scan.pdf", "kem-anh.docx", *(["plain.doc"] if (folder / "plain.doc").exists() else [])]
    got = {Path(i.source if isinstance(i, Document) else i.path).name: i
           for i in FolderConnector([folder / n for n in names]).documents()}
    assert "cần cài tesseract-ocr" in got["seal.png"].reason and "tesseract-ocr-vie" in got["seal.png"].reason
    assert "bản quét" in got["scan.pdf"].reason and "tesseract-ocr-vie" in got["scan.pdf"].reason
    kept = got["kem-anh.docx"]  # its own text is there; the picture is counted as unread, not silently lost
    assert isinstance(kept, Document) and kept.metadata["ocr_skipped_images"] == 1
    if "plain.doc" in got:
        assert "libreoffice-writer-nogui" in got["plain.doc"].reason


def test_missing_vietnamese_language_pack_is_named(folder: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tessdata").mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "tessdata"))
    (rejection,) = FolderConnector([folder / "seal.png"]).documents()
    assert "tesseract-ocr-vie" in rejection.reason and "cần cài" in rejection.reason
