"""What a principal's unit and roles reach beyond their own names: the unit+role pairs, the unit groups and the
units above theirs. The vector-store filter and ``AccessLabel.allows`` read the same keys, so the rule is one.

Why here and not on the chunks: groups and the hierarchy are expanded on the asker's side, at each request, so a
label written once ("units_and_below": ["Sở Y tế"], "groups": ["Các sở, ban, ngành"]) follows an edit of the
shipped files without relabelling a chunk.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.unit_hierarchy import unit_and_above
from core.units import unit_directory
from core.vietnamese import normalize_text

UNIT_ROLE_SEP = "#"  # "Công an tỉnh#lanh_dao": one keyword, so "this unit AND this role" is one engine match


def unit_role_key(unit: str, role: str) -> str:
    return f"{normalize_text(unit).strip()}{UNIT_ROLE_SEP}{role.strip()}"


def unit_role_keys(unit: str, roles: Iterable[str]) -> tuple[str, ...]:
    """The principal's unit paired with each of its roles (nothing without a unit)."""
    if not unit:
        return ()
    return tuple(unit_role_key(unit, r) for r in roles if r)


def units_above(unit: str) -> tuple[str, ...]:
    """The unit and every unit above it in the shipped hierarchy (what ``units_and_below`` matches)."""
    return unit_and_above(unit)


def groups_of_unit(unit: str) -> tuple[str, ...]:
    """The unit groups the unit belongs to: by the kind of the nearest unit of its chain the unit list knows
    (a phòng belongs where its Sở does), else by its own name's prefix."""
    chain = unit_and_above(unit)
    if not chain:
        return ()
    directory = unit_directory()
    known = next((u for u in chain if u in directory.kinds), None)
    return tuple(directory.groups_of(known or chain[-1]))


def canonical_group(name: str) -> str:
    """The group's name as the shipped group list writes it; an unknown group raises ValueError naming it."""
    directory = unit_directory()
    canonical = directory.canonical(name)
    if canonical is None or canonical not in directory.groups:
        raise ValueError(f"unknown unit group {name!r} (groups: {sorted(directory.groups)})"[:300])
    return canonical
