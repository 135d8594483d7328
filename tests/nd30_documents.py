"""Documents in the Nghị định 30/2020 layout, generated for tests and benchmarks: the content as data
(``Nd30Document``, with the fields a reader must find in ``expected``) and renderers to .docx, .html and .txt.

A renderer only lays the content out as that format does (two-column header table, closing table; a text
export writes cell after cell); other renderers (PDF, scans) can take the same ``Nd30Document``.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUOC_HIEU = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------"]


@dataclass(frozen=True)
class Nd30Document:
    """One document's content. ``issuer`` is the left header column (chủ quản, ban hành, its rule), ``number``
    the left cell under it ("Số: …", a "V/v …" trích yếu, stamps), ``kind`` + ``title`` the tên loại and
    trích yếu lines (empty for a công văn), ``closing`` the "Nơi nhận" column and ``signature`` the other."""

    name: str
    issuer: list[str]
    number: list[str]
    place_date: str
    kind: str
    title: list[str]
    preamble: list[str]
    body: list[str]
    closing: list[str]
    signature: list[str]
    expected: dict[str, Any] = field(default_factory=dict)

    def header_rows(self) -> list[list[list[str]]]:
        return [[self.issuer, QUOC_HIEU], [self.number, [self.place_date]]]

    def heading(self) -> list[str]:
        return ([self.kind] if self.kind else []) + self.title + (["-----------"] if self.kind else [])


DECISION = Nd30Document(
    name="quyet-dinh-1234-QD-UBND",
    issuer=["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH", "-------"],
    number=["Số: 1234/QĐ-UBND", "HỎA TỐC"],
    place_date="Hà Tĩnh, ngày 15 tháng 03 năm 2026",
    kind="QUYẾT ĐỊNH",
    title=["Về việc ban hành Quy chế quản lý, vận hành nền tảng trợ lý ảo trên địa bàn tỉnh"],
    preamble=["ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
              "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
              "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
              "Căn cứ Quyết định số 142/QĐ-TTg ngày 02 tháng 02 năm 2024 của Thủ tướng Chính phủ phê duyệt "
              "Chiến lược dữ liệu quốc gia đến năm 2030;",
              "Theo đề nghị của Giám đốc Sở Khoa học và Công nghệ tại Tờ trình số 45/TTr-SKHCN ngày 01 tháng 3 "
              "năm 2026.",
              "QUYẾT ĐỊNH:"],
    body=["Điều 1. Ban hành kèm theo Quyết định này Quy chế quản lý, vận hành nền tảng trợ lý ảo trên địa bàn "
          "tỉnh Hà Tĩnh.",
          "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 4 năm 2026.",
          "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Khoa học và Công nghệ, Thủ trưởng các sở, "
          "ban, ngành cấp tỉnh và Chủ tịch Ủy ban nhân dân các xã, phường chịu trách nhiệm thi hành Quyết định "
          "này./."],
    closing=["Nơi nhận:", "- Như Điều 3;", "- Chủ tịch, các PCT UBND tỉnh;", "- Lưu: VT, NC."],
    signature=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "Nguyễn Văn An"],
    expected={
        "so_hieu": "1234/QĐ-UBND", "loai_van_ban": "Quyết định", "co_quan_ban_hanh": "Ủy ban nhân dân tỉnh Hà Tĩnh",
        "trich_yeu": "Về việc ban hành Quy chế quản lý, vận hành nền tảng trợ lý ảo trên địa bàn tỉnh",
        "dia_danh": "Hà Tĩnh", "ngay_ban_hanh": "2026-03-15", "ngay_hieu_luc": "2026-04-01", "do_khan": "Hỏa tốc",
        "can_cu": [
            {"text": "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015", "so_hieu": None,
             "loai_van_ban": "Luật"},
            {"text": "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư",
             "so_hieu": "30/2020/NĐ-CP", "loai_van_ban": "Nghị định"},
            {"text": "Căn cứ Quyết định số 142/QĐ-TTg ngày 02 tháng 02 năm 2024 của Thủ tướng Chính phủ phê duyệt "
                     "Chiến lược dữ liệu quốc gia đến năm 2030", "so_hieu": "142/QĐ-TTg",
             "loai_van_ban": "Quyết định"}],
        "noi_nhan": ["Như Điều 3", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, NC"],
        "quyen_han_ky": "KT.", "chuc_vu": "Phó Chủ tịch", "nguoi_ky": "Nguyễn Văn An",
    },
)

PLAN = Nd30Document(
    name="ke-hoach-56-KH-SYT",
    issuer=["UBND TỈNH HÀ TĨNH", "SỞ Y TẾ", "-------"],
    number=["Số: 56/KH-SYT", "THƯỢNG KHẨN"],
    place_date="Hà Tĩnh, ngày 02 tháng 4 năm 2026",
    kind="KẾ HOẠCH",
    title=["TRIỂN KHAI TIÊM CHỦNG MỞ RỘNG NĂM 2026"],
    preamble=["Căn cứ Quyết định số 1234/QĐ-UBND ngày 15 tháng 3 năm 2026 của Ủy ban nhân dân tỉnh;",
              "Sở Y tế xây dựng Kế hoạch triển khai tiêm chủng mở rộng năm 2026 như sau:"],
    body=["I. MỤC ĐÍCH, YÊU CẦU",
          "1. Mục đích",
          "- Bảo đảm trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin.",
          "2. Yêu cầu",
          "- Các đơn vị y tế tổ chức tiêm chủng an toàn, đúng lịch.",
          "II. TỔ CHỨC THỰC HIỆN",
          "1. Trung tâm Kiểm soát bệnh tật tỉnh chủ trì, hướng dẫn chuyên môn.",
          "2. Các trạm y tế xã, phường tổ chức tiêm chủng hằng tháng."],
    closing=["Nơi nhận:", "- UBND tỉnh (để b/c);", "- Các đơn vị y tế trong tỉnh;", "- Lưu: VT, NVY."],
    signature=["GIÁM ĐỐC", "", "", "Lê Thị Cúc"],
    expected={
        "so_hieu": "56/KH-SYT", "loai_van_ban": "Kế hoạch", "co_quan_chu_quan": "Ủy ban nhân dân tỉnh Hà Tĩnh",
        "co_quan_ban_hanh": "Sở Y tế", "trich_yeu": "Triển khai tiêm chủng mở rộng năm 2026", "dia_danh": "Hà Tĩnh",
        "ngay_ban_hanh": "2026-04-02", "do_khan": "Thượng khẩn",
        "can_cu": [{"text": "Căn cứ Quyết định số 1234/QĐ-UBND ngày 15 tháng 3 năm 2026 của Ủy ban nhân dân tỉnh",
                    "so_hieu": "1234/QĐ-UBND", "loai_van_ban": "Quyết định"}],
        "noi_nhan": ["UBND tỉnh (để b/c)", "Các đơn vị y tế trong tỉnh", "Lưu: VT, NVY"],
        "chuc_vu": "Giám đốc", "nguoi_ky": "Lê Thị Cúc",
    },
)

LETTER = Nd30Document(
    name="cong-van-789-SKHCN-CDS",
    issuer=["UBND TỈNH HÀ TĨNH", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "-------"],
    number=["Số: 789/SKHCN-CĐS", "V/v triển khai nền tảng trợ lý ảo cho cán bộ, công chức", "KHẨN"],
    place_date="Hà Tĩnh, ngày 20 tháng 4 năm 2026",
    kind="",
    title=[],
    preamble=["Kính gửi:", "- Các sở, ban, ngành cấp tỉnh;", "- Ủy ban nhân dân các xã, phường."],
    body=["Thực hiện Quyết định số 1234/QĐ-UBND ngày 15 tháng 3 năm 2026 của Ủy ban nhân dân tỉnh, Sở Khoa học và "
          "Công nghệ đề nghị các cơ quan, đơn vị cử cán bộ đầu mối tham gia vận hành nền tảng trợ lý ảo.",
          "Danh sách cán bộ đầu mối gửi về Sở Khoa học và Công nghệ trước ngày 30 tháng 4 năm 2026 để tổng hợp."],
    closing=["Nơi nhận:", "- Như trên;", "- Lưu: VT, CĐS."],
    signature=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "", "", "Trần Văn Bình"],
    expected={
        "so_hieu": "789/SKHCN-CĐS", "loai_van_ban": "Công văn", "co_quan_chu_quan": "Ủy ban nhân dân tỉnh Hà Tĩnh",
        "co_quan_ban_hanh": "Sở Khoa học và Công nghệ",
        "trich_yeu": "V/v triển khai nền tảng trợ lý ảo cho cán bộ, công chức", "dia_danh": "Hà Tĩnh",
        "ngay_ban_hanh": "2026-04-20", "do_khan": "Khẩn",
        "kinh_gui": ["Các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân các xã, phường"],
        "noi_nhan": ["Như trên", "Lưu: VT, CĐS"], "quyen_han_ky": "KT.", "chuc_vu": "Phó Giám đốc",
        "nguoi_ky": "Trần Văn Bình",
    },
)

DOCUMENTS = (DECISION, PLAN, LETTER)
FORMATS = ("docx", "html", "txt")


def to_docx(doc: Nd30Document) -> bytes:
    import docx

    out = docx.Document()

    def table(rows: list[list[list[str]]]) -> None:
        t = out.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, lines in enumerate(row):
                cell = t.cell(r, c)
                cell.text = lines[0] if lines else ""
                for line in lines[1:]:
                    cell.add_paragraph(line)

    table(doc.header_rows())
    for line in doc.heading() + doc.preamble + doc.body:
        out.add_paragraph(line)
    table([[doc.closing, doc.signature]])
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def _cell_html(lines: list[str]) -> str:
    return "<td>" + "".join(f"<p>{html.escape(x)}</p>" if x else "<p></p>" for x in lines) + "</td>"


def to_html(doc: Nd30Document) -> str:
    rows = "".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in doc.header_rows())
    paras = "".join(f"<p>{html.escape(x)}</p>" for x in doc.heading() + doc.preamble + doc.body)
    closing = "<tr>" + _cell_html(doc.closing) + _cell_html(doc.signature) + "</tr>"
    return (f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{html.escape(doc.name)}</title>"
            f"</head><body><article><table>{rows}</table>{paras}<table>{closing}</table></article></body></html>")


def to_txt(doc: Nd30Document) -> str:
    """What copying the document out of a word processor gives: each cell's lines, cell after cell."""
    lines = [x for row in doc.header_rows() for cell in row for x in cell]
    lines += doc.heading() + doc.preamble + doc.body + doc.closing + doc.signature
    return "\n".join(lines) + "\n"


def render(doc: Nd30Document, fmt: str) -> bytes:
    if fmt == "docx":
        return to_docx(doc)
    if fmt == "html":
        return to_html(doc).encode("utf-8")
    if fmt == "txt":
        return to_txt(doc).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")


def write_corpus(folder: Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Every document in every format under ``folder`` (``<name>.<fmt>``)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in DOCUMENTS:
        for fmt in formats:
            path = folder / f"{doc.name}.{fmt}"
            path.write_bytes(render(doc, fmt))
            paths.append(path)
    return paths
