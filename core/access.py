"""Who may see what: access labels on chunks, principals from the users file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from core.errors import ConfigurationError, UnknownUser
from core.vietnamese import normalize_text

AccessLevel = Literal["public", "internal", "restricted"]
ACCESS_LEVELS: tuple[str, ...] = ("public", "internal", "restricted")


def _names(value: object, key: str) -> tuple[str, ...]:
    """A list of non-empty names; a bare string ("Sở Y tế") is refused, never split into its characters."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"access {key} must be a list of names, got {value!r}"[:200])
    return tuple(v.strip() for v in value)


@dataclass(frozen=True)
class AccessLabel:
    """``public``: everyone; ``internal``: every signed-in official; ``restricted``: listed units/roles only."""

    level: AccessLevel = "public"
    units: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in ACCESS_LEVELS:
            raise ValueError(f"access level must be one of {ACCESS_LEVELS}, got {self.level!r}")
        if self.level == "restricted" and not (self.units or self.roles):
            raise ValueError("a restricted label must list at least one unit or role")

    @classmethod
    def from_record(cls, value: object) -> AccessLabel:
        """Read ``"public"`` or ``{"level": "restricted", "units": [...], "roles": [...]}``, failing closed:
        a missing ``level``, an unknown key, or units/roles that are not lists of names raise ValueError (a
        label that cannot be read is never taken as public)."""
        if isinstance(value, str):
            return cls(level=value)  # type: ignore[arg-type]
        if isinstance(value, dict):
            unknown = sorted(set(map(str, value)) - {"level", "units", "roles"})
            if unknown:
                raise ValueError(f"unknown access keys {unknown} (expected level, units, roles)")
            if "level" not in value:
                raise ValueError("access object needs 'level' (public, internal or restricted)")
            level = value["level"]
            if not isinstance(level, str):
                raise ValueError(f"access level must be a string, got {type(level).__name__}")
            return cls(level=level,  # type: ignore[arg-type]
                       units=tuple(normalize_text(u) for u in _names(value.get("units"), "units")),
                       roles=_names(value.get("roles"), "roles"))
        raise ValueError(f"access must be a level name or an object, got {type(value).__name__}")

    def payload(self) -> dict[str, object]:
        return {"access_level": self.level, "access_units": list(self.units), "access_roles": list(self.roles)}

    def allows(self, principal: Principal) -> bool:
        """The same rule the vector-store filter applies; used to double-check results and in tests."""
        if self.level == "public":
            return True
        if self.level == "internal":
            return principal.authenticated
        return principal.unit in self.units or any(r in self.roles for r in principal.roles)


# How a role is said to a person (the codes are data: the users file, labels, tokens).
ROLE_WORDS = {"chuyen_vien": "Chuyên viên", "lanh_dao": "Lãnh đạo", "admin": "Quản trị hệ thống"}


@dataclass(frozen=True)
class Principal:
    """The person a request is made for. Retrieval has no code path without one."""

    user_id: str
    name: str = ""
    unit: str = ""
    roles: tuple[str, ...] = field(default_factory=tuple)
    authenticated: bool = True

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


ANONYMOUS = Principal(user_id="anonymous", name="Khách", authenticated=False)


@dataclass(frozen=True)
class UserRecord:
    id: str
    name: str
    unit: str
    roles: tuple[str, ...]
    password_hash: str | None = None

    def principal(self) -> Principal:
        return Principal(user_id=self.id, name=self.name, unit=self.unit, roles=self.roles)

    def public_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "unit": self.unit, "roles": list(self.roles)}


def load_users(path: Path) -> dict[str, UserRecord]:
    """Read the YAML users file: ``users: [{id, name, unit, roles, password_hash?}]``."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigurationError(f"users file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"users file {path} is not valid YAML: {exc}") from None
    entries = raw.get("users") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ConfigurationError(f"users file {path} must have a top-level 'users' list")
    users: dict[str, UserRecord] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("unit"):
            raise ConfigurationError(f"users file {path}: entry {i} needs at least 'id' and 'unit'")
        record = UserRecord(
            id=str(entry["id"]),
            name=normalize_text(str(entry.get("name", entry["id"]))),
            unit=normalize_text(str(entry["unit"])),
            roles=tuple(str(r) for r in entry.get("roles") or ()),
            password_hash=entry.get("password_hash"),
        )
        if record.id in users:
            raise ConfigurationError(f"users file {path}: duplicate user id {record.id!r}")
        users[record.id] = record
    return users


def principal_for(user_id: str, path: Path) -> Principal:
    users = load_users(path)
    if user_id not in users:
        raise UnknownUser(f"unknown user {user_id!r} (not in {path})")
    return users[user_id].principal()
