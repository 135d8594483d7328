"""The rules of Nghị định 30/2020/NĐ-CP that drafts follow and the format check enforces, each with the place
that states it, numbered as the decree's own text numbers it (Điều; Phụ lục I Phần I Mục I–V with its khoản
and điểm; Phụ lục III Mục I).

Why one table: the writer (``docx_writer``) lays a draft out by these numbers and the checker (``checks``)
measures a document against the same numbers, so a draft that the writer makes cannot disagree with the
checker, and every finding carries the rule it breaks, its family (for the benchmark) and the wording it
quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
FAMILIES = ("font", "margins", "so_ky_hieu", "date", "elements", "can_cu", "noi_nhan")

# Phụ lục III, Mục I: "Bảng chữ viết tắt tên loại văn bản hành chính" (the kinds a draft can be, and others a
# checked document may be). A công văn has no tên loại and no abbreviation of its own (Mục II khoản 3 điểm b).
ABBREVIATIONS: dict[str, str] = {
    "nghị quyết": "NQ", "quyết định": "QĐ", "chỉ thị": "CT", "quy chế": "QC", "quy định": "QyĐ",
    "thông cáo": "TC", "thông báo": "TB", "hướng dẫn": "HD", "chương trình": "CTr", "kế hoạch": "KH",
    "phương án": "PA", "đề án": "ĐA", "dự án": "DA", "báo cáo": "BC", "biên bản": "BB", "tờ trình": "TTr",
    "hợp đồng": "HĐ", "công điện": "CĐ", "bản ghi nhớ": "BGN", "bản thỏa thuận": "BTT", "giấy ủy quyền": "GUQ",
    "giấy mời": "GM", "giấy giới thiệu": "GGT", "giấy nghỉ phép": "GNP", "phiếu gửi": "PG",
    "phiếu chuyển": "PC", "phiếu báo": "PB",
}
DRAFT_KINDS = ("công văn", "tờ trình", "báo cáo", "quyết định", "kế hoạch", "thông báo", "giấy mời")
# Nơi nhận in two parts ("Kính gửi" and "Nơi nhận"): Mục II khoản 9 điểm b.
KINH_GUI_KINDS = ("công văn", "tờ trình", "báo cáo")
AUTHORITIES = ("TM.", "Q.", "KT.", "TL.", "TUQ.")  # Mục II khoản 7 điểm b
FONT = "Times New Roman"
# A PDF printed where Times New Roman is missing carries a metric-compatible substitute (same widths, so the
# layout is the same); the font a .docx declares is judged strictly.
PDF_FONT_EQUIVALENTS = ("timesnewroman", "times", "liberationserif", "tinos")
MARGINS_MM = {"top": (20.0, 25.0), "bottom": (20.0, 25.0), "left": (30.0, 35.0), "right": (15.0, 20.0)}
A4_MM = (210.0, 297.0)

# Size range and style of each element: Phụ lục I, Phần I, Mục V (the table "Mẫu chữ và chi tiết trình bày").
# element → (min pt, max pt, bold, italic); None: not stated.
ELEMENT_STYLE: dict[str, tuple[float, float, bool | None, bool | None]] = {
    "quoc_hieu": (12, 13, True, False),
    "tieu_ngu": (13, 14, True, False),
    "co_quan_chu_quan": (12, 13, None, False),
    "co_quan": (12, 13, True, False),
    "so_ky_hieu": (13, 13, False, False),
    "dia_danh_ngay": (13, 14, None, True),
    "ten_loai": (13, 14, True, False),
    "trich_yeu": (13, 14, True, False),
    "trich_yeu_cong_van": (12, 13, False, False),
    "kinh_gui": (13, 14, None, False),
    "can_cu": (13, 14, None, True),
    "noi_dung": (13, 14, None, None),
    "noi_nhan_label": (12, 12, True, True),
    "noi_nhan_item": (11, 11, False, False),
    "quyen_han": (13, 14, True, False),
    "nguoi_ky": (13, 14, True, False),
}
ELEMENT_NAMES = {
    "quoc_hieu": "Quốc hiệu", "tieu_ngu": "Tiêu ngữ", "co_quan_chu_quan": "tên cơ quan chủ quản",
    "co_quan": "tên cơ quan ban hành", "so_ky_hieu": "số, ký hiệu", "dia_danh_ngay": "địa danh và ngày tháng",
    "ten_loai": "tên loại văn bản", "trich_yeu": "trích yếu", "trich_yeu_cong_van": "trích yếu công văn (V/v)",
    "kinh_gui": "Kính gửi", "can_cu": "căn cứ", "noi_dung": "nội dung", "noi_nhan_label": "từ «Nơi nhận»",
    "noi_nhan_item": "danh sách nơi nhận", "quyen_han": "quyền hạn, chức vụ người ký", "nguoi_ky": "họ tên người ký",
}
# Where Mục II states each element's size and style (the Mục V table repeats it).
ELEMENT_PLACE = {
    "quoc_hieu": "khoản 1 điểm a", "tieu_ngu": "khoản 1 điểm b", "co_quan_chu_quan": "khoản 2 điểm b",
    "co_quan": "khoản 2 điểm b", "so_ky_hieu": "khoản 3 điểm c", "dia_danh_ngay": "khoản 4 điểm c",
    "ten_loai": "khoản 5 điểm b", "trich_yeu": "khoản 5 điểm b", "trich_yeu_cong_van": "khoản 5 điểm b",
    "kinh_gui": "khoản 9 điểm d", "can_cu": "khoản 6 điểm a", "noi_dung": "khoản 6 điểm e",
    "noi_nhan_label": "khoản 9 điểm d", "noi_nhan_item": "khoản 9 điểm d", "quyen_han": "khoản 7 điểm đ",
    "nguoi_ky": "khoản 7 điểm đ",
}


@dataclass(frozen=True)
class Rule:
    """One rule: ``code`` (stable, for programs), ``family`` (the benchmark's unit), ``cite`` (its place in
    NĐ 30), ``quote`` (the decree's words), ``severity``."""

    code: str
    family: str
    cite: str
    quote: str
    severity: Severity = "error"


PL1 = "Phụ lục I, Phần I"
RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("font.name", "font", f"{PL1}, Mục I, khoản 4",
         "Phông chữ tiếng Việt Times New Roman, bộ mã ký tự Unicode theo Tiêu chuẩn Việt Nam TCVN 6909:2001"),
    Rule("font.size", "font", f"{PL1}, Mục II và Mục V", "cỡ chữ theo quy định cụ thể cho từng yếu tố thể thức"),
    Rule("font.style", "font", f"{PL1}, Mục II và Mục V", "kiểu chữ (đứng, đậm, nghiêng) của từng yếu tố thể thức",
         "warning"),
    Rule("margins.page", "margins", f"{PL1}, Mục I, khoản 3",
         "Cách mép trên và mép dưới 20 - 25 mm, cách mép trái 30 - 35 mm, cách mép phải 15 - 20 mm"),
    Rule("margins.paper", "margins", f"{PL1}, Mục I, khoản 1", "Khổ A4 (210 mm x 297 mm)"),
    Rule("so_ky_hieu.form", "so_ky_hieu", f"{PL1}, Mục II, khoản 3, điểm c",
         "sau từ “Số” có dấu hai chấm (:); … Giữa số và ký hiệu văn bản có dấu gạch chéo (/), giữa các nhóm chữ "
         "viết tắt trong ký hiệu văn bản có dấu gạch nối (-), không cách chữ"),
    Rule("so_ky_hieu.zero", "so_ky_hieu", f"{PL1}, Mục II, khoản 3, điểm c",
         "với những số nhỏ hơn 10 phải ghi thêm số 0 phía trước"),
    Rule("so_ky_hieu.abbreviation", "so_ky_hieu", "Phụ lục III, Mục I (và Điều 9)",
         "Chữ viết tắt tên loại văn bản hành chính được thực hiện theo quy định tại Phụ lục III"),
    Rule("date.zero", "date", f"{PL1}, Mục II, khoản 4, điểm b",
         "đối với những số thể hiện ngày nhỏ hơn 10 và tháng 1, 2 phải ghi thêm số 0 phía trước"),
    Rule("date.form", "date", f"{PL1}, Mục II, khoản 4, điểm b và c",
         "Thời gian ban hành văn bản phải được viết đầy đủ; … sau địa danh có dấu phẩy (,)"),
    Rule("elements.missing", "elements", "Điều 8, khoản 2 và Phụ lục I, Phần I, Mục II",
         "Thể thức văn bản hành chính bao gồm các thành phần chính"),
    Rule("elements.position", "elements", f"{PL1}, Mục IV",
         "Vị trí trình bày các thành phần thể thức (sơ đồ bố trí)"),
    Rule("elements.case", "elements", f"{PL1}, Mục II", "chữ in hoa / in thường của từng yếu tố thể thức",
         "warning"),
    Rule("can_cu.replaced", "can_cu", f"{PL1}, Mục II, khoản 6, điểm a",
         "Căn cứ ban hành văn bản bao gồm văn bản quy định thẩm quyền, chức năng, nhiệm vụ … và các văn bản quy "
         "định nội dung, cơ sở để ban hành văn bản"),
    Rule("can_cu.expired", "can_cu", f"{PL1}, Mục II, khoản 6, điểm a",
         "Căn cứ ban hành văn bản bao gồm … các văn bản quy định nội dung, cơ sở để ban hành văn bản"),
    Rule("can_cu.not_yet", "can_cu", f"{PL1}, Mục II, khoản 6, điểm a",
         "Căn cứ ban hành văn bản bao gồm … các văn bản quy định nội dung, cơ sở để ban hành văn bản", "warning"),
    Rule("noi_nhan.luu_vt", "noi_nhan", f"{PL1}, Mục II, khoản 9, điểm d",
         "dòng cuối cùng bao gồm chữ “Lưu” sau có dấu hai chấm (:), tiếp theo là chữ viết tắt “VT”"),
)}


def element_rule_cite(element: str) -> str:
    """Where Mục II states an element's size and style ("Phụ lục I, Phần I, Mục II, khoản 1 điểm a; Mục V")."""
    return f"{PL1}, Mục II, {ELEMENT_PLACE[element]}; Mục V"


def abbreviation(kind: str) -> str | None:
    """Phụ lục III's abbreviation of a tên loại ("Quyết định" → "QĐ"); None for a công văn or an unknown kind."""
    return ABBREVIATIONS.get(" ".join(kind.lower().split()).replace("uỷ", "ủy"))


def kind_of_code(code: str) -> str | None:
    """The tên loại an abbreviation stands for ("KH" → "kế hoạch")."""
    return next((k for k, c in ABBREVIATIONS.items() if c == code), None)
