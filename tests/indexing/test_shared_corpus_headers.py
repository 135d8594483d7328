"""The 13 laws and decrees and the 731 plan of ../shared/corpus keep their số hiệu, loại, cơ quan and dates.

Each file states them twice, in its scraped metadata table and in the text as issued ("Luật số: 58/2010/QH12",
"Hà Nội, ngày 15 tháng 11 năm 2010"); the expected values are read from each file's own table here, so the
test says "the text and its table agree, and the parser found it", and names the few places they differ."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from connectors.files import FolderConnector
from core.dates import read_date
from core.documents import Document
from indexing.legal_parser import parse_legal

SHARED = (Path(__file__).parents[2] / ".." / "shared" / "corpus").resolve()
LAWS = sorted((SHARED / "laws").glob("*.txt"))
PLAN = SHARED / "legal" / "731-KH-UBND-2025-ha-tinh.txt"
_ROW = re.compile(r"^\| (Số hiệu|Loại văn bản|Cơ quan ban hành|Ngày ban hành|Ngày hiệu lực|Người ký) \| (.+?) \|$",
                  re.M)


@pytest.fixture(scope="module")
def parsed() -> dict[str, tuple[dict[str, str], dict]]:
    if len(LAWS) != 13 or not PLAN.is_file():
        pytest.skip(f"shared corpus not found under {SHARED}")
    out = {}
    for doc in FolderConnector([SHARED / "laws", PLAN]).documents():
        assert isinstance(doc, Document), doc
        table = dict(_ROW.findall(doc.text))
        out[Path(doc.source).name] = (table, parse_legal(doc).metadata)
    return out


@pytest.mark.parametrize("name", [p.name for p in LAWS])
def test_each_law_keeps_its_fields(parsed, name: str) -> None:  # noqa: ANN001
    table, meta = parsed[name]
    assert meta["so_hieu"] == table["Số hiệu"]
    assert meta["co_quan_ban_hanh"] == table["Cơ quan ban hành"]
    assert meta["ngay_ban_hanh"] == read_date(table["Ngày ban hành"])
    assert meta["ngay_hieu_luc"] == read_date(table["Ngày hiệu lực"])
    if "Người ký" in table:
        assert meta["nguoi_ky"] == table["Người ký"]
    # The consolidated text is headed "LUẬT KHIẾU NẠI" (the law it consolidates), but its số hiệu 28/VBHN-VPQH
    # says what it is: a "Văn bản hợp nhất", as its table says too (issue 31).
    assert meta["loai_van_ban"] == table["Loại văn bản"]
    assert "metadata_conflicts" not in meta, meta.get("metadata_conflicts")


def test_the_consolidated_text_is_cited_as_one_under_the_laws_name() -> None:
    if not (SHARED / "laws" / "vbhn-28-VBHN-VPQH-2026-luat-khieu-nai.txt").is_file():
        pytest.skip(f"shared corpus not found under {SHARED}")
    [doc] = FolderConnector([SHARED / "laws" / "vbhn-28-VBHN-VPQH-2026-luat-khieu-nai.txt"]).documents()
    assert isinstance(doc, Document)
    parse = parse_legal(doc)
    assert parse.metadata["loai_van_ban"] == "Văn bản hợp nhất"
    assert parse.title == "Luật Khiếu nại"  # the name a reference ("Điều 9 Luật Khiếu nại") resolves by
    assert {c.citation.split(" — ")[-1] for c in parse.chunks} == {"Văn bản hợp nhất Luật Khiếu nại"}


def test_decree_30_header_and_closing_block(parsed) -> None:  # noqa: ANN001
    _, meta = parsed["nghi-dinh-30-2020-ND-CP-cong-tac-van-thu.txt"]
    assert meta["dia_danh"] == "Hà Nội" and meta["trich_yeu"] == "Về công tác văn thư"
    assert meta["can_cu"] == [{"text": "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015", "so_hieu": None,
                               "loai_van_ban": "Luật"}]
    assert meta["quyen_han_ky"] == "TM." and meta["chuc_vu"] == "Thủ tướng"
    assert meta["noi_nhan"][0] == "Ban Bí thư Trung ương Đảng" and meta["noi_nhan"][-1] == "Lưu: VT, HC (2)"


def test_laws_signed_by_the_chair_of_the_national_assembly(parsed) -> None:  # noqa: ANN001
    _, meta = parsed["luat-vien-chuc-58-2010-QH12.txt"]
    assert meta["chuc_vu"] == "Chủ tịch Quốc hội" and meta["dia_danh"] == "Hà Nội"
    assert meta["can_cu"][0]["loai_van_ban"] == "Hiến pháp"


def test_plan_731(parsed) -> None:  # noqa: ANN001
    table, meta = parsed[PLAN.name]
    assert meta["so_hieu"] == table["Số hiệu"] == "731/KH-UBND"
    assert meta["loai_van_ban"] == "Kế hoạch" and meta["ngay_ban_hanh"] == "2025-12-30"
    assert meta["co_quan_ban_hanh"] == "Ủy ban nhân dân tỉnh Hà Tĩnh"  # "ỦY BAN NHÂN DÂN" + the table's "Tỉnh Hà Tĩnh"
    assert meta["trich_yeu"] == "Triển khai thực hiện Chiến lược dữ liệu đến năm 2030 trên địa bàn tỉnh Hà Tĩnh"
    assert meta["dia_danh"] == "Hà Tĩnh" and meta["quyen_han_ky"] == "TM." and meta["nguoi_ky"] == "Trần Báu Hà"
    assert "metadata_conflicts" not in meta
