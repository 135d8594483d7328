"""A real OpenLDAP ``slapd`` (Debian's package) in a temporary folder on a free loopback port, for the
directory sign-in tests and benchmark: a generated slapd.conf (mdb database, the ppolicy overlay so an account
can be locked the way a province directory locks it), entries loaded with ``slapadd`` before start (fast, so
20,000 officials load in seconds), and changes made afterwards through LDAP as the directory's manager.

Skips (naming the package) where slapd is not installed: ``make directory-server`` installs it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUFFIX = "dc=tinh,dc=vn"
MANAGER_DN = f"cn=admin,{SUFFIX}"
MANAGER_PASSWORD = "quan-ly-danh-ba-thu"
SERVICE_DN = f"cn=tro-ly-ao,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "dich-vu-tra-cuu-thu"
PEOPLE_BASE = f"ou=people,{SUFFIX}"
GROUPS_BASE = f"ou=groups,{SUFFIX}"
SLAPD_CANDIDATES = ("/usr/sbin/slapd",)
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")


def slapd_binary() -> str | None:
    """The slapd executable with its tools (slapadd), or None where the Debian packages are missing."""
    found = next((p for p in SLAPD_CANDIDATES if os.access(p, os.X_OK)), None) or shutil.which("slapd")
    if found is None or not Path("/etc/ldap/schema/inetorgperson.schema").is_file():
        return None
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ssha(password: str) -> str:
    """``{SSHA}`` as slappasswd writes it, so the directory stores no plain password."""
    salt = os.urandom(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()


def _ldif_value(name: str, value: str) -> str:
    if value.isascii() and not value.startswith((" ", ":", "<")) and "\n" not in value:
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode('utf-8')).decode()}"


def entry_ldif(dn: str, attributes: dict[str, str | list[str]]) -> str:
    lines = [_ldif_value("dn", dn)]
    for name, values in attributes.items():
        for value in [values] if isinstance(values, str) else values:
            lines.append(_ldif_value(name, value))
    return "\n".join(lines) + "\n\n"


def base_ldif() -> str:
    """The tree's root, its three branches and the service account the assistant looks people up with."""
    return "".join([
        entry_ldif(SUFFIX, {"objectClass": ["dcObject", "organization"], "dc": "tinh", "o": "Tỉnh"}),
        entry_ldif(PEOPLE_BASE, {"objectClass": "organizationalUnit", "ou": "people"}),
        entry_ldif(GROUPS_BASE, {"objectClass": "organizationalUnit", "ou": "groups"}),
        entry_ldif(f"ou=services,{SUFFIX}", {"objectClass": "organizationalUnit", "ou": "services"}),
        entry_ldif(f"ou=policies,{SUFFIX}", {"objectClass": "organizationalUnit", "ou": "policies"}),
        entry_ldif(f"cn=default,ou=policies,{SUFFIX}", {"objectClass": ["device", "pwdPolicy"],
                                                       "cn": "default", "pwdAttribute": "userPassword",
                                                       "pwdLockout": "TRUE"}),
        entry_ldif(SERVICE_DN, {"objectClass": ["organizationalRole", "simpleSecurityObject"], "cn": "tro-ly-ao",
                                "userPassword": ssha(SERVICE_PASSWORD)}),
    ])


def person_ldif(uid: str, name: str, password: str, department: str = "", title: str = "",
                extra: dict[str, str | list[str]] | None = None) -> str:
    attrs: dict[str, str | list[str]] = {"objectClass": "inetOrgPerson", "uid": uid, "cn": name,
                                         "sn": name.split()[-1], "displayName": name,
                                         "userPassword": ssha(password)}
    if department:
        attrs["departmentNumber"] = department
    if title:
        attrs["title"] = title
    attrs.update(extra or {})
    return entry_ldif(f"uid={uid},{PEOPLE_BASE}", attrs)


def group_ldif(cn: str, member_uids: Iterable[str]) -> str:
    members = [f"uid={u},{PEOPLE_BASE}" for u in member_uids] or [MANAGER_DN]  # groupOfNames needs one member
    return entry_ldif(f"cn={cn},{GROUPS_BASE}", {"objectClass": "groupOfNames", "cn": cn, "member": members})


@dataclass(frozen=True)
class Slapd:
    url: str  # ldap:// (StartTLS offered when started with tls=True)
    folder: Path
    process: subprocess.Popen
    ldaps_url: str = ""  # ldaps:// when started with tls=True
    ca_file: Path | None = None  # the CA that signed the server's certificate (tls=True)

    def stop(self) -> None:
        """Stop the server (the directory is down); the context manager tolerates it being gone."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(15)


def write_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1 signed by it: (ca.pem, server.pem, server.key)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA thu nghiem danh ba")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


def _config(folder: Path, port: int, tls: bool = False) -> str:
    schemas = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    tls_lines = ""
    if tls:
        ca, cert, key = write_certificates(folder)
        tls_lines = f"TLSCACertificateFile {ca}\nTLSCertificateFile {cert}\nTLSCertificateKeyFile {key}\n"
    return f"""{schemas}
{tls_lines}modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {folder}/slapd.pid
argsfile {folder}/slapd.args
sizelimit unlimited

database mdb
maxsize 2147483648
suffix "{SUFFIX}"
rootdn "{MANAGER_DN}"
rootpw {MANAGER_PASSWORD}
directory {folder}/db
index objectClass eq
index uid eq
index member eq
index cn eq
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{SUFFIX}"
access to attrs=userPassword
    by anonymous auth
    by * none
access to *
    by dn.exact="{SERVICE_DN}" read
    by self read
    by * none
"""


@contextmanager
def running_slapd(ldif: str, start_s: float = 30.0, tls: bool = False) -> Iterator[Slapd]:
    """slapd serving ``ldif`` (loaded with slapadd before it starts) on ldap://127.0.0.1:<free port>; with
    ``tls``, StartTLS there and LDAPS on a second port, under a certificate from a CA made for the run."""
    binary = slapd_binary()
    if binary is None:
        raise RuntimeError("slapd is not installed (Debian packages slapd and ldap-utils)")
    folder = Path(tempfile.mkdtemp(prefix="slapd-"))
    try:
        (folder / "db").mkdir()
        port = free_port()
        conf = folder / "slapd.conf"
        conf.write_text(_config(folder, port, tls), encoding="utf-8")
        data = folder / "data.ldif"
        data.write_text(ldif, encoding="utf-8")
        loaded = subprocess.run([binary, "-T", "add", "-q", "-f", str(conf), "-l", str(data)],
                                capture_output=True, text=True)
        if loaded.returncode != 0:
            raise RuntimeError(f"slapadd failed: {loaded.stderr.strip()[-2000:]}")
        url = f"ldap://127.0.0.1:{port}"
        ldaps_url = f"ldaps://127.0.0.1:{free_port()}" if tls else ""
        listen = f"{url}/ {ldaps_url}/" if tls else url + "/"
        proc = subprocess.Popen([binary, "-d", "0", "-f", str(conf), "-h", listen],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + start_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"slapd exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("slapd did not start listening")
                time.sleep(0.05)
            if tls:  # the LDAPS port too
                host, _, tls_port = ldaps_url.removeprefix("ldaps://").partition(":")
                while True:
                    with socket.socket() as s:
                        if s.connect_ex((host, int(tls_port))) == 0:
                            break
                    if time.monotonic() > deadline:
                        raise RuntimeError("slapd did not start listening for LDAPS")
                    time.sleep(0.05)
            yield Slapd(url=url, folder=folder, process=proc, ldaps_url=ldaps_url,
                        ca_file=folder / "ca.pem" if tls else None)
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
