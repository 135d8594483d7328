"""The directory over StartTLS and LDAPS against a real slapd with a certificate from a CA made for the run:
sign-in works when the configured CA signed the server's certificate, and a certificate the configured CA did
not sign makes the directory unavailable (503), never a sign-in over an unverified channel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.service.directory import DirectoryUnavailable, LdapDirectory, MappingFile
from core.units import unit_directory
from tests.assistant.service.directory.conftest import PASSWORDS, ldap_config, people_ldif
from tests.slapd_server import Slapd, running_slapd, write_certificates


@pytest.fixture(scope="module")
def tls_slapd(slapd_installed: None) -> Iterator[Slapd]:
    with running_slapd(people_ldif(), tls=True) as server:
        yield server


def directory(server: Slapd, mapping_file: Path, **overrides: object) -> LdapDirectory:
    return LdapDirectory(ldap_config(server, **overrides), mapping=MappingFile(mapping_file),
                         units=lambda: unit_directory())


@pytest.mark.parametrize("how", ["start_tls", "ldaps"])
def test_sign_in_over_a_verified_channel(tls_slapd: Slapd, mapping_file: Path, how: str) -> None:
    options = {"start_tls": True} if how == "start_tls" else {"url": tls_slapd.ldaps_url}
    d = directory(tls_slapd, mapping_file, ca_file=tls_slapd.ca_file, **options)
    before = d.operations
    person = d.authenticate("an.nv", PASSWORDS["an.nv"])
    assert person is not None and person.unit == "Sở Tài chính"
    # StartTLS is one more operation on each new connection: the service's first one and the person's bind.
    assert d.operations - before == (6 if how == "start_tls" else 4)
    d.close()


@pytest.mark.parametrize("how", ["start_tls", "ldaps"])
def test_a_certificate_from_another_ca_is_refused(tls_slapd: Slapd, mapping_file: Path, tmp_path: Path,
                                                  how: str) -> None:
    other_ca, _, _ = write_certificates(tmp_path)
    options = {"start_tls": True} if how == "start_tls" else {"url": tls_slapd.ldaps_url}
    d = directory(tls_slapd, mapping_file, ca_file=other_ca, **options)
    with pytest.raises(DirectoryUnavailable):
        d.authenticate("an.nv", PASSWORDS["an.nv"])
