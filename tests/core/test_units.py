"""Unit names resolved to the shipped province list and the users file's units; groups kept apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.units import UnitDirectory, unit_directory

UNITS = unit_directory(["Sở Y tế", "UBND xã Thạch Hà"])


def test_spellings_of_one_unit_resolve_to_its_canonical_name() -> None:
    for text in ("Sở Khoa học và Công nghệ", "Sở KH&CN", "Sở Khoa học và công nghệ", "so khoa hoc va cong nghe",
                 "SỞ KHOA HỌC VÀ CÔNG NGHỆ"):
        assert [r.name for r in UNITS.resolve(text)] == ["Sở Khoa học và Công nghệ"], text
        assert UNITS.canonical(text) == "Sở Khoa học và Công nghệ"
    assert UNITS.canonical("Văn phòng Ủy ban nhân dân tỉnh") == "Văn phòng UBND tỉnh"
    assert UNITS.canonical("Sở Bịa Đặt") is None


def test_a_cell_of_units_groups_and_notes() -> None:
    refs = UNITS.resolve("Sở Khoa học và Công nghệ (hướng dẫn), Văn phòng UBND tỉnh và các đơn vị liên quan")
    assert [(r.name, r.group, r.note) for r in refs] == [("Sở Khoa học và Công nghệ", False, "hướng dẫn"),
                                                         ("Văn phòng UBND tỉnh", False, ""),
                                                         ("Các đơn vị liên quan", True, "")]
    refs = UNITS.resolve("Sở Y tế, Hội Chữ thập đỏ tỉnh và Sở Tài chính")
    assert [(r.name, r.known) for r in refs] == [("Sở Y tế", True), ("Hội Chữ thập đỏ tỉnh", False),
                                                 ("Sở Tài chính", True)]


def test_groups_include_their_members_but_are_not_them() -> None:
    refs = UNITS.resolve("Các sở, ban, ngành, UBND cấp xã")
    assert [(r.name, r.group) for r in refs] == [("Các sở, ban, ngành", True), ("UBND cấp xã", True)]
    assert "Các sở, ban, ngành" in UNITS.groups_of("Sở Y tế")
    assert UNITS.groups_of("UBND xã Thạch Hà") == ["UBND cấp xã", "Các địa phương"]
    assert "Sở Y tế" in UNITS.members("Các sở, ban, ngành") and UNITS.members("Các đơn vị liên quan") == []
    assert "UBND xã Thạch Hà" in UNITS.members("UBND cấp xã")


def test_a_bad_list_line_names_its_file(tmp_path: Path) -> None:
    bad = tmp_path / "units.tsv"
    bad.write_text("Sở Y tế\n", encoding="utf-8")
    with pytest.raises(ValueError, match="units.tsv:1"):
        UnitDirectory.load(unit_list=bad)
