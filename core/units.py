"""Unit names as plans write them ("Sở KH&CN", "Sở Khoa học và công nghệ", "Các sở, ban, ngành, UBND cấp xã")
resolved to one canonical name each, and groups kept apart from the units they include.

Why: "my unit's tasks" must find a task whichever way its cell names the unit, and must not report a task
given to "các sở, ban, ngành" as one the Sở Y tế was named to lead. The shipped lists
(``core/data/unit-list-ha-tinh.tsv``, ``units-ha-tinh.tsv`` read by ``core.aliases.AliasTable``,
``unit-groups-ha-tinh.tsv``) plus the units of the users file make the directory. Matching is on mark-free
lower-case text, so a name typed without marks resolves too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.aliases import AliasTable
from core.vietnamese import fold, normalize_text

DATA_DIR = Path(__file__).resolve().parent / "data"
UNIT_LIST = DATA_DIR / "unit-list-ha-tinh.tsv"
UNIT_ALIASES = DATA_DIR / "units-ha-tinh.tsv"
UNIT_GROUPS = DATA_DIR / "unit-groups-ha-tinh.tsv"
_SEPARATORS = re.compile(r"^[\s,;.:+/&()\-–]*(?:(?:và|cùng|với)[\s,;.:()\-–]*)*$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?:,|;|\bvà\b)\s*")
_PREFIX_KINDS = (("sở ", "so"), ("ban ", "ban"), ("ubnd xã", "xa"), ("ubnd phường", "xa"),
                 ("ủy ban nhân dân xã", "xa"), ("ủy ban nhân dân phường", "xa"))



@dataclass(frozen=True)
class UnitRef:
    """A unit as a text names it: ``name`` canonical (the text itself when unknown), ``written`` as it
    stands, ``group`` True for "các sở, ban, ngành" and the like, ``note`` what follows it ("hướng dẫn")."""

    name: str
    written: str
    group: bool = False
    known: bool = True
    note: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "written": self.written, "group": self.group, "known": self.known,
                "note": self.note}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> UnitRef:
        return cls(name=str(data["name"]), written=str(data.get("written", data["name"])),
                   group=bool(data.get("group")), known=bool(data.get("known", True)),
                   note=str(data.get("note", "")))


def _read_rows(path: Path, columns: int) -> list[list[str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [normalize_text(c.strip()) for c in line.split("\t")]
        if len(cells) != columns or not all(cells[:2]):
            raise ValueError(f"{path}:{number}: expected {columns} tab-separated columns, got {line!r}")
        rows.append(cells)
    return rows


class UnitDirectory:
    """Canonical units with their kinds, their other spellings, and the groups that include them."""

    def __init__(self, kinds: dict[str, str], aliases: AliasTable, groups: Sequence[tuple[str, tuple[str, ...],
                 tuple[str, ...]]]) -> None:
        self.kinds = dict(kinds)
        self.groups = {name: member_kinds for name, member_kinds, _ in groups}
        self._names: dict[str, tuple[str, bool]] = {}  # folded form -> (canonical, is group)
        for name in self.kinds:
            self._names[fold(name)] = (name, False)
        for name, _, variants in groups:
            for form in (name, *variants):
                self._names[fold(form)] = (name, True)
        self._aliases = aliases
        for name in self.kinds:
            for short in aliases.short_forms(name):
                self._names.setdefault(fold(short), (name, False))
        alternatives = sorted((re.escape(f) for f in self._names), key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w&])(?:" + "|".join(alternatives) + r")(?![\w&])")

    @classmethod
    def load(cls, extra_units: Iterable[str] = (), *, unit_list: Path = UNIT_LIST, aliases: Path = UNIT_ALIASES,
             groups: Path = UNIT_GROUPS) -> UnitDirectory:
        """The shipped lists plus ``extra_units`` (the users file's units); a bad line names its file."""
        table = AliasTable.from_files([aliases])
        kinds = {name: kind for name, kind in _read_rows(unit_list, 2)}
        for short in list(kinds):
            canonical = table.long_form(short)
            if canonical:
                raise ValueError(f"{unit_list}: {short!r} is listed as a unit and as a spelling of {canonical!r}")
        group_rows = [(name, tuple(k for k in member.split(",") if k and k != "-"),
                       tuple(v.strip() for v in variants.split("|") if v.strip()))
                      for name, member, variants in _read_rows(groups, 3)]
        directory_kinds = dict(kinds)
        folded = {fold(k) for k in kinds} | {fold(s) for k in kinds for s in table.short_forms(k)}
        for unit in extra_units:
            unit = normalize_text(unit).strip()
            if unit and fold(unit) not in folded:
                directory_kinds[unit] = _kind_by_prefix(unit)
                folded.add(fold(unit))
        return cls(directory_kinds, table, group_rows)

    def spans(self, text: str) -> list[tuple[int, int, UnitRef]]:
        """Every known unit or group named in ``text``, with its span, left to right."""
        found = []
        for m in self._pattern.finditer(fold(text)):
            name, group = self._names[m.group(0)]
            found.append((m.start(), m.end(), UnitRef(name, text[m.start():m.end()], group=group)))
        return found

    def resolve(self, text: str) -> list[UnitRef]:
        """The units a cell or clause names, in order: known ones canonical, others as written; words that
        are no unit ("(hướng dẫn)", "chủ trì bộ dữ liệu của ngành mình") become the previous unit's note."""
        text = normalize_text(text)
        refs: list[UnitRef] = []
        at = 0
        for start, end, ref in [*self.spans(text), (len(text), len(text), None)]:
            gap = text[at:start]
            if gap.strip() and not _SEPARATORS.match(gap):
                _add_gap(refs, gap, glued=bool(refs) and at > 0 and re.match(r"\s+[^\s,;(]", gap) is not None)
            if ref is not None:
                refs.append(ref)
            at = end
        return _dedupe(refs)

    def ends_with_name(self, text: str) -> bool:
        """True when ``text`` ends with a whole unit or group name (a cell that needs no continuation)."""
        stripped = text.rstrip(" .;")
        found = self.spans(stripped)
        return bool(found) and found[-1][1] == len(stripped)

    def canonical(self, name: str) -> str | None:
        """The canonical unit or group a typed name stands for ("so kh&cn" → "Sở Khoa học và Công nghệ")."""
        hit = self._names.get(fold(" ".join(name.split())).strip(" ."))
        return hit[0] if hit else None

    def groups_of(self, unit: str) -> list[str]:
        """The groups that include ``unit`` (canonical name), by its kind."""
        kind = self.kinds.get(unit) or _kind_by_prefix(unit)
        return [g for g, member_kinds in self.groups.items() if kind in member_kinds]

    def members(self, group: str) -> list[str]:
        """The known units a group includes (none for "các đơn vị liên quan": who they are is not said)."""
        member_kinds = self.groups.get(group, ())
        return [u for u, kind in self.kinds.items() if kind in member_kinds]


def _kind_by_prefix(unit: str) -> str:
    low = normalize_text(unit).lower()
    return next((kind for prefix, kind in _PREFIX_KINDS if low.startswith(prefix)), "nganh")


def _add_gap(refs: list[UnitRef], gap: str, *, glued: bool) -> None:
    """Text between known names: a name the lists lack (starts upper case), else a note on the unit before."""
    words = re.sub(r"^(?:và|cùng)\s+", "", gap.strip(" ,;.:()–-")).strip()
    if not words:
        return
    head = re.match(r"[^,;()]+", words)
    if glued and refs and head and words[:1].isupper() and not refs[-1].group:
        last = refs.pop()
        name = f"{last.written} {head.group(0).strip()}"
        refs.append(UnitRef(name, name, known=False))
        words = words[head.end():].strip(" ,;.:()–-")
        if not words:
            return
    parts = [p.strip(" ()") for p in _SPLIT.split(words) if p.strip(" ()")]
    if words[:1].isupper():
        refs.extend(UnitRef(p, p, known=False) for p in parts)
    elif refs:
        last = refs.pop()
        note = f"{last.note} {words}".strip() if last.note else words
        refs.append(UnitRef(last.name, last.written, group=last.group, known=last.known, note=note))


def _dedupe(refs: list[UnitRef]) -> list[UnitRef]:
    seen: set[str] = set()
    out = []
    for ref in refs:
        if ref.name not in seen:
            seen.add(ref.name)
            out.append(ref)
    return out


@lru_cache(maxsize=8)
def _shipped(extra: tuple[str, ...], unit_list: Path) -> UnitDirectory:
    return UnitDirectory.load(extra, unit_list=unit_list)


def unit_directory(extra_units: Iterable[str] = (), unit_list: Path = UNIT_LIST) -> UnitDirectory:
    """The directory of ``unit_list`` (``Settings.unit_list``; Hà Tĩnh's by default) with ``extra_units`` added,
    built once per list and set of units."""
    return _shipped(tuple(sorted(set(extra_units))), Path(unit_list))
