"""What the sign-in asks of any directory of people, whichever kind serves the province: check a password
and say who it belongs to, and look a known person up again (are they still there, still in that unit?)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from assistant.service.directory.person import Person


class DirectoryUnavailable(Exception):
    """The directory could not be asked (down, unreachable, refusing the service account). Sign-in answers
    503 with ``message`` (Vietnamese, for the official); never taken as a wrong password nor as a yes."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail  # for the log, never shown: host names, server messages


@runtime_checkable
class Directory(Protocol):
    """A source of people. ``authenticate`` returns None for a wrong password, an unknown name and a locked
    or disabled account alike (the caller says nothing about which); ``lookup`` returns None for a person no
    longer there or no longer allowed in. Both raise DirectoryUnavailable when the directory cannot answer."""

    source: str

    def authenticate(self, username: str, password: str) -> Person | None: ...

    def lookup(self, person_id: str) -> Person | None: ...
