"""``documents show`` as text states the whole label: the AND, group and hierarchy clauses too, since a line
showing only ``units`` and ``roles`` would describe a different audience than the one the filter applies."""

from __future__ import annotations

from assistant.documents import record_lines


def _record(access: dict) -> dict:
    return {"doc_id": "file:a.txt", "title": "Kế hoạch", "file": "a.txt", "metadata": {}, "chunks": 2,
            "access": access, "updated_at": "2026-12-07T00:00:00Z"}


def _access_line(access: dict) -> str:
    return next(line for line in record_lines(_record(access)) if line.startswith("Quyền truy cập:"))


def test_every_clause_of_a_label_is_shown() -> None:
    line = _access_line({"level": "restricted", "units": ["Sở Y tế"], "roles": ["lanh_dao"],
                         "roles_in_units": {"Công an tỉnh": ["lanh_dao"]}, "groups": ["Các sở, ban, ngành"],
                         "units_and_below": ["Sở Tài chính"]})
    assert line == ("Quyền truy cập: restricted (Sở Y tế; vai trò lanh_dao; lanh_dao của Công an tỉnh; "
                    "nhóm Các sở, ban, ngành; đơn vị và cấp dưới Sở Tài chính)")
    assert _access_line({"level": "restricted", "units": [], "roles": [],
                         "units_and_below": ["Sở Y tế"]}) == "Quyền truy cập: restricted (đơn vị và cấp dưới Sở Y tế)"
    assert _access_line({"level": "public", "units": [], "roles": []}) == "Quyền truy cập: public"
