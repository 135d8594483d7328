"""The province's unit hierarchy (a Sở and its phòng), read from a shipped file, for access labels.

Why: a Sở's internal plan is for the Sở and every phòng under it, and an official's unit in the users file is
often the phòng. A label names the Sở once (``units_and_below``); who lies under it is decided when a request is
made, from this file, so an edit to the hierarchy takes effect without relabelling any chunk.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from core.vietnamese import normalize_text

HIERARCHY = Path(__file__).resolve().parent / "data" / "unit-hierarchy-ha-tinh.tsv"


def read_hierarchy(path: Path = HIERARCHY) -> dict[str, str]:
    """unit → the unit directly above it; a malformed line or a cycle raises ValueError naming the file."""
    parents: dict[str, str] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [normalize_text(c).strip() for c in line.split("\t")]
        if len(cells) != 2 or not all(cells) or cells[0] == cells[1]:
            raise ValueError(f"{path}:{number}: expected 'unit<TAB>parent unit', got {line!r}")
        if cells[0] in parents and parents[cells[0]] != cells[1]:
            raise ValueError(f"{path}:{number}: {cells[0]!r} already lies under {parents[cells[0]]!r}")
        parents[cells[0]] = cells[1]
    for unit in parents:
        seen = {unit}
        at = unit
        while at in parents:
            at = parents[at]
            if at in seen:
                raise ValueError(f"{path}: the hierarchy loops through {unit!r}")
            seen.add(at)
    return parents


@lru_cache(maxsize=4)
def _parents(path: Path) -> dict[str, str]:
    return read_hierarchy(path)


def unit_and_above(unit: str, path: Path = HIERARCHY) -> tuple[str, ...]:
    """``unit`` itself, then each unit above it, nearest first ("Phòng Nghiệp vụ Y, Sở Y tế" → itself, Sở Y tế)."""
    unit = normalize_text(unit or "").strip()
    if not unit:
        return ()
    parents = _parents(Path(path))
    chain = [unit]
    while chain[-1] in parents:
        chain.append(parents[chain[-1]])
    return tuple(chain)
