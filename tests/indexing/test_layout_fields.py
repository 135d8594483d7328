"""The file name as a witness of a handwritten number: only when the code after the number is the printed ký
hiệu's; read into so_hieu with "file_name" as its source; never a year or another kind's number."""

from __future__ import annotations

from indexing.layout_fields import doubled_letter, number_in_name, read_layout, ve_viec

LAYOUT = {"source": "ocr", "kind_line": "QUYẾT ĐỊNH", "title_lines": ["Về việc bổ nhiệm"],
          "so_hieu": {"read": "ế†", "number": None, "ky_hieu": "QĐ-UBND", "confidence": 0.2, "how": "unsure"}}


def test_the_number_a_file_name_gives_for_the_same_kind() -> None:
    assert number_in_name("89 QĐ CT.pdf", "QĐ-UBND") == "89"
    assert number_in_name("Quyet dinh 89-QD-UBND.pdf", "QĐ-UBND") == "89"
    assert number_in_name("so 575_UBND-KTTH.pdf", "UBND-KTTH") == "575"


def test_no_number_from_a_plain_name_a_year_or_another_kind() -> None:
    assert number_in_name("dev_03.pdf", "QĐ-UBND") is None
    assert number_in_name("2025 QĐ.pdf", "QĐ-UBND") is None
    assert number_in_name("89 TB.pdf", "QĐ-UBND") is None


def test_an_unread_number_is_filled_from_the_file_name_with_its_source() -> None:
    read = read_layout(LAYOUT, file_name="89 QĐ CT.pdf")
    assert read["fields"]["so_hieu"] == "89/QĐ-UBND" and read["extra"]["so_hieu_from"] == "file_name"
    unread = read_layout(LAYOUT, file_name="scan.pdf")
    assert "so_hieu" not in unread["fields"] and "so_hieu" in unread["unreadable"]


def test_a_garbled_ve_viec_opening_a_title_is_spelled_right() -> None:
    assert ve_viec(",Vệviêc triển khai thực hiện") == "Về việc triển khai thực hiện"
    assert ve_viec("Vê viéc phê duyệt") == "Về việc phê duyệt"
    assert ve_viec("Về việc giao dự toán") == "Về việc giao dự toán"
    assert ve_viec("Kết luận của Chủ tịch") == "Kết luận của Chủ tịch"
    assert ve_viec("Vẻ đẹp di sản") == "Vẻ đẹp di sản"


def test_a_type_code_letter_read_twice_is_put_right_only_when_it_then_fits_the_kind() -> None:
    assert doubled_letter("QĐĐ-UBND", "Quyết định") == "QĐ-UBND"
    assert doubled_letter("QĐ-UBND", "Quyết định") == "QĐ-UBND"
    assert doubled_letter("TTr-UBND", "Tờ trình") == "TTr-UBND"  # a real double stays
    assert doubled_letter("QĐĐ-UBND", "Thông báo") == "QĐĐ-UBND"  # not the kind's code either way
