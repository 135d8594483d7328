"""FolderConnector: every supported format is read and normalised; every bad input is a Rejection."""

from __future__ import annotations

import json
import os
import unicodedata
import zipfile
from pathlib import Path

import pytest

from connectors.auto import iter_sources
from connectors.base import Rejection
from connectors.files import FolderConnector
from core.documents import Document
from core.secrecy import document_stamp

TONES = "\u0300\u0301\u0303\u0309\u0323"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DECISION = """QUYẾT ĐỊNH
Về việc ban hành Quy chế quản lý hồ sơ điện tử

Điều 1. Phạm vi điều chỉnh
Quy chế này quy định việc lập, quản lý hồ sơ điện tử tại các cơ quan hành chính nhà nước của tỉnh.

Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực kể từ ngày ký.
"""


def read(*paths: Path, max_bytes: int = 1_000_000) -> list[Document | Rejection]:
    return list(FolderConnector(list(paths), max_bytes=max_bytes).documents())


def only_doc(items: list[Document | Rejection]) -> Document:
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def only_rejection(items: list[Document | Rejection]) -> Rejection:
    assert len(items) == 1 and isinstance(items[0], Rejection), items
    assert "\n" not in items[0].reason
    return items[0]


def make_docx(
    path: Path, paragraphs: list[str], table: list[list[str]] | None = None, header: str = ""
) -> Path:
    import docx

    doc = docx.Document()
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
        doc.add_paragraph("Nơi nhận: như Điều 3.")
    doc.save(path)
    return path


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT)))
    c = canvas.Canvas(str(path))
    for lines in pages:
        c.setFont("DejaVuSans", 12)
        for i, line in enumerate(lines):
            c.drawString(72, 800 - 20 * i, line)
        c.showPage()
    c.save()
    return path


def cp1258_bytes(text: str) -> bytes:
    """Windows-1258 keeps base letters precomposed (ê, ơ, ư, đ) and tones as combining marks."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in decomposed if c in TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
            out += base.encode("cp1258") + tones.encode("cp1258")
    return out


# --------------------------------------------------------------------------- good inputs


def test_txt(tmp_path: Path) -> None:
    path = tmp_path / "qd.txt"
    path.write_text(DECISION, encoding="utf-8")
    doc = only_doc(read(path))
    assert doc.doc_id == "file:qd.txt"
    assert doc.kind == "legal"
    assert doc.title == "QUYẾT ĐỊNH"
    assert doc.source == str(path)
    assert "Điều 2. Hiệu lực thi hành" in doc.text
    assert doc.metadata["source_format"] == "txt"


def test_utf8_bom_and_utf16(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + DECISION.encode("utf-8"))
    (tmp_path / "u16.txt").write_bytes(DECISION.encode("utf-16"))  # with BOM
    docs = read(tmp_path)
    assert [d.doc_id for d in docs] == ["file:bom.txt", "file:u16.txt"]
    assert all(isinstance(d, Document) and d.text.startswith("QUYẾT ĐỊNH") for d in docs)


def test_nfd_input_becomes_nfc(tmp_path: Path) -> None:
    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", DECISION), encoding="utf-8")
    doc = only_doc(read(path))
    assert unicodedata.is_normalized("NFC", doc.text)
    assert "Điều 1. Phạm vi điều chỉnh" in doc.text
    assert doc.title == "QUYẾT ĐỊNH"


def test_cp1258_vietnamese_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cu.txt"
    path.write_bytes(cp1258_bytes(DECISION))
    doc = only_doc(read(path))
    assert "Quy chế này quy định việc lập, quản lý hồ sơ điện tử" in doc.text


def test_markdown(tmp_path: Path) -> None:
    path = tmp_path / "qd.md"
    path.write_text("# QUYẾT ĐỊNH\n\n## **Điều 1.** Phạm vi\nNội dung *nhấn mạnh*.\n", encoding="utf-8")
    doc = only_doc(read(path))
    assert doc.title == "QUYẾT ĐỊNH"
    assert "Điều 1. Phạm vi" in doc.text.splitlines()
    assert "Nội dung nhấn mạnh." in doc.text


def test_html_keeps_blocks_and_drops_chrome(tmp_path: Path) -> None:
    path = tmp_path / "qd.html"
    path.write_text(
        """<html><head><title>Cổng TTĐT</title><style>p{color:red}</style></head><body>
        <nav>Trang chủ | Liên hệ</nav><script>var x = "Điều giả";</script>
        <h1>QUYẾT ĐỊNH</h1><p><b>Điều 1.</b> Phạm vi điều chỉnh</p><p>Dòng một<br>Dòng hai</p>
        <table><tr><th>Số hiệu</th><td>12/QĐ-UBND</td></tr></table>
        <footer>© Cổng thông tin điện tử</footer></body></html>""",
        encoding="utf-8",
    )
    doc = only_doc(read(path))
    lines = doc.text.splitlines()
    assert lines == [
        "QUYẾT ĐỊNH",
        "Điều 1. Phạm vi điều chỉnh",
        "Dòng một",
        "Dòng hai",
        "Số hiệu | 12/QĐ-UBND",
    ]
    assert doc.title == "QUYẾT ĐỊNH"


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "qd.docx",
        DECISION.splitlines(),
        table=[["STT", "Nhiệm vụ", "Đơn vị chủ trì"], ["1", "Số hóa hồ sơ", "Sở Nội vụ"]],
    )
    doc = only_doc(read(path))
    lines = doc.text.splitlines()
    assert doc.title == "QUYẾT ĐỊNH"
    assert "Điều 2. Hiệu lực thi hành" in lines
    table_at = lines.index("STT | Nhiệm vụ | Đơn vị chủ trì")
    assert lines[table_at + 1] == "1 | Số hóa hồ sơ | Sở Nội vụ"
    assert lines[table_at + 2] == "Nơi nhận: như Điều 3."
    assert doc.metadata["source_format"] == "docx"


@pytest.mark.skipif(
    not FONT.exists(), reason="DejaVuSans.ttf not installed: cannot draw Vietnamese into a PDF"
)
def test_pdf_text_layer(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    path = make_pdf(
        tmp_path / "qd.pdf", [["QUYẾT ĐỊNH", "Điều 1. Phạm vi điều chỉnh"], ["Điều 2. Hiệu lực thi hành"]]
    )
    doc = only_doc(read(path))
    assert doc.title == "QUYẾT ĐỊNH"
    assert "Điều 1. Phạm vi điều chỉnh" in doc.text and "Điều 2. Hiệu lực thi hành" in doc.text
    assert unicodedata.is_normalized("NFC", doc.text)


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.txt", b"", "rỗng"),
        ("blank.txt", b"  \n\t\n   \n", "không có nội dung"),
        ("blank.md", "\u00a0 \n\n".encode(), "không có nội dung"),
        (
            "latin1.txt",
            "Le présent arrêté entre en vigueur à la date de sa signature.".encode("latin-1"),
            "không phải UTF-8",
        ),
        ("garbage.txt", bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 20, "không phải UTF-8"),
        ("fake.docx", DECISION.encode("utf-8"), "không phải tài liệu Word"),
        ("png.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "không phải PDF"),
        ("zip.pdf", b"PK\x03\x04" + b"\x00" * 64, "không phải PDF"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog", "PDF hỏng"),
        ("broken.json", b'{"metadata": {"m\xc3\xa3_th\xe1\xbb\xa7_t\xe1\xbb\xa5c": "1.0",', "JSON hỏng"),
        (
            "shape.json",
            json.dumps({"ten": "Báo cáo", "so_lieu": [1, 2]}).encode(),
            "không khớp định dạng nào",
        ),
        ("list.json", b"[1, 2, 3]", "không khớp định dạng nào"),
    ],
)
def test_bad_file_is_rejected(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    rejection = only_rejection(read(path))
    assert rejection.path == str(path)
    assert words in rejection.reason


def test_oversized(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(DECISION * 100, encoding="utf-8")
    rejection = only_rejection(read(path, max_bytes=1000))
    assert "quá lớn" in rejection.reason


def test_truncated_docx(tmp_path: Path) -> None:
    full = make_docx(tmp_path / "full.docx", DECISION.splitlines()).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(full[: len(full) // 2])
    assert "hỏng hoặc bị cắt cụt" in only_rejection(read(path)).reason


def test_docx_missing_main_part(tmp_path: Path) -> None:
    path = tmp_path / "hollow.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "không phải Word")
    assert "hỏng" in only_rejection(read(path)).reason


@pytest.mark.skipif(not FONT.exists(), reason="DejaVuSans.ttf not installed")
def test_truncated_pdf(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    full = make_pdf(tmp_path / "full.pdf", [["Điều 1. Phạm vi điều chỉnh"]]).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(full[: len(full) // 2])
    assert "PDF hỏng" in only_rejection(read(path)).reason


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(72, 72, 400, 600, fill=1)  # a page with marks but no text, like a scan
    c.showPage()
    c.save()
    # the page is OCR'd (tests/connectors/test_scanned_formats.py) and nothing legible is on it
    assert "PDF không có chữ nào đọc được" in only_rejection(read(path)).reason


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(DECISION, encoding="utf-8")
    path.chmod(0)
    try:
        assert "không có quyền" in only_rejection(read(path)).reason
    finally:
        path.chmod(0o644)


def test_permission_error_is_a_rejection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same path as above, forced, so it is exercised even when the tests run as root."""
    path = tmp_path / "locked.txt"
    path.write_text(DECISION, encoding="utf-8")
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny)
    (tmp_path / "ok.txt").write_text(DECISION, encoding="utf-8")
    items = read(tmp_path)
    assert isinstance(items[0], Rejection) and "không có quyền" in items[0].reason
    assert isinstance(items[1], Document) and items[1].doc_id == "file:ok.txt"


# The secrecy gate is the indexer's (tests/indexing/test_secrecy_gate.py); the connector keeps the parts it reads.
def test_secret_stamped_text(tmp_path: Path) -> None:
    path = tmp_path / "mat.txt"
    path.write_text("TỐI MẬT\nUBND TỈNH\nSố: 05/BC-UBND\n" + DECISION, encoding="utf-8")
    assert document_stamp(only_doc(read(path))) == "Tối mật"


def test_secret_stamp_in_docx_header_only(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "mat.docx", DECISION.splitlines(), header="MẬT")
    doc = only_doc(read(path))
    assert "MẬT" not in doc.text and document_stamp(doc) == "Mật"


def test_document_about_secrecy_is_not_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bmnn.txt"
    path.write_text(
        "QUY CHẾ\nBảo vệ bí mật nhà nước\nĐiều 1. Tài liệu tối mật phải được lưu trong két sắt.\n",
        encoding="utf-8",
    )
    assert only_doc(read(path)).title == "QUY CHẾ"


def test_explicit_unsupported_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bang-tinh.xlsx"
    path.write_bytes(b"PK\x03\x04")
    assert "định dạng không hỗ trợ" in only_rejection(read(path)).reason


def test_missing_path(tmp_path: Path) -> None:
    assert "không tìm thấy" in only_rejection(read(tmp_path / "khong-co.txt")).reason


# --------------------------------------------------------------------------- folders


def test_mixed_folder_reads_good_files_and_rejects_bad_ones(tmp_path: Path, shared_dir: Path) -> None:
    root = tmp_path / "kho"
    (root / "con").mkdir(parents=True)
    (root / ".an").mkdir()
    (root / "a.txt").write_text(DECISION, encoding="utf-8")
    (root / "con" / "b.md").write_text("# KẾ HOẠCH\nNội dung kế hoạch.", encoding="utf-8")
    make_docx(root / "con" / "c.docx", ["BÁO CÁO", "Nội dung báo cáo."])
    (root / "con" / "d.docx").write_text("không phải docx", encoding="utf-8")
    (root / "e.txt").write_bytes(b"")
    (root / "f.txt").write_text("Độ mật: Tuyệt mật\nKẾ HOẠCH\nNội dung.", encoding="utf-8")
    (root / "g.json").write_bytes((shared_dir / "corpus" / "tthc" / "1.013124.json").read_bytes())
    (root / "h.json").write_text("{không phải json", encoding="utf-8")
    (root / "i.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (root / "anh.gif").write_bytes(b"GIF89a")  # skipped silently
    (root / ".DS_Store").write_bytes(b"\x00\x01")  # hidden: skipped
    (root / ".an" / "x.txt").write_text(DECISION, encoding="utf-8")  # hidden folder: skipped

    items = list(iter_sources([root]))
    again = list(iter_sources([root]))

    def key(i: Document | Rejection) -> str:
        return i.doc_id if isinstance(i, Document) else i.path

    assert [key(i) for i in items] == [key(i) for i in again]
    docs = {d.doc_id: d for d in items if isinstance(d, Document)}
    rejected = {Path(r.path).name: r.reason for r in items if isinstance(r, Rejection)}
    assert set(docs) == {"file:a.txt", "file:con/b.md", "file:con/c.docx", "file:f.txt", "tthc:1.013124"}
    assert docs["file:con/b.md"].title == "KẾ HOẠCH"
    assert docs["tthc:1.013124"].kind == "tthc"
    assert set(rejected) == {"d.docx", "e.txt", "h.json", "i.doc"}
    assert document_stamp(docs["file:f.txt"]) == "Tuyệt mật"  # refused by the indexer's gate
    assert "JSON hỏng" in rejected["h.json"]
    assert "hỏng" in rejected["i.doc"]  # a real converter read it (tests/connectors/test_scanned_formats.py)


def test_legal_kind_ignores_json(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DECISION, encoding="utf-8")
    (tmp_path / "b.json").write_text("{}", encoding="utf-8")
    items = list(iter_sources([tmp_path], kind="legal"))
    assert [getattr(i, "doc_id", None) for i in items] == ["file:a.txt"]


def test_unknown_kind() -> None:
    with pytest.raises(ValueError):
        iter_sources([Path(".")], kind="excel")


def test_docx_merged_table_cell_is_read_once() -> None:
    import io

    from docx import Document as new_docx

    from connectors.extractors import docx_text

    doc = new_docx()
    table = doc.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"
    table.cell(0, 2).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    table.cell(1, 0).text = "Số: 12/QĐ-UBND"
    buffer = io.BytesIO()
    doc.save(buffer)
    body, _ = docx_text(buffer.getvalue())
    assert "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in body.splitlines()
    assert body.count("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH") == 1
