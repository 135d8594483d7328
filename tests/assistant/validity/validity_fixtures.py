"""Generated decisions of a province that replace and amend each other (small real-looking Vietnamese texts)."""

from __future__ import annotations

from datetime import date

from core.access import AccessLabel
from core.documents import Document

# These tests are about what the relations say: they run with the relations declared complete (the operator's
# setting), so "no change on record" reads as in force. Without it the status is unverified
# (tests/core/test_legal_status.py).
VERIFIED = date(2100, 1, 1)

OLD_TEXT = """QUYẾT ĐỊNH
Ban hành Quy định tiếp nhận hồ sơ trực tuyến
Điều 1. Phạm vi điều chỉnh
Quy định này áp dụng cho việc tiếp nhận hồ sơ trực tuyến tại Bộ phận Một cửa các cấp.
Điều 2. Thời hạn giải quyết
Thời hạn giải quyết hồ sơ đăng ký hộ kinh doanh là 10 ngày làm việc kể từ ngày nhận đủ hồ sơ.
Điều 3. Hiệu lực thi hành
Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 6 năm 2023.
"""

NEW_TEXT = """QUYẾT ĐỊNH
Ban hành Quy định tiếp nhận và giải quyết hồ sơ trực tuyến
Điều 1. Phạm vi điều chỉnh
Quy định này áp dụng cho việc tiếp nhận, giải quyết hồ sơ trực tuyến tại Bộ phận Một cửa các cấp.
Điều 3. Thời hạn giải quyết
1. Hồ sơ được tiếp nhận qua Cổng dịch vụ công của tỉnh.
2. Thời hạn giải quyết hồ sơ đăng ký hộ kinh doanh là 05 ngày làm việc kể từ ngày nhận đủ hồ sơ.
Điều 5. Phí tiếp nhận
Không thu phí tiếp nhận hồ sơ trực tuyến.
Điều 6. Hiệu lực thi hành
Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 3 năm 2025 và thay thế Quyết định số \
45/2023/QĐ-UBND ngày 10 tháng 5 năm 2023 của Ủy ban nhân dân tỉnh.
"""

AMEND_TEXT = """QUYẾT ĐỊNH
Sửa đổi, bổ sung một số điều của Quyết định số 12/2025/QĐ-UBND
Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 12/2025/QĐ-UBND
1. Sửa đổi, bổ sung khoản 2 Điều 3 như sau:
“2. Thời hạn giải quyết hồ sơ đăng ký hộ kinh doanh là 03 ngày làm việc kể từ ngày nhận đủ hồ sơ.”
2. Bãi bỏ Điều 5.
Điều 2. Hiệu lực thi hành
Quyết định này có hiệu lực thi hành kể từ ngày 01 tháng 6 năm 2025.
"""

RESTRICTED = AccessLabel(level="restricted", units=("Sở Tài chính",))


def decision(doc_id: str, so_hieu: str, title: str, text: str, effective: str,
             access: AccessLabel | None = None) -> Document:
    return Document(doc_id=doc_id, kind="legal", title=title, text=text, source=f"{doc_id}.txt",
                    access=access or AccessLabel(),
                    metadata={"so_hieu": so_hieu, "loai_van_ban": "Quyết định", "ngay_hieu_luc": effective,
                              "co_quan_ban_hanh": "Ủy ban nhân dân tỉnh Hà Tĩnh"})


def old_decision() -> Document:
    return decision("qd-45-2023", "45/2023/QĐ-UBND", "Quyết định 45/2023/QĐ-UBND về tiếp nhận hồ sơ trực tuyến",
                    OLD_TEXT, "2023-06-01")


def new_decision(access: AccessLabel | None = None) -> Document:
    return decision("qd-12-2025", "12/2025/QĐ-UBND", "Quyết định 12/2025/QĐ-UBND về tiếp nhận và giải quyết hồ sơ",
                    NEW_TEXT, "2025-03-01", access)


def amending_decision() -> Document:
    return decision("qd-20-2025", "20/2025/QĐ-UBND", "Quyết định 20/2025/QĐ-UBND sửa đổi Quyết định 12/2025",
                    AMEND_TEXT, "2025-06-01")
