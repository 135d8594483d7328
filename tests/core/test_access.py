from pathlib import Path

import pytest

from core.access import ANONYMOUS, AccessLabel, Principal, load_users, principal_for
from core.errors import ConfigurationError, UnknownUser

YTE = Principal(user_id="a", unit="Sở Y tế", roles=("chuyen_vien",))
CONG_AN = Principal(user_id="b", unit="Công an tỉnh", roles=("lanh_dao",))


def test_levels() -> None:
    assert AccessLabel("public").allows(ANONYMOUS)
    assert not AccessLabel("internal").allows(ANONYMOUS)
    assert AccessLabel("internal").allows(YTE)
    restricted = AccessLabel("restricted", units=("Sở Y tế",))
    assert restricted.allows(YTE) and not restricted.allows(CONG_AN)
    by_role = AccessLabel("restricted", roles=("lanh_dao",))
    assert by_role.allows(CONG_AN) and not by_role.allows(YTE)


def test_bad_labels_are_named() -> None:
    with pytest.raises(ValueError, match="secret"):
        AccessLabel("secret")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one unit or role"):
        AccessLabel("restricted")


def test_label_from_record_normalises_units() -> None:
    label = AccessLabel.from_record({"level": "restricted", "units": ["Sở Y tế"]})
    assert label.units == ("Sở Y tế",)


def test_demo_users_file(users_file: Path) -> None:
    users = load_users(users_file)
    assert len({u.unit for u in users.values()}) >= 3
    assert principal_for("syt.lethicuc", users_file).unit == "Sở Y tế"
    with pytest.raises(UnknownUser):
        principal_for("nobody", users_file)


def test_broken_users_file(tmp_path: Path) -> None:
    bad = tmp_path / "users.yaml"
    bad.write_text("users:\n  - name: X\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="entry 0"):
        load_users(bad)
    with pytest.raises(ConfigurationError, match="not found"):
        load_users(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    "value",
    [{"units": ["Sở Y tế"]}, {"level": "restricted", "units": "Sở Y tế"}, {"level": "restricted", "roles": "ke_toan"},
     {"level": "public", "lvl": "x"}, {"level": 1}, None, 3, ["public"]],
)
def test_unreadable_access_fails_closed(value: object) -> None:
    with pytest.raises(ValueError):
        AccessLabel.from_record(value)


def test_readable_access_labels() -> None:
    label = AccessLabel.from_record({"level": "restricted", "units": ["Sở Y tế", "Công an tỉnh"]})
    assert label.units == ("Sở Y tế", "Công an tỉnh") and AccessLabel.from_record("internal").level == "internal"
