"""A real slapd per test that changes the directory (tests/slapd_server.py), loaded with a few officials:
one per case the sign-in must tell apart (a known unit, a unit written as an alias, a leader by group, no
mappable unit, a locked account). Skipped, naming the packages, where Debian's slapd is not installed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import ldap3
import pytest

from assistant.service.directory import LdapConfig, LdapDirectory, MappingFile
from core.units import unit_directory
from tests.slapd_server import (
    GROUPS_BASE,
    MANAGER_DN,
    MANAGER_PASSWORD,
    PEOPLE_BASE,
    SERVICE_DN,
    SERVICE_PASSWORD,
    Slapd,
    base_ldif,
    group_ldif,
    person_ldif,
    running_slapd,
    slapd_binary,
)

PASSWORDS = {"an.nv": "mat-khau-an-01", "binh.tt": "mat-khau-binh-02", "cuong.lv": "mat-khau-cuong-03",
             "dung.pv": "mat-khau-dung-04", "em.hn": "mat-khau-em-05"}
MAPPING_YAML = f"""\
name_attribute: displayName
position_attribute: title
unit:
  attributes: [departmentNumber]
  units: {{"VP UBND": "Văn phòng UBND tỉnh"}}
roles:
  default: [chuyen_vien]
  groups:
    "cn=lanh-dao,{GROUPS_BASE}": lanh_dao
    "cn=quan-tri": admin
"""


def people_ldif() -> str:
    return "".join([
        base_ldif(),
        person_ldif("an.nv", "Nguyễn Văn An", PASSWORDS["an.nv"], "Sở Tài chính", "Chuyên viên"),
        person_ldif("binh.tt", "Trần Thị Bình", PASSWORDS["binh.tt"], "VP UBND", "Phó Chánh Văn phòng"),
        person_ldif("cuong.lv", "Lê Văn Cường", PASSWORDS["cuong.lv"], "Phòng Không Có Trong Danh Mục", "Cán sự"),
        person_ldif("dung.pv", "Phạm Văn Dũng", PASSWORDS["dung.pv"], "Công an tỉnh", "Cán bộ",
                    extra={"pwdAccountLockedTime": "000001010000Z"}),
        person_ldif("em.hn", "Hồ Ngọc Em", PASSWORDS["em.hn"], "so kh&cn", "Chuyên viên"),
        group_ldif("lanh-dao", ["binh.tt"]),
        group_ldif("quan-tri", []),
    ])


@pytest.fixture(scope="session")
def slapd_installed() -> None:
    if slapd_binary() is None:
        pytest.skip("Debian's slapd is not installed (apt-get install slapd ldap-utils; `make directory-server`)")


@pytest.fixture()
def slapd(slapd_installed: None) -> Iterator[Slapd]:
    with running_slapd(people_ldif()) as server:
        yield server


@pytest.fixture()
def mapping_file(tmp_path: Path) -> Path:
    path = tmp_path / "directory-mapping.yaml"
    path.write_text(MAPPING_YAML, encoding="utf-8")
    return path


def ldap_config(server: Slapd, **overrides: object) -> LdapConfig:
    values: dict[str, object] = {"url": server.url, "bind_dn": SERVICE_DN, "bind_password": SERVICE_PASSWORD,
                                 "search_base": PEOPLE_BASE, "group_base": GROUPS_BASE, **overrides}
    return LdapConfig(**values)  # type: ignore[arg-type]


@pytest.fixture()
def directory(slapd: Slapd, mapping_file: Path) -> Iterator[LdapDirectory]:
    d = LdapDirectory(ldap_config(slapd), mapping=MappingFile(mapping_file), units=lambda: unit_directory())
    yield d
    d.close()


@pytest.fixture()
def change(slapd: Slapd) -> Callable[[str, dict[str, list[str]]], None]:
    """``change(uid, {"departmentNumber": ["Công an tỉnh"]})``: the directory's manager edits an entry."""

    def apply(uid: str, values: dict[str, list[str]]) -> None:
        with ldap3.Connection(slapd.url, MANAGER_DN, MANAGER_PASSWORD, auto_bind=True) as conn:
            ok = conn.modify(f"uid={uid},{PEOPLE_BASE}", {k: [(ldap3.MODIFY_REPLACE, v)] for k, v in values.items()})
            assert ok, conn.result

    return apply

