"""The LDAP directory against a real slapd: who a password belongs to and what the mapping makes of them, the
cases that must all read as "no" (wrong password, locked account, unknown name, LDAP injection, empty
password), the directory down, and what one sign-in costs the directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.service.directory import DirectoryUnavailable, LdapDirectory, MappingFile
from core.errors import ConfigurationError
from core.units import unit_directory
from tests.assistant.service.directory.conftest import PASSWORDS, ldap_config
from tests.slapd_server import Slapd


def test_sign_in_maps_unit_roles_and_position(directory: LdapDirectory) -> None:
    an = directory.authenticate("an.nv", PASSWORDS["an.nv"])
    assert an is not None
    assert (an.id, an.name, an.unit, an.roles, an.position, an.source) == (
        "an.nv", "Nguyễn Văn An", "Sở Tài chính", ("chuyen_vien",), "Chuyên viên", "ldap")
    binh = directory.authenticate("binh.tt", PASSWORDS["binh.tt"])  # the mapping's own spelling, a leader by group
    assert binh is not None and binh.unit == "Văn phòng UBND tỉnh" and binh.roles == ("chuyen_vien", "lanh_dao")
    em = directory.authenticate("em.hn", PASSWORDS["em.hn"])  # the province list's alias, typed without marks
    assert em is not None and em.unit == "Sở Khoa học và Công nghệ"


def test_no_mapped_unit_signs_in_reading_public_documents_only(directory: LdapDirectory) -> None:
    cuong = directory.authenticate("cuong.lv", PASSWORDS["cuong.lv"])
    assert cuong is not None and cuong.unit == ""
    principal = cuong.principal()
    assert principal.unit == "" and principal.roles == () and not principal.authenticated

    from core.access import AccessLabel
    assert AccessLabel("public").allows(principal)
    assert not AccessLabel("internal").allows(principal)


@pytest.mark.parametrize("username,password", [
    ("an.nv", "sai-mat-khau"),  # wrong password
    ("dung.pv", PASSWORDS["dung.pv"]),  # locked by ppolicy, right password
    ("khong.co", "bat-ky"),  # nobody
    ("an.nv", ""),  # an empty password would be an anonymous bind, which slapd accepts
    ("*", PASSWORDS["an.nv"]),  # injection: every entry
    ("an*", PASSWORDS["an.nv"]),
    ("*)(uid=*", PASSWORDS["an.nv"]),
    ("an.nv)(|(uid=*", PASSWORDS["an.nv"]),
    ("an.nv\x00", PASSWORDS["an.nv"]),
    ("x" * 200, PASSWORDS["an.nv"]),
])
def test_every_refusal_reads_the_same(directory: LdapDirectory, username: str, password: str) -> None:
    assert directory.authenticate(username, password) is None


def test_injection_finds_nobody_on_lookup(directory: LdapDirectory) -> None:
    assert directory.lookup("*") is None
    assert directory.lookup("an.nv)(uid=*") is None
    assert directory.lookup("an.nv") is not None


def test_mapping_is_read_again_at_every_sign_in(directory: LdapDirectory, mapping_file: Path) -> None:
    assert directory.authenticate("an.nv", PASSWORDS["an.nv"]).roles == ("chuyen_vien",)  # type: ignore[union-attr]
    mapping_file.write_text("roles:\n  default: [chuyen_vien, doc_bao_cao]\n", encoding="utf-8")
    assert directory.authenticate("an.nv", PASSWORDS["an.nv"]).roles == (  # type: ignore[union-attr]
        "chuyen_vien", "doc_bao_cao")
    mapping_file.write_text("roles: [khong, phai, bang]\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="directory-mapping.yaml"):
        directory.authenticate("an.nv", PASSWORDS["an.nv"])


def test_a_move_shows_on_lookup(directory: LdapDirectory, change: Callable[..., None]) -> None:
    change("an.nv", {"departmentNumber": ["Công an tỉnh"]})
    assert directory.lookup("an.nv").unit == "Công an tỉnh"  # type: ignore[union-attr]
    change("an.nv", {"pwdAccountLockedTime": ["000001010000Z"]})
    assert directory.lookup("an.nv") is None


def test_directory_down_is_unavailable_not_a_wrong_password(slapd: Slapd, mapping_file: Path) -> None:
    directory = LdapDirectory(ldap_config(slapd, timeout_s=2.0), mapping=MappingFile(mapping_file),
                              units=lambda: unit_directory())
    assert directory.authenticate("an.nv", PASSWORDS["an.nv"]) is not None  # service connection now open
    slapd.stop()
    with pytest.raises(DirectoryUnavailable) as err:
        directory.authenticate("an.nv", PASSWORDS["an.nv"])
    assert "danh bạ" in err.value.message
    with pytest.raises(DirectoryUnavailable):
        directory.lookup("an.nv")


def test_a_refused_service_account_is_unavailable(slapd: Slapd, mapping_file: Path) -> None:
    directory = LdapDirectory(ldap_config(slapd, bind_password="sai"), mapping=MappingFile(mapping_file),
                              units=lambda: unit_directory())
    with pytest.raises(DirectoryUnavailable):
        directory.authenticate("an.nv", PASSWORDS["an.nv"])


def test_one_sign_in_is_three_operations_on_a_warm_connection(directory: LdapDirectory) -> None:
    directory.lookup("an.nv")  # opens the service connection (one bind)
    before = directory.operations
    directory.authenticate("an.nv", PASSWORDS["an.nv"])
    assert directory.operations - before == 3  # search the person, bind as them, search their groups
    before = directory.operations
    directory.authenticate("an.nv", "sai-mat-khau")
    assert directory.operations - before == 2  # no group search after a refused bind


def test_settings_refuse_a_filter_without_the_name(slapd: Slapd) -> None:
    with pytest.raises(ConfigurationError, match="username"):
        ldap_config(slapd, user_filter="(uid=*)")
    with pytest.raises(ConfigurationError, match="START_TLS"):
        ldap_config(slapd, url="ldaps://127.0.0.1:1", start_tls=True)


def test_a_name_two_entries_answer_to_signs_in_nobody(slapd: Slapd, mapping_file: Path) -> None:
    import ldap3

    from tests.slapd_server import MANAGER_DN, MANAGER_PASSWORD, SUFFIX, ssha

    with ldap3.Connection(slapd.url, MANAGER_DN, MANAGER_PASSWORD, auto_bind=True) as conn:
        assert conn.add(f"uid=an.nv,ou=services,{SUFFIX}", "inetOrgPerson",
                        {"cn": "Bản sao", "sn": "Sao", "userPassword": ssha(PASSWORDS["an.nv"])})
    whole_tree = LdapDirectory(ldap_config(slapd, search_base=SUFFIX), mapping=MappingFile(mapping_file),
                               units=lambda: unit_directory())
    assert whole_tree.authenticate("an.nv", PASSWORDS["an.nv"]) is None
    assert whole_tree.lookup("an.nv") is None
