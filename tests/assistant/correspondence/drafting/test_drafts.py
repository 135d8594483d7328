"""Drafts in the Nghị định 30 layout: every loại passes the format check with 0 findings, bad requests name
the field, and the rendered first page (LibreOffice → PDF) shows each element where Phụ lục I puts it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from assistant.correspondence.drafting import (
    DRAFT_KINDS,
    BasisItem,
    DraftError,
    check_format,
    outline,
    parse_request,
    read_docx,
    read_pdf,
    render_docx,
)
from core.units import unit_directory

MM = 72 / 25.4


def request(kind: str, **extra: object) -> dict:
    body = {"loai_van_ban": kind, "co_quan": "Sở Y tế", "co_quan_chu_quan": "UBND tỉnh Hà Tĩnh", "ky_hieu": "SYT",
            "so": "7", "ngay": "2026-02-03", "dia_danh": "Hà Tĩnh",
            "trich_yeu": "Về việc tăng cường kiểm tra an toàn thực phẩm dịp Tết Nguyên đán",
            "kinh_gui": ["UBND tỉnh"], "noi_nhan": ["Sở Tài chính", "so cong thuong"], "quyen_han": "KT.",
            "thay_mat": "Giám đốc", "chuc_vu": "Phó Giám đốc", "nguoi_ky": "Nguyễn Văn An", "luu": "NVY"}
    if kind == "công văn":
        body["ky_hieu"] = "SYT-NVY"
    return {**body, **extra}


def draft_of(kind: str, **extra: object):  # noqa: ANN201 - a Draft
    draft = parse_request(request(kind, **extra), unit_directory().canonical)
    draft.can_cu = [BasisItem("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công "
                              "tác văn thư", "30/2020/NĐ-CP", provisions=["Điều 8"])]
    draft.sections = outline(draft)
    return draft


@pytest.mark.parametrize("kind", DRAFT_KINDS)
def test_every_kind_of_draft_passes_its_own_check(kind: str) -> None:
    draft = draft_of(kind)
    assert check_format(read_docx(render_docx(draft))) == []
    data = draft.to_dict()
    assert data["so_ky_hieu"] == ("Số: 07/SYT-NVY" if kind == "công văn" else f"Số: 07/{data['ky_hieu']}")
    assert data["dia_danh_ngay"] == "Hà Tĩnh, ngày 03 tháng 02 năm 2026"
    assert data["noi_nhan_lines"][-1] == "- Lưu: VT, NVY."
    assert data["chu_ky"] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"]


def test_an_unnumbered_draft_leaves_blanks_and_still_passes() -> None:
    draft = draft_of("quyết định", so="", ngay=None, quyen_han="", thay_mat="", chuc_vu="Giám đốc")
    assert draft.so_line().startswith("Số:") and draft.so_line().endswith("/QĐ-SYT")
    assert check_format(read_docx(render_docx(draft))) == []
    assert draft.signer.lines() == ["GIÁM ĐỐC"]
    assert parse_request(request("quyết định", ngay="2026-03-15"), unit_directory().canonical).date_line() == \
        "Hà Tĩnh, ngày 15 tháng 3 năm 2026"


@pytest.mark.parametrize(("extra", "field"), [
    ({"loai_van_ban": "nghị định"}, "loai_van_ban"), ({"kinh_gui": ["Sở Không Có"]}, "kinh_gui"),
    ({"ky_hieu": "QĐ SYT"}, "ky_hieu"), ({"quyen_han": "XX."}, "quyen_han"), ({"so": "5a"}, "so"),
    ({"ngay": "05/01/2026"}, "ngay"), ({"nguoi_ky": ""}, "nguoi_ky"), ({"ky_hieu": "TB-SYT"}, "ky_hieu"),
])
def test_a_bad_request_names_the_field(extra: dict, field: str) -> None:
    with pytest.raises(DraftError, match=f"^{field}:"):
        parse_request(request("quyết định", **extra), unit_directory().canonical)


def _soffice_pdf(docx_files: list[Path], out: Path) -> None:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run([program, f"-env:UserInstallation=file://{out}/profile", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, docx_files)], check=True,
                   capture_output=True, timeout=300, env={"HOME": str(out), "PATH": "/usr/bin:/bin"})


def test_libreoffice_renders_the_elements_where_phu_luc_i_puts_them(tmp_path: Path) -> None:
    files = []
    for kind in ("quyết định", "công văn"):
        path = tmp_path / f"{'qd' if kind == 'quyết định' else 'cv'}.docx"
        path.write_bytes(render_docx(draft_of(kind)))
        files.append(path)
    _soffice_pdf(files, tmp_path)
    for path in files:
        data = path.with_suffix(".pdf").read_bytes()
        assert check_format(read_pdf(data)) == [], path.name  # the printed file passes too
        with pdfplumber.open(path.with_suffix(".pdf")) as pdf:
            page = pdf.pages[0]
            width = float(page.width)
            left, right = 30 * MM, width - 15 * MM
            centre = (left + right) / 2
            qh = page.search("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")[0]
            tn = page.search("Độc lập - Tự do - Hạnh phúc")[0]
            cq = page.search("SỞ Y TẾ")[0]
            so = page.search("Số: 07/")[0]
            date_line = page.search("Hà Tĩnh, ngày 03 tháng 02 năm 2026")[0]
            mid = lambda box: (box["x0"] + box["x1"]) / 2  # noqa: E731
            # ô 1: Quốc hiệu at the top, on the right; Tiêu ngữ centred under it
            assert qh["top"] < 25 * MM and mid(qh) > centre and qh["x1"] <= right + 1
            assert tn["top"] > qh["top"] and abs(mid(tn) - mid(qh)) < 3
            # ô 2: cơ quan on the left, in the Quốc hiệu's band
            assert mid(cq) < centre and abs(cq["top"] - qh["top"]) < 20 and cq["x0"] >= left - 1
            # ô 3 and 4: số ký hiệu left, địa danh-ngày right, on one line, the date centred under the Quốc hiệu
            assert mid(so) < centre < mid(date_line) and abs(so["top"] - date_line["top"]) < 3
            assert so["top"] > tn["top"] and abs(mid(date_line) - mid(qh)) < 6
            if path.stem == "qd":  # ô 5a: tên loại and trích yếu centred below the header
                kind = page.search("QUYẾT ĐỊNH")[0]
                title = page.search("Về việc tăng cường kiểm tra")[0]
                assert kind["top"] > so["top"] and abs(mid(kind) - centre) < 6
                assert title["top"] > kind["top"]
            else:  # ô 5b: V/v under the số ký hiệu, on the left
                vv = page.search("V/v tăng cường")[0]
                assert vv["top"] > so["top"] and mid(vv) < centre


class _Model:
    """A language model stand-in: writes one sentence per section, or fails."""

    name = "stub"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.asked: list[str] = []

    def generate(self, messages, *, max_tokens: int = 512, temperature: float = 0.1) -> str:  # noqa: ANN001
        if self.fail:
            raise TimeoutError("model timed out")
        self.asked.append(messages[-1].content)
        return "Sở Y tế đề nghị các đơn vị phối hợp thực hiện.\n"


def test_a_model_writes_the_prose_and_a_failing_one_leaves_the_outline() -> None:
    from datetime import date

    from assistant.correspondence.drafting import compose
    from core.access import Principal

    who = Principal(user_id="syt.lethicuc", unit="Sở Y tế")
    model = _Model()
    draft, docx, findings = compose(request("kế hoạch", can_cu=["Nghị định số 30/2020/NĐ-CP"]),
                                    canonical_unit=unit_directory().canonical, principal=who,
                                    today=date(2026, 12, 7), llm=model)
    assert findings == [] and draft.prose_by == "stub" and model.asked
    assert draft.sections[0].paragraphs == ["Sở Y tế đề nghị các đơn vị phối hợp thực hiện."]
    assert draft.can_cu[0].text == "Căn cứ Nghị định số 30/2020/NĐ-CP"
    draft, _, findings = compose(request("kế hoạch"), canonical_unit=unit_directory().canonical, principal=who,
                                 today=date(2026, 12, 7), llm=_Model(fail=True))
    assert findings == [] and draft.prose_by == "outline" and draft.sections[0].paragraphs[0].startswith("[")


def test_a_consolidated_text_is_suggested_as_the_law_it_consolidates() -> None:
    """28/VBHN-VPQH is a «Văn bản hợp nhất» (issue 31): the căn cứ names the law, and where it was read, not a
    «Luật Khiếu nại ngày 13 tháng 3 năm 2026» (the consolidation's date given as the law's)."""
    from datetime import date

    from assistant.correspondence.drafting import suggest_basis
    from indexing.store import Hit

    payload = {"doc_id": "file:vbhn.txt", "kind": "legal", "so_hieu": "28/VBHN-VPQH",
               "loai_van_ban": "Văn bản hợp nhất", "title": "Luật Khiếu nại", "trich_yeu": "Khiếu nại",
               "ngay_ban_hanh": "2026-03-13",
               "co_quan_ban_hanh": "Văn phòng Quốc hội", "citation": "Điều 9"}
    [basis] = suggest_basis([Hit("c1", 1.0, payload)], date(2026, 12, 7))
    assert basis.text == ("Căn cứ Luật Khiếu nại (văn bản hợp nhất số 28/VBHN-VPQH ngày 13 tháng 3 năm 2026 của "
                          "Văn phòng Quốc hội)")
