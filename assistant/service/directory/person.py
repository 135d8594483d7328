"""A person as a directory describes them: who, which unit, which roles and position, and where from."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.access import Principal

SOURCE_FILE = "file"  # the YAML users file (demo, small sites)
SOURCE_LDAP = "ldap"  # the province's LDAP directory
SOURCE_OIDC = "oidc"  # the province's OpenID Connect provider (its tokens, or the UI's code flow)
SOURCE_WORDS = {SOURCE_FILE: "tệp người dùng", SOURCE_LDAP: "danh bạ LDAP", SOURCE_OIDC: "cổng định danh OIDC"}


@dataclass(frozen=True)
class Person:
    """One official. ``unit`` is empty when the directory's attributes map to no known unit: such a person is
    signed in but reads only public documents (``principal``), never what every official may read."""

    id: str
    name: str
    unit: str = ""
    roles: tuple[str, ...] = ()
    position: str = ""
    source: str = SOURCE_FILE
    dn: str = ""  # the directory entry (LDAP), for the administrator's ``users show``
    groups: tuple[str, ...] = field(default=(), compare=False)

    def principal(self) -> Principal:
        """What the person may read: their unit and roles; with no unit, public documents only (an
        unauthenticated principal in the access rule, whatever roles the directory gave)."""
        if not self.unit:
            return Principal(user_id=self.id, name=self.name, unit="", roles=(), authenticated=False)
        return Principal(user_id=self.id, name=self.name, unit=self.unit, roles=self.roles)

    def public_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "unit": self.unit, "roles": list(self.roles),
                "position": self.position, "source": self.source}
