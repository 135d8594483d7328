"""People kept in SQL and re-checked: within the re-check window a token is honoured without asking the
directory; past it the directory is asked, and a person gone or moved there has their tokens revoked. The
users file is the fallback only when configured."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.service.credentials import hash_password, token_version
from assistant.service.db import Sessions, make_engine
from assistant.service.directory import DirectoryUnavailable, LdapDirectory, People, PeopleStore, UsersFileDirectory
from core.access import load_users
from core.settings import Settings
from tests.assistant.service.directory.conftest import PASSWORDS
from tests.slapd_server import Slapd


@pytest.fixture()
def sessions(tmp_path: Path) -> Sessions:
    return Sessions(make_engine(f"sqlite:///{tmp_path / 'people.db'}"))


@pytest.fixture()
def users_file(tmp_path: Path) -> UsersFileDirectory:
    path = tmp_path / "users.yaml"
    path.write_text("users:\n  - id: quan.tri\n    name: Quản Trị\n    unit: Văn phòng UBND tỉnh\n    roles: [admin]\n"
                    f'    password_hash: "{hash_password("mat-khau-quan-tri")}"\n', encoding="utf-8")
    return UsersFileDirectory(lambda uid: load_users(path).get(uid))


def people(directory: LdapDirectory, sessions: Sessions, users_file: UsersFileDirectory, minutes: float,
           fallback: bool = False) -> People:
    return People(directory, PeopleStore(sessions), users_file, recheck=timedelta(minutes=minutes),
                  users_file_fallback=fallback)


def test_sign_in_keeps_the_person_in_sql(directory: LdapDirectory, sessions: Sessions,
                                         users_file: UsersFileDirectory) -> None:
    p = people(directory, sessions, users_file, 15)
    assert p.authenticate("an.nv", PASSWORDS["an.nv"]) is not None
    stored = PeopleStore(sessions).get("an.nv")
    assert stored is not None and stored.person.unit == "Sở Tài chính" and stored.last_sign_in is not None
    assert stored.person.source == "ldap" and stored.person.dn.startswith("uid=an.nv,")


def test_within_the_window_the_directory_is_not_asked(directory: LdapDirectory, sessions: Sessions,
                                                      users_file: UsersFileDirectory,
                                                      change: Callable[..., None]) -> None:
    p = people(directory, sessions, users_file, 15)
    p.authenticate("an.nv", PASSWORDS["an.nv"])
    change("an.nv", {"departmentNumber": ["Công an tỉnh"]})
    before = directory.operations
    assert p.current("an.nv", "ldap").unit == "Sở Tài chính"  # type: ignore[union-attr]
    assert directory.operations == before
    # Past the window (0 here) the directory is asked: the move is seen and older tokens are revoked.
    version = token_version(sessions, "an.nv")
    moved = people(directory, sessions, users_file, 0).current("an.nv", "ldap")
    assert moved is not None and moved.unit == "Công an tỉnh"
    assert token_version(sessions, "an.nv") == version + 1


def test_gone_from_the_directory_disables_and_revokes(directory: LdapDirectory, sessions: Sessions,
                                                      users_file: UsersFileDirectory,
                                                      change: Callable[..., None]) -> None:
    p = people(directory, sessions, users_file, 0)
    p.authenticate("em.hn", PASSWORDS["em.hn"])
    change("em.hn", {"pwdAccountLockedTime": ["000001010000Z"]})
    assert p.current("em.hn", "ldap") is None
    assert PeopleStore(sessions).get("em.hn").disabled  # type: ignore[union-attr]
    assert token_version(sessions, "em.hn") == 1
    assert p.current("em.hn", "ldap") is None  # stays out without asking again


def test_users_file_fallback_only_when_configured(slapd: Slapd, directory: LdapDirectory, sessions: Sessions,
                                                  users_file: UsersFileDirectory) -> None:
    slapd.stop()
    with pytest.raises(DirectoryUnavailable):
        people(directory, sessions, users_file, 15).authenticate("quan.tri", "mat-khau-quan-tri")
    fallback = people(directory, sessions, users_file, 15, fallback=True)
    admin = fallback.authenticate("quan.tri", "mat-khau-quan-tri")
    assert admin is not None and admin.source == "file" and admin.roles == ("admin",)
    assert fallback.authenticate("an.nv", PASSWORDS["an.nv"]) is None  # directory people wait for the directory


def test_recheck_longer_than_15_minutes_is_refused() -> None:
    with pytest.raises(ValidationError, match="15"):
        Settings(directory_recheck_minutes=16)
    with pytest.raises(ValueError, match="15"):
        People(UsersFileDirectory(lambda _: None), None, UsersFileDirectory(lambda _: None),  # type: ignore[arg-type]
               recheck=timedelta(minutes=20))
