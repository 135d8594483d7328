"""The province's LDAP directory (OpenLDAP, Active Directory, 389-DS) through ``ldap3``.

One sign-in is three LDAP operations on a warm service connection: the service account searches the person by
the configured filter (the typed name escaped, so ``*)(uid=*`` finds nobody), a fresh connection binds as that
entry with the typed password (over StartTLS or LDAPS when configured), and the service account searches the
groups naming the entry. A re-check (``lookup``) is the two searches. The service connection is kept open and
opened again once when the server dropped it; a directory that still does not answer raises
DirectoryUnavailable (a 503 for the official), never a wrong-password answer and never a yes.
"""

from __future__ import annotations

import logging
import math
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldap3 import NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from assistant.service.directory.directory import DirectoryUnavailable
from assistant.service.directory.mapping import DirectoryMapping
from assistant.service.directory.person import SOURCE_LDAP, Person
from core.errors import ConfigurationError
from core.units import UnitDirectory
from core.vietnamese import normalize_text

log = logging.getLogger(__name__)
UNAVAILABLE = ("Không kết nối được danh bạ cán bộ của tỉnh, xin thử lại sau ít phút / "
               "the directory is unavailable")
MAX_USERNAME_CHARS = 128
# Bind results that mean "not this password / not this account now": the same 401 for all of them.
REFUSED_BIND = {49, 50, 53, 19}  # invalidCredentials, insufficientAccessRights, unwillingToPerform, constraint


@dataclass(frozen=True)
class LdapConfig:
    url: str
    bind_dn: str
    bind_password: str
    search_base: str
    user_filter: str = "(&(objectClass=inetOrgPerson)(uid={username})(!(pwdAccountLockedTime=*)))"
    id_attribute: str = "uid"
    group_base: str = ""  # empty: roles and units come from attributes only
    group_filter: str = "(&(objectClass=groupOfNames)(member={dn}))"
    start_tls: bool = False
    ca_file: Path | None = None
    timeout_s: float = 5.0

    def __post_init__(self) -> None:
        if not self.url.startswith(("ldap://", "ldaps://")):
            raise ConfigurationError(f"ASSISTANT_LDAP_URL phải bắt đầu bằng ldap:// hoặc ldaps://, có {self.url!r}")
        if self.url.startswith("ldaps://") and self.start_tls:
            raise ConfigurationError("ASSISTANT_LDAP_START_TLS chỉ dùng với ldap://, không với ldaps://")
        if "{username}" not in self.user_filter:
            raise ConfigurationError("ASSISTANT_LDAP_USER_FILTER phải chứa {username}")
        if self.group_base and "{dn}" not in self.group_filter:
            raise ConfigurationError("ASSISTANT_LDAP_GROUP_FILTER phải chứa {dn}")
        if not self.search_base:
            raise ConfigurationError("ASSISTANT_LDAP_SEARCH_BASE chưa được đặt")


def acceptable_username(username: str) -> str | None:
    """The name as searched (NFC, trimmed), or None for one no directory holds: empty, too long, control
    characters. Filter metacharacters are not refused here but escaped in the filter."""
    name = normalize_text(username).strip()
    if not name or len(name) > MAX_USERNAME_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in name):
        return None
    return name


class LdapDirectory:
    source = SOURCE_LDAP

    def __init__(self, config: LdapConfig, mapping: Callable[[], DirectoryMapping],
                 units: Callable[[], UnitDirectory]) -> None:
        self.config = config
        self._mapping = mapping  # read again at every sign-in and re-check
        self._units = units
        self._lock = threading.Lock()
        self._service: Connection | None = None
        self._counter_lock = threading.Lock()
        self.operations = 0  # LDAP requests sent (binds, searches, StartTLS), for the benchmark's load figure
        use_ssl = config.url.startswith("ldaps://")
        tls = None
        if use_ssl or config.start_tls:
            tls = Tls(validate=ssl.CERT_REQUIRED, version=ssl.PROTOCOL_TLS_CLIENT,
                      ca_certs_file=str(config.ca_file) if config.ca_file else None)
        self._server = Server(config.url, use_ssl=use_ssl, tls=tls, get_info=NONE,
                              connect_timeout=config.timeout_s)

    # -- the Directory protocol ----------------------------------------------------------------------------
    def authenticate(self, username: str, password: str) -> Person | None:
        name = acceptable_username(username)
        if name is None or not password:  # an empty password would be an anonymous bind, which succeeds
            return None
        mapping = self._mapping()
        entry = self._find(name, mapping)
        if entry is None:
            return None
        if not self._bind_as(entry["dn"], password):
            return None
        return self._person(entry, mapping)

    def lookup(self, person_id: str) -> Person | None:
        name = acceptable_username(person_id)
        if name is None:
            return None
        mapping = self._mapping()
        entry = self._find(name, mapping)
        return self._person(entry, mapping) if entry is not None else None

    def close(self) -> None:
        with self._lock:
            self._drop_service()

    # -- LDAP ----------------------------------------------------------------------------------------------
    def _count(self, n: int = 1) -> None:
        with self._counter_lock:
            self.operations += n

    def _connection(self, user: str, password: str) -> Connection:
        conn = Connection(self._server, user=user, password=password, read_only=True, raise_exceptions=False,
                          receive_timeout=max(1, math.ceil(self.config.timeout_s)), auto_bind=False)
        conn.open()
        if self.config.start_tls:
            self._count()
            if not conn.start_tls():
                raise DirectoryUnavailable(UNAVAILABLE, f"StartTLS refused: {conn.result}")
        return conn

    def _service_search(self, base: str, search_filter: str, attributes: list[str],
                        size_limit: int = 0) -> list[dict[str, Any]]:
        """Entries found by the service account; the connection is opened again once if the server dropped it."""
        with self._lock:
            for attempt in range(2):
                try:
                    if self._service is None or self._service.closed:
                        conn = self._connection(self.config.bind_dn, self.config.bind_password)
                        self._count()
                        if not conn.bind():
                            conn.unbind()
                            raise DirectoryUnavailable(UNAVAILABLE, f"service bind refused: {conn.result}")
                        self._service = conn
                    self._count()
                    self._service.search(base, search_filter, search_scope=SUBTREE, attributes=attributes,
                                         size_limit=size_limit)
                    code = self._service.result.get("result", 0)
                    if code not in (0, 4):  # success, sizeLimitExceeded (two people match: refused below)
                        raise DirectoryUnavailable(UNAVAILABLE, f"search {search_filter!r}: {self._service.result}")
                    return [e for e in self._service.response or [] if e.get("type") == "searchResEntry"]
                except LDAPException as exc:
                    self._drop_service()
                    if attempt == 1:
                        raise DirectoryUnavailable(UNAVAILABLE, f"{type(exc).__name__}: {exc}") from None
        return []

    def _drop_service(self) -> None:
        if self._service is not None:
            try:
                self._service.unbind()
            except LDAPException:
                pass
        self._service = None

    def _find(self, name: str, mapping: DirectoryMapping) -> dict[str, Any] | None:
        search_filter = self.config.user_filter.replace("{username}", escape_filter_chars(name))
        found = self._service_search(self.config.search_base, search_filter,
                                     [self.config.id_attribute, *mapping.attributes], size_limit=2)
        if len(found) != 1:
            if len(found) > 1:
                log.warning("directory: %d entries match one user name; sign-in refused", len(found))
            return None
        return found[0]

    def _bind_as(self, dn: str, password: str) -> bool:
        try:
            conn = self._connection(dn, password)
            self._count()
            ok = conn.bind()
            code = conn.result.get("result", 0) if conn.result else 0
            try:
                conn.unbind()
            except LDAPException:
                pass
        except LDAPException as exc:
            raise DirectoryUnavailable(UNAVAILABLE, f"{type(exc).__name__}: {exc}") from None
        if ok:
            return True
        if code in REFUSED_BIND:
            return False
        raise DirectoryUnavailable(UNAVAILABLE, f"bind answered {code}")

    def _groups(self, dn: str) -> list[str]:
        if not self.config.group_base:
            return []
        search_filter = self.config.group_filter.replace("{dn}", escape_filter_chars(dn))
        return [str(e["dn"]) for e in self._service_search(self.config.group_base, search_filter, ["cn"])]

    def _person(self, entry: dict[str, Any], mapping: DirectoryMapping) -> Person:
        attributes = {k: v if isinstance(v, list) else [v] for k, v in (entry.get("attributes") or {}).items()}
        ids = [v for k, v in attributes.items() if k.casefold() == self.config.id_attribute.casefold()]
        person_id = normalize_text(str(ids[0][0])).strip() if ids and ids[0] else ""
        if not person_id:
            raise DirectoryUnavailable(UNAVAILABLE, f"entry {entry['dn']} has no {self.config.id_attribute}")
        groups = self._groups(str(entry["dn"]))
        mapped = mapping.apply(attributes, groups, self._units(), fallback_name=person_id)
        return Person(id=person_id, name=mapped.name, unit=mapped.unit, roles=mapped.roles,
                      position=mapped.position, source=SOURCE_LDAP, dn=str(entry["dn"]), groups=tuple(groups))
