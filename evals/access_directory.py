"""Directory-backed people for the access eval (issue 30): the same officials as the users file, but living in a
real OpenLDAP directory (Debian's ``slapd``, started for the run by tests/slapd_server.py) and signed in through
it, so what the eval probes is the person the directory and the mapping file make, not a YAML record.

Each users-file person becomes an ``inetOrgPerson`` entry with a generated password; their unit is written the
way a directory writes it (a department code, ``departmentNumber: DV-02``) and only the generated mapping file
turns it into the unit name; ``lanh_dao`` and ``admin`` come from the groups ``cn=lanh-dao`` and ``cn=quan-tri``,
``chuyen_vien`` from the mapping's default. One more official, whose department the mapping does not know, signs
in with no unit and must read public documents only. The users file given to the service is empty, so nobody is
resolved from it: every principal, every API key acting for a person and every re-check goes through the
directory's people (the ``people`` table, re-checked against slapd after ``directory_recheck_minutes``).
"""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from core.access import Principal, UserRecord
from core.settings import Settings

UNMAPPED_ID = "khongro.tranvanbay"  # an official whose department the mapping file does not know
UNMAPPED_DEPARTMENT = "Phòng chưa có trong danh mục"
ROLE_GROUPS = {"lanh_dao": "lanh-dao", "admin": "quan-tri"}


@dataclass
class DirectoryPeople:
    """What the directory holds and how the mapping reads it."""

    ldif: str
    mapping_yaml: str
    passwords: dict[str, str]
    expected: dict[str, tuple[str, tuple[str, ...]]]  # id -> (unit, roles) the sign-in must give
    departments: dict[str, str] = field(default_factory=dict)  # department code -> unit


def directory_people(users: Mapping[str, UserRecord]) -> DirectoryPeople:
    """Entries, groups and the mapping file for ``users`` (plus one unmapped official)."""
    from tests.slapd_server import GROUPS_BASE, base_ldif, group_ldif, person_ldif

    units = sorted({u.unit for u in users.values()})
    departments = {f"DV-{i:02d}": unit for i, unit in enumerate(units, 1)}
    code_of = {unit: code for code, unit in departments.items()}
    passwords = {uid: secrets.token_urlsafe(12) for uid in [*users, UNMAPPED_ID]}
    chunks = [base_ldif()]
    expected: dict[str, tuple[str, tuple[str, ...]]] = {}
    members: dict[str, list[str]] = {group: [] for group in ROLE_GROUPS.values()}
    for uid, user in users.items():
        chunks.append(person_ldif(uid, user.name, passwords[uid], code_of[user.unit], "Chuyên viên"))
        roles = ["chuyen_vien"]  # the mapping's default, then the groups' roles
        for role in user.roles:
            if role in ROLE_GROUPS:
                members[ROLE_GROUPS[role]].append(uid)
                roles.append(role)
        expected[uid] = (user.unit, tuple(dict.fromkeys(roles)))
    chunks.append(person_ldif(UNMAPPED_ID, "Trần Văn Bảy", passwords[UNMAPPED_ID], UNMAPPED_DEPARTMENT, "Cán sự"))
    expected[UNMAPPED_ID] = ("", ("chuyen_vien",))
    chunks += [group_ldif(group, uids) for group, uids in members.items()]
    lines = ["name_attribute: displayName", "position_attribute: title", "unit:", "  attributes: [departmentNumber]",
             "  units:", *[f'    "{code}": "{unit}"' for code, unit in departments.items()],
             "roles:", "  default: [chuyen_vien]", "  groups:",
             *[f'    "cn={group},{GROUPS_BASE}": {role}' for role, group in ROLE_GROUPS.items()]]
    return DirectoryPeople("".join(chunks), "\n".join(lines) + "\n", passwords, expected, departments)


@contextmanager
def slapd_settings(settings: Settings, users: Mapping[str, UserRecord]) -> Iterator[tuple[Settings, DirectoryPeople]]:
    """A running slapd holding ``users`` and the settings that sign people in through it (an empty users
    file, the generated mapping file); slapd stopped and its folder removed afterwards."""
    from tests.slapd_server import GROUPS_BASE, PEOPLE_BASE, SERVICE_DN, SERVICE_PASSWORD, running_slapd

    people = directory_people(users)
    with tempfile.TemporaryDirectory(prefix="access-directory-") as folder, running_slapd(people.ldif) as server:
        (Path(folder) / "users.yaml").write_text("users: []\n", encoding="utf-8")
        (Path(folder) / "mapping.yaml").write_text(people.mapping_yaml, encoding="utf-8")
        yield settings.model_copy(update={
            "directory": "ldap", "ldap_url": server.url, "ldap_bind_dn": SERVICE_DN,
            "ldap_bind_password": SecretStr(SERVICE_PASSWORD), "ldap_search_base": PEOPLE_BASE,
            "ldap_group_base": GROUPS_BASE,
            "directory_mapping_file": Path(folder) / "mapping.yaml", "users_file": Path(folder) / "users.yaml",
            "directory_users_file_fallback": False}), people


def sign_in_everyone(people_api: object, people: DirectoryPeople) -> tuple[list[Principal], dict[str, object]]:
    """Every directory person signed in through the directory (``People.authenticate``: search, bind, groups,
    mapping, the people table): their principals, and a report of what the mapping gave against what the users
    file said. A person who cannot sign in, or comes out with another unit or roles, is a failure of the run."""
    from assistant.service.directory import People

    assert isinstance(people_api, People)
    principals, wrong, times = [], [], []
    for uid, password in people.passwords.items():
        started = time.perf_counter()
        person = people_api.authenticate(uid, password)
        times.append((time.perf_counter() - started) * 1000)
        if person is None:
            wrong.append({"id": uid, "problem": "không đăng nhập được qua danh bạ"})
            continue
        unit, roles = people.expected[uid]
        if (person.unit, sorted(person.roles)) != (unit, sorted(roles)) or person.source != "ldap":
            wrong.append({"id": uid, "problem": f"ánh xạ ra {person.unit!r} {list(person.roles)}, "
                                                f"cần {unit!r} {list(roles)}"})
        principals.append(person.principal())
    report = {"people": len(people.passwords), "signed_in": len(principals), "wrong": wrong,
              "departments": people.departments, "unmapped": UNMAPPED_ID,
              "sign_in_ms": [round(t, 1) for t in times]}
    return principals, report
