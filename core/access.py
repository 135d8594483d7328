"""Who may see what: access labels on chunks, principals from the users file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

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


LABEL_KEYS: tuple[str, ...] = ("level", "units", "roles", "roles_in_units", "groups", "units_and_below")


def _roles_in_units(value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``{"Công an tỉnh": ["lanh_dao"]}`` → ((unit, roles), …), sorted so one label has one form."""
    if value is None:
        return ()
    if not isinstance(value, dict) or not all(isinstance(k, str) and k.strip() for k in value):
        raise ValueError(f"access roles_in_units must map unit names to lists of roles, got {value!r}"[:200])
    pairs = [(normalize_text(k).strip(), _names(v, f"roles_in_units[{k}]")) for k, v in value.items()]
    if any(not roles for _, roles in pairs):
        raise ValueError("access roles_in_units: every unit needs at least one role")
    return tuple(sorted(pairs))


@dataclass(frozen=True, repr=False)
class AccessLabel:
    """``public``: everyone; ``internal``: every signed-in official; ``restricted``: only those it names.

    A restricted label admits a person when ANY of its clauses does (OR between clauses): ``units`` (their
    unit is listed, exactly), ``roles`` (they hold a listed role, in any unit), ``roles_in_units`` (their unit
    is the key AND they hold one of its roles: AND within the clause), ``groups`` (their unit belongs to a
    listed unit group) and ``units_and_below`` (their unit is listed or lies under a listed unit in the shipped
    hierarchy). Labels written before the last three existed keep their meaning. See docs/access.md.
    """

    level: AccessLevel = "public"
    units: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    roles_in_units: tuple[tuple[str, tuple[str, ...]], ...] = ()
    groups: tuple[str, ...] = ()
    units_and_below: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.level not in ACCESS_LEVELS:
            raise ValueError(f"access level must be one of {ACCESS_LEVELS}, got {self.level!r}")
        if self.level == "restricted" and not (self.units or self.roles or self.roles_in_units or self.groups
                                               or self.units_and_below):
            raise ValueError("a restricted label must list at least one unit or role "
                             "(units, roles, roles_in_units, groups or units_and_below)")

    def __repr__(self) -> str:
        """The repr of the first three fields alone when the others are empty, because ``Document.hash`` reads
        it: a label of the old shape keeps its hash (no re-index), while any new clause changes it."""
        text = f"AccessLabel(level={self.level!r}, units={self.units!r}, roles={self.roles!r}"
        for name in ("roles_in_units", "groups", "units_and_below"):
            if getattr(self, name):
                text += f", {name}={getattr(self, name)!r}"
        return text + ")"

    @classmethod
    def from_record(cls, value: object) -> AccessLabel:
        """Read ``"public"`` or ``{"level": "restricted", "units": [...], "roles": [...], ...}``, failing
        closed: a missing ``level``, an unknown key or group, or names that are not lists of names raise
        ValueError (a label that cannot be read is never taken as public)."""
        if isinstance(value, str):
            return cls(level=value)  # type: ignore[arg-type]
        if isinstance(value, dict):
            unknown = sorted(set(map(str, value)) - set(LABEL_KEYS))
            if unknown:
                raise ValueError(f"unknown access keys {unknown} (expected {', '.join(LABEL_KEYS)})")
            if "level" not in value:
                raise ValueError("access object needs 'level' (public, internal or restricted)")
            level = value["level"]
            if not isinstance(level, str):
                raise ValueError(f"access level must be a string, got {type(level).__name__}")
            from core.access_scope import canonical_group

            return cls(level=level,  # type: ignore[arg-type]
                       units=tuple(normalize_text(u) for u in _names(value.get("units"), "units")),
                       roles=_names(value.get("roles"), "roles"),
                       roles_in_units=_roles_in_units(value.get("roles_in_units")),
                       groups=tuple(canonical_group(g) for g in _names(value.get("groups"), "groups")),
                       units_and_below=tuple(normalize_text(u) for u in _names(value.get("units_and_below"),
                                                                               "units_and_below")))
        raise ValueError(f"access must be a level name or an object, got {type(value).__name__}")

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> AccessLabel:
        """The label a chunk payload (or a manifest row) carries; raises ValueError/TypeError when unreadable."""
        from core.access_scope import UNIT_ROLE_SEP

        def listed(key: str) -> tuple[str, ...]:
            value = payload.get(key)
            return () if value is None else (value,) if isinstance(value, str) else tuple(value)

        by_unit: dict[str, list[str]] = {}
        for key in listed("access_unit_roles"):
            unit, _, role = key.rpartition(UNIT_ROLE_SEP)
            by_unit.setdefault(unit, []).append(role)
        return cls(level=payload.get("access_level"),  # type: ignore[arg-type]  # missing -> ValueError
                   units=listed("access_units"), roles=listed("access_roles"),
                   roles_in_units=tuple(sorted((u, tuple(r)) for u, r in by_unit.items())),
                   groups=listed("access_groups"), units_and_below=listed("access_trees"))

    def record(self) -> dict[str, object] | str:
        """The label in the shape ``from_record`` reads (what an API shows and an administrator edits)."""
        if self.level != "restricted" and not (self.units or self.roles):
            return {"level": self.level}
        out: dict[str, object] = {"level": self.level, "units": list(self.units), "roles": list(self.roles)}
        if self.roles_in_units:
            out["roles_in_units"] = {u: list(r) for u, r in self.roles_in_units}
        if self.groups:
            out["groups"] = list(self.groups)
        if self.units_and_below:
            out["units_and_below"] = list(self.units_and_below)
        return out

    def payload(self) -> dict[str, object]:
        """The chunk payload keys the engine filters on (every key always present, so a changed label
        overwrites the old one's clauses)."""
        from core.access_scope import unit_role_key

        return {"access_level": self.level, "access_units": list(self.units), "access_roles": list(self.roles),
                "access_unit_roles": [unit_role_key(u, r) for u, roles in self.roles_in_units for r in roles],
                "access_groups": list(self.groups), "access_trees": list(self.units_and_below)}

    def allows(self, principal: Principal) -> bool:
        """The same rule the vector-store filter applies; used to double-check results and in tests."""
        if self.level == "public":
            return True
        if self.level == "internal":
            return principal.authenticated
        if principal.unit in self.units or any(r in self.roles for r in principal.roles):
            return True
        if not principal.unit:
            return False
        if any(unit == principal.unit and set(roles) & set(principal.roles) for unit, roles in self.roles_in_units):
            return True
        from core.access_scope import groups_of_unit, units_above

        return bool(set(self.groups) & set(groups_of_unit(principal.unit))
                    or set(self.units_and_below) & set(units_above(principal.unit)))


# How a role is said to a person (the codes are data: the users file, labels, tokens).
ROLE_WORDS = {"chuyen_vien": "Chuyên viên", "lanh_dao": "Lãnh đạo", "admin": "Quản trị hệ thống"}
# How an access level is said to a person (``public`` / ``internal`` / ``restricted`` are the label's data).
LEVEL_WORDS = {"public": "công khai", "internal": "nội bộ", "restricted": "hạn chế"}


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
