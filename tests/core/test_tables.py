"""The shared table type: from a file's own cells and from the 731 plan's flattened web text."""

from __future__ import annotations

import io
from pathlib import Path

from connectors.docx_parts import docx_parts
from connectors.extraction_limits import DEFAULT_EXTRACTION_LIMITS
from connectors.files import FolderConnector
from connectors.html_parts import html_parts
from core.documents import Document
from core.tables import Table, find_flattened_tables, read_flattened_table, tables_from_blocks

PLAN = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "legal" / "731-KH-UBND-2025-ha-tinh.txt"


def _docx(tables: list[list[list[str]]]) -> bytes:
    import docx

    doc = docx.Document()
    for rows in tables:
        table = doc.add_table(len(rows), len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        doc.add_paragraph("QUYẾT ĐỊNH")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx_tables_keep_their_cells_and_stay_apart() -> None:
    data = _docx([
        [["ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
         ["Số: 1234/QĐ-UBND", "Hà Tĩnh, ngày 15 tháng 03 năm 2026"]],
        [["Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nVõ Trọng Hải"]],
    ])
    tables = tables_from_blocks(docx_parts(data, DEFAULT_EXTRACTION_LIMITS).body)
    assert len(tables) == 2
    head, closing = tables
    assert head.index == 1 and closing.index == 2
    assert head.rows[-1] == ("Số: 1234/QĐ-UBND", "Hà Tĩnh, ngày 15 tháng 03 năm 2026")
    assert closing.rows[0][1] == "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Võ Trọng Hải"


def test_html_table_header_and_records() -> None:
    page = ("<table><tr><th>TT</th><th>Nhiệm vụ</th><th>Đơn vị chủ trì</th></tr>"
            "<tr><td>1</td><td>Lập kế hoạch</td><td>Sở Nội vụ</td></tr>"
            "<tr><td>2</td><td>Báo cáo</td></tr></table><p>Đoạn sau bảng</p>"
            "<table><tr><td>a</td><td>b</td></tr></table>")
    tables = tables_from_blocks(html_parts(page).body)
    assert [t.index for t in tables] == [1, 2]
    tasks = tables[0]
    assert tasks.header == ("TT", "Nhiệm vụ", "Đơn vị chủ trì")
    assert tasks.column("đơn vị chủ") == 2 and tasks.column("sản phẩm") is None
    assert tasks.records()[1] == {"TT": "2", "Nhiệm vụ": "Báo cáo", "Đơn vị chủ trì": ""}
    assert Table.from_dict(tasks.to_dict()) == tasks


def test_flattened_cells_span_lines_and_rows_end_at_pipe_lines() -> None:
    lines = ["|", "TT |", "Nhiệm vụ |", "Đơn vị chủ trì |", "|", "I. THỂ CHẾ |", "|||||", "|", "1.1 |",
             "Tham mưu thành lập", "Ban chỉ đạo |", "Công an tỉnh |"]
    table = read_flattened_table(lines)
    assert table is not None and table.source == "flattened"
    assert table.header == ("TT", "Nhiệm vụ", "Đơn vị chủ trì")
    assert table.rows == (("I. THỂ CHẾ",), ("1.1", "Tham mưu thành lập Ban chỉ đạo", "Công an tỉnh"))
    assert read_flattened_table(["Không có bảng nào ở đây.", "Chỉ là văn bản."]) is None


def test_the_731_plan_appendix_reads_as_27_task_rows() -> None:
    lines = PLAN.read_text(encoding="utf-8").splitlines()
    start = next(i for i, x in enumerate(lines) if x.strip() == "PHỤ LỤC")
    first = next(i for i in range(start, len(lines)) if lines[i].strip() == "|")
    table = read_flattened_table(lines[first:])
    assert table is not None
    assert table.header == ("TT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Sản phẩm",
                            "Thời gian hoàn thành")
    tasks = [r for r in table.rows if r[0][:1].isdigit()]
    assert len(tasks) == 27
    assert all(len(r) == 6 for r in tasks)
    assert tasks[0][0] == "1.1" and tasks[0][2] == "Công an tỉnh" and tasks[0][5] == "Quý I/2026"
    row_32 = next(r for r in tasks if r[0] == "3.2")  # its empty "Đơn vị phối hợp" cell is a lone "|"
    assert row_32[3] == "" and row_32[5] == "Năm 2026"
    (at, _), _ = table.meta["continuations"]  # row 4.1 runs across a page break
    assert table.rows[at][0] == "4.1"
    assert table.meta["overflow"] == [(len(table.rows) - 1, ["Đăng xuất Việc làm Hồ Chí Minh"])]


def test_the_731_plan_text_has_its_metadata_header_and_task_tables() -> None:
    lines = PLAN.read_text(encoding="utf-8").splitlines()
    tables = find_flattened_tables(lines)
    assert tables[0].rows[0] == ("Số hiệu", "731/KH-UBND")  # the website's metadata table
    assert tables[1].rows[-1] == ("Số: 731/KH-UBND", "Hà Tĩnh, ngày 30 tháng 12 năm 2025")  # the header block
    appendix = next(t for t in tables if t.header[:2] == ("TT", "Nhiệm vụ"))
    assert appendix.caption.startswith("DANH MỤC NHIỆM VỤ TRỌNG TÂM")
    assert [t.index for t in tables] == list(range(1, len(tables) + 1))


def test_folder_connector_gives_documents_their_tables(tmp_path: Path) -> None:
    (tmp_path / "qd.docx").write_bytes(_docx([[["Số: 12/QĐ-UBND", "Hà Tĩnh, ngày 2 tháng 1 năm 2026"]]]))
    (tmp_path / "kh.txt").write_text(PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    docs = {Path(d.source).name: d for d in FolderConnector([tmp_path]).documents() if isinstance(d, Document)}
    assert docs["qd.docx"].tables[0].rows == (("Số: 12/QĐ-UBND", "Hà Tĩnh, ngày 2 tháng 1 năm 2026"),)
    assert any(t.header[:1] == ("TT",) and len(t.rows) == 32 for t in docs["kh.txt"].tables)
