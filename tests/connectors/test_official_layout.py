"""An official document read by position: header columns, the number and day (stated, or marked unreadable),
the title over several lines, the signature block, an incoming stamp kept out of the header."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS
from connectors.official_layout import read_header, typed_digits
from connectors.page_layout import Word
from connectors.pdf_pages import pdf_parts
from connectors.signature_layout import signature_block
from core.documents import Document
from indexing.legal_parser import parse_legal
from tests.page_renderers import text_pdf
from tests.scanned_documents import lay_out, official

DEV = Path(__file__).resolve().parents[3] / "shared" / "data" / "official-docs-dev"
W, H = 2480.0, 3508.0  # an A4 page at 300 dpi


def _line(text: str, x0: float, top: float, size: float = 40.0) -> list[Word]:
    """Words of one typed line from ``x0`` (a character is about half the size wide)."""
    out, x = [], x0
    for word in text.split():
        out.append(Word(word, x, top, x + 0.5 * size * len(word), top + size, 95.0))
        x += 0.5 * size * (len(word) + 1)
    return out


def _page(number: str, with_stamp: bool) -> list[Word]:
    words = _line("ỦY BAN NHÂN DÂN", 300, 200) + _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1100, 200)
    words += _line("TỈNH QUẢNG NGÃI", 300, 260) + _line("Độc lập - Tự do - Hạnh phúc", 1250, 260)
    words += _line(f"Số: {number} /QĐ-UBND", 300, 360) + _line("Quảng Ngãi, ngày 16 tháng 01 năm 2025", 1200, 360)
    if with_stamp:
        words += _line("CÔNG VĂN ĐẾN", 250, 470, 30) + _line("Số: 2352", 250, 510, 30)
        words += _line("Ngày: 21/3/18", 250, 550, 30)
    title = ["Về việc bổ nhiệm vào ngạch Thanh tra viên và xếp lương", "đối với ông Nguyễn Văn An"]
    words += _line("QUYẾT ĐỊNH", 1140, 640)
    for i, t in enumerate(title):
        words += _line(t, W / 2 - 0.25 * 40 * len(t), 700 + 60 * i)
    words += _line("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI", 800, 900)
    words += _line("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;", 350, 1000)
    return words


def test_columns_number_day_title_and_stamp_are_read_apart() -> None:
    out = read_header(_page("89", with_stamp=True), W, H, typed_digits)
    assert out["issuer_lines"] == ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"]
    assert out["so_hieu"]["number"] == "89" and out["so_hieu"]["ky_hieu"] == "QĐ-UBND"
    assert (out["ngay"]["day"], out["ngay"]["month"], out["ngay"]["year"]) == ("16", "01", "2025")
    assert out["kind_line"] == "QUYẾT ĐỊNH"
    assert " ".join(out["title_lines"]).endswith("đối với ông Nguyễn Văn An")
    assert out["incoming"] == {"so_den": "2352", "ngay_den": "21/3/18"}


def test_an_unreadable_number_is_not_stated_and_the_printed_part_is_kept() -> None:
    out = read_header(_page("ố†", with_stamp=False), W, H, typed_digits)
    assert out["so_hieu"]["number"] is None and out["so_hieu"]["ky_hieu"] == "QĐ-UBND"
    doc = Document("d", "legal", "QĐ", "\n".join(["x"]), source="d.pdf",
                   metadata={"layout": {**out, "source": "ocr"}})
    meta = parse_legal(doc).metadata
    assert "so_hieu" not in meta and "so_hieu" in meta["unreadable_fields"] and meta["ky_hieu"] == "QĐ-UBND"
    assert meta["ngay_ban_hanh"] == "2025-01-16" and meta["field_sources"]["ngay_ban_hanh"] == "ocr_layout"
    given = Document("d", "legal", "QĐ", "x", source="d.pdf",
                     metadata={"layout": {**out, "source": "ocr"}, "so_hieu": "89/QĐ-UBND"})
    meta = parse_legal(given).metadata  # a DMS field fills what the scan could not read
    assert meta["so_hieu"] == "89/QĐ-UBND" and meta["field_sources"]["so_hieu"] == "connector"


def test_a_day_after_the_signing_time_is_not_stated() -> None:
    out = read_header(_page("89", with_stamp=False), W, H, typed_digits)
    doc = Document("d", "legal", "QĐ", "x", source="d.pdf", metadata={
        "layout": {**out, "source": "ocr"}, "ky_so": [{"signing_time": "2025-01-10T09:00:00+07:00"}]})
    meta = parse_legal(doc).metadata
    assert "ngay_ban_hanh" not in meta and "ngay_ban_hanh" in meta["unreadable_fields"]


def test_the_signature_block_is_the_first_one_not_an_attached_drafts() -> None:
    def page(signer: str, position: str) -> tuple[list[Word], float, float]:
        words = _line("Điều 3. Chánh Văn phòng chịu trách nhiệm thi hành.", 300, 2500)
        words += _line("Nơi nhận:", 300, 2650, 30) + _line("TM. ỦY BAN NHÂN DÂN", 1450, 2650)
        words += _line("- Như Điều 3;", 300, 2700, 30) + _line(position, 1550, 2710)
        words += _line(signer, 1500, 3000)
        return words, W, H

    out = signature_block([page("Nguyễn Hoàng Giang", "CHỦ TỊCH"), page("Trần Văn Bình", "PHÓ CHỦ TỊCH")])
    assert out["signature_lines"] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Hoàng Giang"]
    assert out["signature_page"] == 1


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_generated_text_pdfs_read_by_position(seed: int) -> None:
    doc = official(seed)
    parts = pdf_parts(text_pdf(lay_out(doc)), DEFAULT_EXTRACTION_LIMITS)
    meta = parse_legal(Document("d", "legal", "t", parts.body_text(), source="d.pdf",
                                metadata={"layout": parts.layout})).metadata
    d, m, y = doc.ngay
    assert meta["so_hieu"] == doc.so_hieu and meta["ngay_ban_hanh"] == f"{y:04d}-{m:02d}-{d:02d}"
    assert meta["loai_van_ban"].upper() == doc.loai and meta["trich_yeu"] == doc.trich_yeu
    assert meta["nguoi_ky"] == doc.nguoi_ky
    assert meta["field_sources"]["so_hieu"] == "text_layer_layout"


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared/data/official-docs-dev is not here")
def test_a_real_text_pdf_with_its_number_filled_by_a_signature_field() -> None:
    truth = next(json.loads(x) for x in (DEV / "truth.jsonl").read_text(encoding="utf-8").splitlines()
                 if json.loads(x)["file"] == "dev_11.pdf")
    parts = pdf_parts((DEV / "dev_11.pdf").read_bytes(), DEFAULT_EXTRACTION_LIMITS)
    meta = parse_legal(Document("d", "legal", "t", parts.body_text(), source="d.pdf",
                                metadata={"layout": parts.layout, "ky_so": parts.signatures})).metadata
    for key in ("so_hieu", "ngay_ban_hanh", "loai_van_ban", "trich_yeu", "nguoi_ky"):
        assert meta[key] == truth[key], key
