"""The mapping file: how a directory entry's attributes and groups become a unit, roles and a position.

Looked at again at every sign-in and every re-check (``MappingFile``: a stat each time, parsed again whenever
the file changed), so an administrator's edit applies to the next person who signs in without a restart.
A unit is taken from the first listed attribute whose value the mapping's own table, the province unit list or
its aliases (``core.units``) know, else from a group; a value none of them know gives no unit (the person
then reads public documents only), never a unit as written.

    name_attribute: displayName          # else cn
    position_attribute: title
    unit:
      attributes: [departmentNumber, ou]
      units: {"VP UBND": "Văn phòng UBND tỉnh"}           # directory spelling -> unit
      groups: {"cn=so-y-te,ou=groups,dc=tinh,dc=vn": "Sở Y tế"}
    roles:
      default: [chuyen_vien]
      groups: {"cn=lanh-dao,ou=groups,dc=tinh,dc=vn": lanh_dao, "cn=quan-tri": admin}

A group key is a whole DN or only its first part ("cn=lanh-dao"), compared without case or spaces.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml's parser when present: a mapping of a whole province's units parses in milliseconds
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from core.errors import ConfigurationError
from core.units import UnitDirectory
from core.vietnamese import fold, normalize_text


def dn_key(dn: str) -> str:
    """A DN compared as directories compare it: no case, no spaces around ``,`` and ``=``."""
    parts = [p.strip() for p in dn.split(",")]
    return ",".join("=".join(s.strip() for s in p.split("=", 1)) for p in parts).casefold()


@dataclass(frozen=True)
class Mapped:
    name: str
    unit: str
    roles: tuple[str, ...]
    position: str


@dataclass(frozen=True)
class DirectoryMapping:
    name_attributes: tuple[str, ...] = ("displayName", "cn")
    position_attribute: str = "title"
    unit_attributes: tuple[str, ...] = ("departmentNumber",)
    unit_names: Mapping[str, str] = field(default_factory=dict)  # folded directory spelling -> unit
    unit_groups: Mapping[str, str] = field(default_factory=dict)  # dn_key -> unit
    default_roles: tuple[str, ...] = ("chuyen_vien",)
    role_groups: Mapping[str, str] = field(default_factory=dict)  # dn_key -> role

    @property
    def attributes(self) -> list[str]:
        """The entry attributes the directory must return for ``apply``."""
        return sorted({*self.name_attributes, self.position_attribute, *self.unit_attributes} - {""})

    def apply(self, attributes: Mapping[str, Sequence[str]], groups: Sequence[str], units: UnitDirectory,
              fallback_name: str) -> Mapped:
        def first(name: str) -> str:
            for key, values in attributes.items():
                if key.casefold() == name.casefold() and values:
                    return normalize_text(str(values[0])).strip()
            return ""

        name = next((v for v in map(first, self.name_attributes) if v), fallback_name)
        unit = ""
        for attribute in self.unit_attributes:
            for key, values in attributes.items():
                if key.casefold() == attribute.casefold():
                    unit = next((u for u in (self._unit(str(v), units) for v in values) if u), "")
            if unit:
                break
        keys = [dn_key(g) for g in groups]
        if not unit:
            unit = next((self._group_value(self.unit_groups, k) for k in keys
                         if self._group_value(self.unit_groups, k)), "")
        roles = list(self.default_roles)
        for key in keys:
            role = self._group_value(self.role_groups, key)
            if role and role not in roles:
                roles.append(role)
        return Mapped(name=name, unit=unit, roles=tuple(roles), position=first(self.position_attribute))

    def _unit(self, value: str, units: UnitDirectory) -> str:
        value = normalize_text(value).strip()
        if not value:
            return ""
        own = self.unit_names.get(fold(value))
        if own:
            return own
        canonical = units.canonical(value)
        return canonical if canonical is not None and canonical in units.kinds else ""

    @staticmethod
    def _group_value(table: Mapping[str, str], key: str) -> str:
        return table.get(key) or table.get(key.split(",", 1)[0], "")


class MappingFile:
    """The mapping at ``path`` as it stands now: stat on every call, parsed again when the file changed
    (modification time, size or inode: an edit in place or a file renamed over it). A broken edit raises
    ConfigurationError at the next sign-in rather than keeping the old mapping silently."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._mapping = DirectoryMapping()

    def __call__(self) -> DirectoryMapping:
        if self.path is None:
            return self._mapping
        try:
            st = Path(self.path).stat()
        except FileNotFoundError:
            raise ConfigurationError(f"không thấy tệp ánh xạ danh bạ {self.path}") from None
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        with self._lock:
            if stamp != self._stamp:
                self._mapping, self._stamp = load_mapping(self.path), stamp
            return self._mapping


def load_mapping(path: Path | None) -> DirectoryMapping:
    """The mapping at ``path`` (None: the defaults above, no groups); a bad file is named with its reason."""
    if path is None:
        return DirectoryMapping()
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_Loader) or {}  # noqa: S506 (safe loader)
    except FileNotFoundError:
        raise ConfigurationError(f"không thấy tệp ánh xạ danh bạ {path}") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"tệp ánh xạ danh bạ {path} không phải YAML hợp lệ: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigurationError(f"tệp ánh xạ danh bạ {path}: cần một bảng khoá: giá trị")
    try:
        return _parse(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"tệp ánh xạ danh bạ {path}: {exc}") from None


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{what} phải là danh sách tên")
    return tuple(v.strip() for v in value)


def _table(value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
                                              for k, v in value.items()):
        raise ValueError(f"{what} phải là bảng tên: tên")
    return {str(k): normalize_text(v).strip() for k, v in value.items()}


def _parse(raw: dict[str, Any]) -> DirectoryMapping:
    unknown = sorted(set(raw) - {"name_attribute", "position_attribute", "unit", "roles"})
    if unknown:
        raise ValueError(f"khoá không biết {unknown} (có: name_attribute, position_attribute, unit, roles)")
    unit = raw.get("unit") or {}
    roles = raw.get("roles") or {}
    if not isinstance(unit, dict) or not isinstance(roles, dict):
        raise ValueError("unit và roles phải là bảng")
    name_attrs = _strings(raw.get("name_attribute"), "name_attribute") or ("displayName",)
    defaults = DirectoryMapping()
    return DirectoryMapping(
        name_attributes=(*name_attrs, "cn") if "cn" not in name_attrs else name_attrs,
        position_attribute=str(raw.get("position_attribute") or defaults.position_attribute),
        unit_attributes=_strings(unit.get("attributes"), "unit.attributes") or defaults.unit_attributes,
        unit_names={fold(normalize_text(k)).strip(): v for k, v in _table(unit.get("units"), "unit.units").items()},
        unit_groups={dn_key(k): v for k, v in _table(unit.get("groups"), "unit.groups").items()},
        default_roles=_strings(roles.get("default"), "roles.default") if "default" in roles
        else defaults.default_roles,
        role_groups={dn_key(k): v for k, v in _table(roles.get("groups"), "roles.groups").items()},
    )
