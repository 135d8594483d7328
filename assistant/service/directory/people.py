"""People signed in through a directory, kept in the service's SQL database, and the rule that keeps them
current: a token (or an API key acting for a person) is honoured on the record of the last sign-in or re-check
while it is younger than ``recheck`` (at most 15 minutes); older, the directory is asked again before the
request goes on. Gone or locked there: the record is disabled and every token of theirs revoked. Another unit
or other roles: the record changes and their older tokens are revoked, so the next request reads under the new
unit once they sign in again, and never again under the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from assistant.service.credentials import bump_token_version
from assistant.service.db import PersonRow, Sessions, utcnow
from assistant.service.directory.directory import Directory, DirectoryUnavailable
from assistant.service.directory.person import SOURCE_FILE, SOURCE_OIDC, Person
from assistant.service.directory.users_file import UsersFileDirectory

MAX_RECHECK = timedelta(minutes=15)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite returns naive UTC


@dataclass(frozen=True)
class StoredPerson:
    person: Person
    disabled: bool
    last_sign_in: datetime | None
    checked_at: datetime

    def public_dict(self) -> dict[str, object]:
        return {**self.person.public_dict(), "dn": self.person.dn, "disabled": self.disabled,
                "last_sign_in": self.last_sign_in.isoformat() if self.last_sign_in else None,
                "checked_at": self.checked_at.isoformat()}


def _stored(row: PersonRow) -> StoredPerson:
    person = Person(id=row.id, name=row.name, unit=row.unit, roles=tuple(row.roles or ()), position=row.position,
                    source=row.source, dn=row.dn)
    return StoredPerson(person, row.disabled, _aware(row.last_sign_in) if row.last_sign_in else None,
                        _aware(row.checked_at))


class PeopleStore:
    """The ``people`` table: one row per directory person, shared by every replica."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def get(self, person_id: str) -> StoredPerson | None:
        with self.sessions() as s:
            row = s.get(PersonRow, person_id)
            return _stored(row) if row is not None else None

    def all(self) -> list[StoredPerson]:
        with self.sessions() as s:
            return [_stored(r) for r in s.scalars(select(PersonRow).order_by(PersonRow.unit, PersonRow.id))]

    def save(self, person: Person, *, signed_in: bool) -> bool:
        """Store what the directory said now; True when unit or roles changed (older tokens are revoked)."""
        now = utcnow()
        with self.sessions.begin() as s:
            row = s.get(PersonRow, person.id, with_for_update=True)
            changed = row is not None and (row.unit != person.unit or list(row.roles or ()) != list(person.roles)
                                           or row.source != person.source)
            if row is None:
                row = PersonRow(id=person.id, created_at=now)
                s.add(row)
            row.name, row.unit, row.roles = person.name, person.unit, list(person.roles)
            row.position, row.source, row.dn = person.position, person.source, person.dn
            row.disabled = False
            row.checked_at = now
            if signed_in:
                row.last_sign_in = now
        if changed:
            bump_token_version(self.sessions, person.id)
        return changed

    def disable(self, person_id: str) -> None:
        """Gone or locked in the directory: no token or key acts for them until they sign in again."""
        with self.sessions.begin() as s:
            row = s.get(PersonRow, person_id, with_for_update=True)
            if row is None:
                return
            row.disabled = True
            row.checked_at = utcnow()
        bump_token_version(self.sessions, person_id)


class People:
    """Sign-in and "who is this now" over one directory, the people table and, for the file's own people
    (and the fallback when configured), the users file."""

    def __init__(self, directory: Directory, store: PeopleStore, users_file: UsersFileDirectory,
                 recheck: timedelta = MAX_RECHECK, users_file_fallback: bool = False) -> None:
        if recheck > MAX_RECHECK or recheck < timedelta(0):
            raise ValueError(f"directory re-check must lie between 0 and 15 minutes, got {recheck}")
        self.directory = directory
        self.store = store
        self.users_file = users_file
        self.recheck = recheck
        self.users_file_fallback = users_file_fallback

    @property
    def source(self) -> str:
        return self.directory.source

    def authenticate(self, username: str, password: str) -> Person | None:
        """The person, or None (wrong password, unknown, locked: one answer). DirectoryUnavailable when the
        directory cannot answer and no users-file fallback is configured."""
        if self.directory.source == SOURCE_FILE:
            return self.users_file.authenticate(username, password)
        try:
            person = self.directory.authenticate(username, password)
        except DirectoryUnavailable:
            if not self.users_file_fallback:
                raise
            return self.users_file.authenticate(username, password)
        if person is not None:
            self.store.save(person, signed_in=True)
        return person

    def current(self, person_id: str, source: str) -> Person | None:
        """The person as they stand now (None: gone, locked, disabled), re-asking the directory when the
        stored record is older than ``recheck``; raises DirectoryUnavailable when it must ask and cannot."""
        if source == SOURCE_FILE:
            return self.users_file.lookup(person_id)
        if source == SOURCE_OIDC:
            return self._provider_person(person_id)
        if source != self.directory.source:
            return None  # a token of a directory no longer configured
        stored = self.store.get(person_id)
        if stored is None or stored.disabled or stored.person.source != source:
            return None
        if utcnow() - stored.checked_at < self.recheck:
            return stored.person
        person = self.directory.lookup(person_id)
        if person is None or person.id != person_id:
            self.store.disable(person_id)
            return None
        self.store.save(person, signed_in=False)
        return person

    def signed_in_by_provider(self, person: Person) -> bool:
        """Record a person the OpenID provider vouched for just now (a verified token or the code flow):
        True when their unit or roles changed, which revokes their older tokens."""
        return self.store.save(person, signed_in=True)

    def _provider_person(self, person_id: str) -> Person | None:
        """An OpenID person behind one of this service's own tokens. The provider cannot be asked about a
        person without a token of theirs, so the record is honoured only while younger than ``recheck``;
        older, they sign in again at the provider (their session there makes it one redirect), which is
        how a person disabled or moved there loses access within ``recheck``."""
        stored = self.store.get(person_id)
        if stored is None or stored.disabled or stored.person.source != SOURCE_OIDC:
            return None
        if utcnow() - stored.checked_at >= max(self.recheck, timedelta(seconds=1)):
            return None
        return stored.person
