"""``documents show`` as text states the whole label: the AND, group and hierarchy clauses too, since a line
showing only ``units`` and ``roles`` would describe a different audience than the one the filter applies."""

from __future__ import annotations

from assistant.documents import record_lines, record_row


def _record(access: dict) -> dict:
    return {"doc_id": "file:a.txt", "title": "Kế hoạch", "file": "a.txt", "metadata": {}, "chunks": 2,
            "access": access, "updated_at": "2026-12-07T00:00:00Z"}


def _access_line(access: dict) -> str:
    return next(line for line in record_lines(_record(access)) if line.startswith("Quyền truy cập:"))


def test_every_clause_of_a_label_is_shown() -> None:
    line = _access_line({"level": "restricted", "units": ["Sở Y tế"], "roles": ["lanh_dao"],
                         "roles_in_units": {"Công an tỉnh": ["lanh_dao"]}, "groups": ["Các sở, ban, ngành"],
                         "units_and_below": ["Sở Tài chính"]})
    assert line == ("Quyền truy cập: hạn chế (Sở Y tế; vai trò Lãnh đạo; Lãnh đạo của Công an tỉnh; "
                    "nhóm Các sở, ban, ngành; đơn vị và cấp dưới Sở Tài chính)")
    assert _access_line({"level": "restricted", "units": [], "roles": [],
                         "units_and_below": ["Sở Y tế"]}) == "Quyền truy cập: hạn chế (đơn vị và cấp dưới Sở Y tế)"
    assert _access_line({"level": "public", "units": [], "roles": []}) == "Quyền truy cập: công khai"
    assert _access_line({"level": "unknown", "units": [], "roles": []}) == "Quyền truy cập: chưa rõ (unknown)"


def test_a_procedure_record_shows_its_code_and_implementing_agency_not_a_so_hieu_and_issuer() -> None:
    record = {**_record({"level": "public", "units": [], "roles": []}), "kind": "tthc",
              "metadata": {"so_hieu": "1.013614", "loai_van_ban": "Thủ tục hành chính",
                           "co_quan_ban_hanh": "Cục Quân y/Tổng cục Hậu cần - Kỹ thuật",
                           "quyet_dinh": "Quyết định số 6225/QĐ-BQP"}}
    lines = record_lines(record)
    assert "Mã thủ tục: 1.013614" in lines and "Cơ quan thực hiện: Cục Quân y/Tổng cục Hậu cần - Kỹ thuật" in lines
    assert "Quyết định công bố: Quyết định số 6225/QĐ-BQP" in lines
    assert not [line for line in lines if line.startswith(("Số, ký hiệu", "Cơ quan ban hành"))]


def test_a_can_cu_is_not_said_twice() -> None:
    record = {**_record({"level": "public", "units": [], "roles": []}),
              "metadata": {"can_cu": [{"text": "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015",
                                       "so_hieu": None}]}}
    assert "Căn cứ: Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015" in record_lines(record)


def test_dates_times_and_levels_are_shown_as_people_read_them() -> None:
    record = {**_record({"level": "internal", "units": [], "roles": []}), "kind": "legal", "source_format": "docx",
              "metadata": {"loai_van_ban": "Kế hoạch", "so_hieu": "56/KH-SYT", "ngay_ban_hanh": "2026-04-02",
                           "ngay_hieu_luc": "2026-04-15"}}
    lines = record_lines(record)
    assert "Ngày ban hành: 02/04/2026" in lines and "Ngày hiệu lực: 15/04/2026" in lines
    assert "Cập nhật: 07:00 07/12/2026" in lines  # 00:00 UTC is 07:00 in Hà Tĩnh
    assert record_row(record) == "file:a.txt · Kế hoạch 56/KH-SYT · 02/04/2026 · — · docx · 2 đoạn · nội bộ"
