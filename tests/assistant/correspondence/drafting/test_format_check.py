"""The thể thức check: each planted deviation is found with its rule and nothing else fires; real documents
of the dev set (two born-digital, the rest scans) get no finding; bad files are refused with a reason."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from assistant.correspondence.drafting import RULES, CitedFate, check_format, read_document, read_docx
from core.errors import RejectedInput
from evals.format_check_set import MUTATIONS, base_draft, correct_cases, lookup, planted_cases

TODAY = date(2026, 12, 7)


def test_correct_drafts_get_no_finding() -> None:
    for case in correct_cases(10):
        assert check_format(read_docx(case.data), lookup, TODAY) == [], case.name


@pytest.fixture(scope="module")
def planted() -> list:
    return planted_cases()


def test_each_planted_deviation_is_found_alone_with_its_rule(planted: list) -> None:
    singles = [c for c in planted if not c.name.startswith("combo")]
    assert len(singles) >= len(MUTATIONS)
    for case in singles:
        findings = check_format(read_docx(case.data), lookup, TODAY)
        assert {f.family for f in findings} == case.planted, (case.name, [f.message for f in findings])
        for f in findings:
            assert f.cite.startswith(("Phụ lục I", "Phụ lục III", "Điều 8")) and f.severity in ("error", "warning")
            assert RULES[f.code].family == f.family


def test_combined_deviations_are_each_found(planted: list) -> None:
    for case in (c for c in planted if c.name.startswith("combo")):
        found = {f.family for f in check_format(read_docx(case.data), lookup, TODAY)}
        assert found == case.planted, case.name


def test_findings_say_what_and_where() -> None:
    name, _, change, _ = next(m for m in MUTATIONS if m[0] == "can-cu-replaced")
    from assistant.correspondence.drafting import render_docx

    findings = check_format(read_docx(render_docx(change(base_draft(3)))), lookup, TODAY)
    assert [(f.code, f.cite) for f in findings] == [("can_cu.replaced", "Phụ lục I, Phần I, Mục II, khoản 6, điểm a")]
    assert "thay thế bởi 30/2020/NĐ-CP" in findings[0].message and "110/2004/NĐ-CP" in findings[0].text
    later = check_format(read_docx(render_docx(change(base_draft(3)))),
                         lambda s, on: CitedFate(s, "chua_co_hieu_luc", (), "2027-01-01"), TODAY)
    assert [f.code for f in later] == ["can_cu.not_yet"]


def test_real_documents_of_the_dev_set_get_no_finding(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "official-docs-dev"
    files = sorted(folder.glob("dev_*.pdf"))
    if not files:
        pytest.skip("the dev set is not here")
    sources = {}
    for path in files:
        doc = read_document(path.name, path.read_bytes())
        sources[path.name] = doc.source
        assert check_format(doc, lookup, TODAY) == [], path.name
    born_digital = [n for n, s in sources.items() if s == "pdf"]
    assert "dev_11.pdf" in born_digital and "dev_15.pdf" in born_digital  # judged in full, not skipped
    for name in ("dev_11.pdf", "dev_15.pdf"):
        from assistant.correspondence.drafting import locate

        el = locate(read_document(name, (folder / name).read_bytes()))
        assert el.quoc_hieu and el.co_quan and el.so_ky_hieu and el.dia_danh_ngay and el.noi_nhan_label
        assert el.nguoi_ky is not None and el.nguoi_ky.text == "Phùng Tô Long"
    scan = read_document("dev_01.pdf", (folder / "dev_01.pdf").read_bytes())
    assert scan.source == "scan" and scan.notes


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("van-ban.txt", b"hello", "chỉ kiểm tra được"),
    ("van-ban.docx", b"PK\x03\x04 not a zip", "hỏng"),
    ("van-ban.pdf", b"<html>", "không phải PDF"),
])
def test_a_file_that_cannot_be_checked_is_refused_with_the_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(RejectedInput, match=reason):
        read_document(name, data)


def test_docx_defaults_and_theme_fonts_are_resolved() -> None:
    """A document typed in Word's defaults (Calibri 11 from the theme) is caught on its font and sizes."""
    import docx

    document = docx.Document()
    for text in ("UBND TỈNH HÀ TĨNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Số: 05/QĐ-UBND", "Hà Tĩnh, ngày 05 tháng 01 năm 2026", "QUYẾT ĐỊNH", "Về việc thử", "Nội dung."):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    codes = {f.code for f in check_format(read_docx(out.getvalue()))}
    assert {"font.name", "font.size", "elements.position"} <= codes
