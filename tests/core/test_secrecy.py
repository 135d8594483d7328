"""A stamp the document bears is detected; a mention of secrecy in a sentence is not."""

import unicodedata

import pytest

from core.secrecy import detect_secrecy_stamp, secrecy_reason

HEADING = """UBND TỈNH HÀ TĨNH
SỞ THÔNG TIN VÀ TRUYỀN THÔNG
Số: 215/BC-STTTT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
"""
BODY = """BÁO CÁO
Kết quả rà soát hệ thống thông tin quý III năm 2026
Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở báo cáo như sau:
1. Đã rà soát 42 hệ thống thông tin của các cơ quan nhà nước.
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MẬT\n" + HEADING + BODY, "Mật"),
        ("TỐI MẬT\n" + HEADING + BODY, "Tối mật"),
        ("TUYỆT MẬT\n" + HEADING + BODY, "Tuyệt mật"),
        (HEADING + "Tối mật\n" + BODY, "Tối mật"),  # stamp beside the heading block
        ("[ MẬT ]\n" + HEADING + BODY, "Mật"),
        ("**TỐI MẬT**\n" + HEADING + BODY, "Tối mật"),
        ("«Tuyệt mật»\n" + HEADING + BODY, "Tuyệt mật"),
        ("| TỐI MẬT |\n" + HEADING + BODY, "Tối mật"),
        ("Độ mật: Mật\n" + HEADING + BODY, "Mật"),
        ("ĐỘ MẬT: TỐI MẬT\n" + HEADING + BODY, "Tối mật"),
        ("Độ khẩn: Hỏa tốc | Độ mật: Tuyệt mật\n" + HEADING + BODY, "Tuyệt mật"),
        ("Độ khẩn: Khẩn, Độ mật: Mật.\n" + HEADING + BODY, "Mật"),
        (HEADING.replace("Số: 215", "TỐI  MẬT\nSố: 215") + BODY, "Tối mật"),  # double space
        (unicodedata.normalize("NFD", "TỐI MẬT\n" + HEADING + BODY), "Tối mật"),  # decomposed input
    ],
)
def test_stamps_are_detected(text: str, expected: str) -> None:
    assert detect_secrecy_stamp(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        HEADING + BODY,
        HEADING + BODY + "Tài liệu này không chứa thông tin mật.\n",
        HEADING + "Về việc bảo vệ bí mật nhà nước trong ngành thông tin và truyền thông\n" + BODY,
        HEADING + "Tài liệu tối mật phải được lưu giữ trong két sắt có khóa.\n" + BODY,
        HEADING
        + "Điều 8. Phân loại bí mật nhà nước\nBí mật nhà nước được phân loại: Tuyệt mật, Tối mật, Mật.\n",
        HEADING + "BÍ MẬT NHÀ NƯỚC\n" + BODY,
        HEADING + "Mật khẩu quản trị phải được thay đổi 90 ngày một lần.\n" + BODY,
        HEADING + "Độ mật: Không\n" + BODY,
        HEADING + "Độ mật: Mật độ dân số cao ở khu vực nội thành\n" + BODY,
        HEADING + "Mật độ xây dựng\n" + BODY,
        "",
    ],
)
def test_mentions_are_not_stamps(text: str) -> None:
    assert detect_secrecy_stamp(text) is None


def test_stamp_far_below_the_top_is_not_a_stamp() -> None:
    # A line "Mật" deep inside an appendix list is not where a stamp goes.
    filler = "".join(f"{i}. Nội dung công việc số {i} của kế hoạch.\n" for i in range(1, 60))
    assert detect_secrecy_stamp(HEADING + BODY + filler + "Mật\n") is None


def test_reason_names_the_level() -> None:
    reason = secrecy_reason("Tối mật")
    assert "«Tối mật»" in reason and "\n" not in reason
