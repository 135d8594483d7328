"""The YAML users file as a Directory: what sign-in always did (argon2id hashes in the file), behind the
same two questions the LDAP directory answers, so the demo and small sites keep working unchanged."""

from __future__ import annotations

from collections.abc import Callable

from assistant.service.credentials import verify_password
from assistant.service.directory.person import SOURCE_FILE, Person
from core.access import UserRecord


def person_of(user: UserRecord) -> Person:
    return Person(id=user.id, name=user.name, unit=user.unit, roles=user.roles, source=SOURCE_FILE)


class UsersFileDirectory:
    """``get`` is the process's cached reader of the file (``assistant.api.auth.UsersDirectory.get``): it
    re-reads the file when it changes and drops demo accounts outside demo mode."""

    source = SOURCE_FILE

    def __init__(self, get: Callable[[str], UserRecord | None]) -> None:
        self._get = get

    def user(self, user_id: str) -> UserRecord | None:
        return self._get(user_id)

    def authenticate(self, username: str, password: str) -> Person | None:
        user = self._get(username)
        # The hash check runs for unknown names too (against a dummy hash) so timing does not tell.
        if not verify_password(user.password_hash if user else None, password) or user is None:
            return None
        return person_of(user)

    def lookup(self, person_id: str) -> Person | None:
        user = self._get(person_id)
        return person_of(user) if user is not None and user.password_hash else None
