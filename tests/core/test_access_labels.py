"""Access labels beyond units OR roles: a unit AND its roles, unit groups, a unit and the units under it; old
labels keep their meaning and their hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.access import ANONYMOUS, AccessLabel, Principal
from core.documents import Document
from core.unit_hierarchy import read_hierarchy, unit_and_above

POLICE_LEADER = Principal("ca-ld", unit="Công an tỉnh", roles=("lanh_dao",))
POLICE_OFFICER = Principal("ca-cv", unit="Công an tỉnh", roles=("chuyen_vien",))
HEALTH_LEADER = Principal("yt-ld", unit="Sở Y tế", roles=("lanh_dao",))
HEALTH_DESK = Principal("yt-phong", unit="Phòng Nghiệp vụ Y, Sở Y tế", roles=("chuyen_vien",))
COMMUNE = Principal("xa", unit="UBND xã Thạch Hà", roles=("lanh_dao",))


def test_units_and_roles_keep_or_and_roles_in_units_is_and() -> None:
    old = AccessLabel.from_record({"level": "restricted", "units": ["Công an tỉnh"], "roles": ["lanh_dao"]})
    assert old.allows(POLICE_OFFICER) and old.allows(HEALTH_LEADER)  # OR, as documented: every leader
    both = AccessLabel.from_record({"level": "restricted", "roles_in_units": {"Công an tỉnh": ["lanh_dao"]}})
    assert both.allows(POLICE_LEADER)
    assert not both.allows(POLICE_OFFICER) and not both.allows(HEALTH_LEADER) and not both.allows(ANONYMOUS)


def test_groups_and_units_and_below() -> None:
    sở = AccessLabel.from_record({"level": "restricted", "groups": ["các sở, ban, ngành"]})
    assert sở.groups == ("Các sở, ban, ngành",)
    assert sở.allows(HEALTH_LEADER) and sở.allows(HEALTH_DESK)  # a phòng belongs where its Sở does
    assert not sở.allows(COMMUNE)
    tree = AccessLabel.from_record({"level": "restricted", "units_and_below": ["Sở Y tế"]})
    assert tree.allows(HEALTH_DESK) and tree.allows(HEALTH_LEADER) and not tree.allows(POLICE_LEADER)
    exact = AccessLabel.from_record({"level": "restricted", "units": ["Sở Y tế"]})
    assert not exact.allows(HEALTH_DESK)  # plain units stay exact


@pytest.mark.parametrize("value, message", [
    ({"level": "restricted", "groups": ["Các hội đồng bí mật"]}, "unknown unit group"),
    ({"level": "restricted", "roles_in_units": {"Công an tỉnh": []}}, "at least one role"),
    ({"level": "restricted", "roles_in_units": ["Công an tỉnh"]}, "map unit names"),
    ({"level": "restricted", "unit": ["Sở Y tế"]}, "unknown access keys"),
])
def test_unreadable_new_clauses_fail_closed(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AccessLabel.from_record(value)


def test_payload_round_trip_and_old_hash_unchanged() -> None:
    label = AccessLabel.from_record({"level": "restricted", "units": ["Sở Y tế"], "roles_in_units": {
        "Công an tỉnh": ["lanh_dao", "thu_truong"]}, "groups": ["UBND cấp xã"], "units_and_below": ["Sở Tài chính"]})
    assert AccessLabel.from_payload(label.payload()) == label
    assert AccessLabel.from_record(label.record()) == label
    old = AccessLabel("restricted", units=("Sở Y tế",))
    assert repr(old) == "AccessLabel(level='restricted', units=('Sở Y tế',), roles=())"
    doc = Document(doc_id="d", kind="text", title="t", text="x", access=old)
    relabelled = Document(doc_id="d", kind="text", title="t", text="x", access=label)
    assert doc.hash != relabelled.hash  # a changed label on an unchanged file is an update


def test_shipped_hierarchy_reads_and_a_loop_is_refused(tmp_path: Path) -> None:
    assert unit_and_above("Phòng Nghiệp vụ Y, Sở Y tế") == ("Phòng Nghiệp vụ Y, Sở Y tế", "Sở Y tế")
    bad = tmp_path / "h.tsv"
    bad.write_text("A\tB\nB\tA\n", encoding="utf-8")
    with pytest.raises(ValueError, match="loops"):
        read_hierarchy(bad)
