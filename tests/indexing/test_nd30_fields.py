"""Every header and closing-block field of documents in the Nghị định 30/2020 layout (a decision, a plan, a
công văn), each written as .docx, .html and .txt and read back through the folder connector as files are."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.files import FolderConnector
from core.documents import Document
from core.tables import Table
from indexing.agency_names import agency_name, split_bodies
from indexing.chunking import chunk_document
from indexing.closing_block import read_signature
from indexing.legal_header import parse_header
from indexing.legal_parser import parse_legal
from tests.nd30_documents import DECISION, DOCUMENTS, FORMATS, LETTER, PLAN, render, to_txt, write_corpus


@pytest.fixture(scope="module")
def read_back(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Document]:
    folder = tmp_path_factory.mktemp("nd30")
    write_corpus(folder)
    docs = {}
    for item in FolderConnector([folder]).documents():
        assert isinstance(item, Document), item
        docs[(Path(item.source).stem, Path(item.source).suffix.lstrip("."))] = item
    assert len(docs) == len(DOCUMENTS) * len(FORMATS)
    return docs


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("content", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_every_field_is_read_in_every_format(read_back, content, fmt: str) -> None:  # noqa: ANN001
    meta = parse_legal(read_back[(content.name, fmt)]).metadata
    for key, value in content.expected.items():
        assert meta.get(key) == value, (key, meta.get(key))
    assert meta["source_format"] == fmt
    assert "metadata_conflicts" not in meta
    assert "do_mat" not in meta
    if "co_quan_chu_quan" not in content.expected:
        assert "co_quan_chu_quan" not in meta


@pytest.mark.parametrize("fmt", FORMATS)
def test_citations_name_the_document_by_type_and_number_only(read_back, fmt: str) -> None:  # noqa: ANN001
    doc, chunks = chunk_document(read_back[(DECISION.name, fmt)], 2400)
    by_cite = {c.citation: c for c in chunks}
    assert "Điều 2 — Quyết định 1234/QĐ-UBND" in by_cite
    assert by_cite["Điều 2 — Quyết định 1234/QĐ-UBND"].text.startswith("Điều 2. Quyết định này có hiệu lực")
    assert doc.title == ("Quyết định về việc ban hành Quy chế quản lý, vận hành nền tảng trợ lý ảo trên địa bàn "
                         "tỉnh")
    everything = "\n".join(c.citation + c.text for c in chunks)
    for glued in ("| Hà Tĩnh", "ngày 15 tháng 03", "Nơi nhận", "Nguyễn Văn An", "CỘNG HÒA"):
        assert glued not in everything, glued
    _, letter_chunks = chunk_document(read_back[(LETTER.name, fmt)], 2400)
    assert [c.citation for c in letter_chunks] == ["Đoạn 1 — Công văn 789/SKHCN-CĐS"]
    assert letter_chunks[0].text.startswith("Thực hiện Quyết định số 1234/QĐ-UBND")
    _, plan_chunks = chunk_document(read_back[(PLAN.name, fmt)], 2400)
    assert "Mục II.1 — Kế hoạch 56/KH-SYT" in {c.citation for c in plan_chunks}


def test_a_metadata_table_that_disagrees_is_reported_and_the_text_wins() -> None:
    scraped = ("| Số hiệu | 1243/QĐ-UBND |\n| Ngày ban hành | 15/03/2026 |\n| Người ký | Nguyễn Văn Ân |\n"
               "| Lĩnh vực | Công nghệ thông tin |\n")
    meta = parse_header(scraped + to_txt(DECISION))
    assert meta["so_hieu"] == "1234/QĐ-UBND" and meta["nguoi_ky"] == "Nguyễn Văn An"
    assert meta["linh_vuc"] == "Công nghệ thông tin"  # the text does not say it: the table's value is taken
    assert meta["metadata_conflicts"] == [
        {"field": "so_hieu", "text": "1234/QĐ-UBND", "source": "1243/QĐ-UBND", "origin": "metadata_table"},
        {"field": "nguoi_ky", "text": "Nguyễn Văn An", "source": "Nguyễn Văn Ân", "origin": "metadata_table"}]


def test_connector_fields_no_longer_override_the_text() -> None:
    doc = Document(doc_id="qd", kind="legal", title="qd", text=to_txt(DECISION),
                   metadata={"so_hieu": "1243/QĐ-UBND",
                             "co_quan_ban_hanh": "UBND tỉnh Hà Tĩnh", "source_format": "txt"})
    doc, chunks = chunk_document(doc, 2400)
    assert doc.metadata["so_hieu"] == "1234/QĐ-UBND"
    assert doc.metadata["co_quan_ban_hanh"] == "Ủy ban nhân dân tỉnh Hà Tĩnh"
    assert doc.metadata["source_format"] == "txt"
    assert [c["field"] for c in doc.metadata["metadata_conflicts"]] == ["so_hieu"]
    assert all(c.citation.endswith(" — Quyết định 1234/QĐ-UBND") for c in chunks)


def test_issuer_columns_and_names() -> None:
    assert split_bodies(["UBND TỈNH HÀ TĨNH SỞ Y TẾ -------"]) == ["UBND TỈNH HÀ TĨNH", "SỞ Y TẾ"]
    assert split_bodies(["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH", "-------"]) == ["ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"]
    assert agency_name("UBND TỈNH HÀ TĨNH") == "Ủy ban nhân dân tỉnh Hà Tĩnh"
    assert agency_name("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH") == "Ủy ban nhân dân tỉnh Hà Tĩnh"
    assert agency_name("SỞ TT&TT") == "Sở Thông tin và Truyền thông"
    assert agency_name("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI") == "Bộ Lao động - Thương binh và Xã hội"
    assert agency_name("VĂN PHÒNG UBND TỈNH HÀ TĨNH") == "Văn phòng Ủy ban nhân dân tỉnh Hà Tĩnh"
    assert agency_name("Sở Y tế") == "Sở Y tế"


def test_a_header_table_whose_cells_lost_their_breaks_still_reads() -> None:
    """A converter that joins a cell's lines (some PDF and .doc exports) gives "UBND TỈNH HÀ TĨNH SỞ Y TẾ"."""
    rows = [["UBND TỈNH HÀ TĨNH SỞ Y TẾ -------", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"],
            ["Số: 56/KH-SYT THƯỢNG KHẨN", "Hà Tĩnh, ngày 02 tháng 4 năm 2026"]]
    text = "\n".join(" | ".join(r) for r in rows) + "\nKẾ HOẠCH\nTRIỂN KHAI TIÊM CHỦNG MỞ RỘNG NĂM 2026\n" + \
        "\n".join(PLAN.body)
    meta = parse_header(text, [Table.of(rows, has_header=False, start_line=0)])
    assert meta["co_quan_chu_quan"] == "Ủy ban nhân dân tỉnh Hà Tĩnh" and meta["co_quan_ban_hanh"] == "Sở Y tế"
    assert meta["so_hieu"] == "56/KH-SYT" and meta["ngay_ban_hanh"] == "2026-04-02"
    assert meta["dia_danh"] == "Hà Tĩnh" and meta["loai_van_ban"] == "Kế hoạch"


def test_signature_blocks() -> None:
    assert read_signature("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Nguyễn Văn A") == {
        "nguoi_ky": "Nguyễn Văn A", "quyen_han_ky": "KT.", "chuc_vu": "Phó Chủ tịch"}
    assert read_signature("TM. CHÍNH PHỦ\nTHỦ TƯỚNG\n[ (Đã ký)\nNguyễn Xuân Phúc") == {
        "nguoi_ky": "Nguyễn Xuân Phúc", "quyen_han_ky": "TM.", "chuc_vu": "Thủ tướng"}
    assert read_signature("TL. GIÁM ĐỐC\nCHÁNH VĂN PHÒNG\n\nHồ Thị Lan") == {
        "nguoi_ky": "Hồ Thị Lan", "quyen_han_ky": "TL.", "chuc_vu": "Chánh văn phòng"}


def test_a_secrecy_stamp_is_read_as_do_mat() -> None:
    secret = DECISION.__class__(**{**DECISION.__dict__, "number": ["Số: 1234/QĐ-UBND", "TỐI MẬT"]})
    meta = parse_header(render(secret, "txt").decode("utf-8"))
    assert meta["do_mat"] == "Tối mật" and "do_khan" not in meta


def test_a_markdown_copy_without_the_quoc_hieu() -> None:
    """The repository's sample decision (markdown): issuer above "Số:", the date on the number's line."""
    from connectors.extractors import markdown_text

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "quyet-dinh-so-hoa-ho-so.md"
    meta = parse_header(markdown_text(sample.read_text(encoding="utf-8")))
    assert meta["co_quan_ban_hanh"] == "Ủy ban nhân dân tỉnh" and meta["so_hieu"] == "1234/QĐ-UBND"
    assert meta["ngay_ban_hanh"] == "2026-03-15" and meta["loai_van_ban"] == "Quyết định"
    assert meta["can_cu"][1]["so_hieu"] == "107/2021/NĐ-CP"


def test_an_html_page_whose_date_has_no_place() -> None:
    from connectors.extractors import extract_parts
    from core.tables import tables_from_blocks

    sample = Path(__file__).resolve().parents[2] / "data" / "samples" / "quyet-dinh-tiep-nhan-phan-anh.html"
    parts = extract_parts(".html", sample.read_bytes())
    meta = parse_header(parts.body_text(), tables_from_blocks(parts.body))
    assert meta["so_hieu"] == "2468/QĐ-UBND" and meta["ngay_ban_hanh"] == "2026-06-02" and "dia_danh" not in meta
