"""A plan the UI tests index, its deadlines set around today, so the "Nhiệm vụ của đơn vị" page has an overdue
task, one due within 30 days and one later for Sở Y tế, and one for Công an tỉnh."""

from __future__ import annotations

from datetime import date, timedelta

OVERDUE = "Rà soát hồ sơ lưu trữ điện tử của Sở Y tế"
SOON = "Số hóa sổ công văn đến"
LATER = "Đào tạo văn thư về chữ ký số"
POLICE = "Kiểm tra an ninh mạng hệ thống văn thư điện tử"
GROUP = "Báo cáo kết quả số hóa tài liệu lưu trữ"


def _d(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def task_plan(today: date) -> str:
    return "\n".join([
        "KẾ HOẠCH", "Số hóa tài liệu văn thư, lưu trữ", "I. MỤC ĐÍCH", "Nâng cao hiệu quả công tác văn thư.",
        "II. TỔ CHỨC THỰC HIỆN", "1. Sở Y tế",
        f"- {OVERDUE}, hoàn thành trước ngày {_d(today - timedelta(days=10))}.",
        f"- {SOON}, hoàn thành trước ngày {_d(today + timedelta(days=12))}.",
        f"- {LATER}, hoàn thành trước ngày {_d(today + timedelta(days=200))}.",
        "2. Công an tỉnh", f"- {POLICE}, hoàn thành trước ngày {_d(today + timedelta(days=20))}.",
        "3. Các sở, ban, ngành", f"- {GROUP}, hoàn thành trước ngày {_d(today + timedelta(days=90))}.",
    ]) + "\n"
