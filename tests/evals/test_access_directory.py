"""The access eval's directory-backed people (``assistant eval access --people slapd``): the demo officials put in
a real slapd as directory entries (department codes, groups) and signed in through it come out with the units
and roles of the users file, through the mapping file alone; the one official with an unknown department gets no
unit and reads as the public; and the service given those settings resolves nobody from the users file."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from core.access import load_users
from core.settings import Settings
from evals.access_directory import UNMAPPED_ID, directory_people, sign_in_everyone, slapd_settings
from tests.slapd_server import slapd_binary

REPO = Path(__file__).resolve().parents[2]


def test_the_entries_carry_department_codes_not_unit_names() -> None:
    users = load_users(REPO / "data" / "users.yaml")
    people = directory_people(users)
    assert set(people.passwords) == {*users, UNMAPPED_ID}
    for unit in {u.unit for u in users.values()}:
        assert f"departmentNumber: {unit}" not in people.ldif  # only the mapping file names the unit
        assert unit in people.mapping_yaml
    assert "demo123" not in people.ldif and len(set(people.passwords.values())) == len(people.passwords)


def test_everyone_signs_in_through_slapd_with_the_users_file_units_and_roles(tmp_path: Path) -> None:
    if slapd_binary() is None:
        pytest.skip("Debian's slapd is not installed (apt-get install slapd ldap-utils; `make directory-server`)")
    users = load_users(REPO / "data" / "users.yaml")
    base = Settings(data_dir=tmp_path / "data",
                    embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite")
    with slapd_settings(base, users) as (settings, people):
        runtime = Runtime(settings)
        try:
            assert runtime.users() == {}  # nobody from the users file
            principals, report = sign_in_everyone(runtime.people(), people)
        finally:
            runtime.close()
    assert report["wrong"] == [] and report["signed_in"] == len(users) + 1
    by_id = {p.user_id: p for p in principals}
    for uid, user in users.items():
        assert by_id[uid].unit == user.unit and by_id[uid].authenticated
        assert set(user.roles) <= set(by_id[uid].roles) <= {*user.roles, "chuyen_vien"}
    unmapped = by_id[UNMAPPED_ID]
    assert unmapped.unit == "" and not unmapped.authenticated  # public documents only
