"""The shipped example mapping file reads, and maps what its comments say it maps."""

from __future__ import annotations

from pathlib import Path

from assistant.service.directory import load_mapping
from core.units import unit_directory

EXAMPLE = Path(__file__).resolve().parents[4] / "data" / "directory-mapping.example.yaml"


def test_the_example_mapping() -> None:
    mapping = load_mapping(EXAMPLE)
    units = unit_directory()
    leader = mapping.apply({"departmentNumber": ["VP UBND"], "title": ["Chánh Văn phòng"]},
                           ["cn=lanh-dao, ou=groups, dc=tinh, dc=vn"], units, fallback_name="x")
    assert (leader.unit, leader.roles, leader.position) == ("Văn phòng UBND tỉnh", ("chuyen_vien", "lanh_dao"),
                                                            "Chánh Văn phòng")
    by_group = mapping.apply({"ou": ["Phòng không rõ"]}, ["cn=so-y-te,ou=groups,dc=tinh,dc=vn",
                                                          "cn=quan-tri,ou=groups,dc=tinh,dc=vn"], units, "x")
    assert by_group.unit == "Sở Y tế" and "admin" in by_group.roles
    nobody = mapping.apply({"departmentNumber": ["Phòng không rõ"]}, [], units, "x")
    assert nobody.unit == "" and nobody.name == "x"
