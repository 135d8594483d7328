"""Abbreviations officials write ("UBND", "Sở TT&TT", "CCCD") and the text they stand for, both directions.

The pairs live in shipped lists (``core/data/aliases-*.tsv``, documented in docs/aliases.md): one list of
administrative abbreviations now, unit names ("Sở KH&CN" = "Sở Khoa học và Công nghệ") can be another
list passed to ``AliasTable.from_files``. Matching is on the mark-free, lower-case text with word
boundaries, so "ubnd", "UBND" and "HDND" are found as typed; the expansions come back with their marks.
Index and query apply the same ``expansions`` (short → long), so a text with either form matches the other.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.vietnamese import fold, normalize_text

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_LISTS: tuple[Path, ...] = (DATA_DIR / "aliases-admin.tsv",)


@dataclass(frozen=True)
class Alias:
    """One abbreviation and its full form (both NFC)."""

    short: str
    long: str

    def __post_init__(self) -> None:
        if not self.short.strip() or not self.long.strip():
            raise ValueError(f"an alias needs a short and a long form, got {self.short!r} → {self.long!r}")
        if _key(self.short) == _key(self.long):
            raise ValueError(f"alias {self.short!r} stands for itself")


def _key(text: str) -> str:
    """A lookup key: the fold with runs of white space as one space."""
    return " ".join(fold(text).split())


def _pattern(forms: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = sorted({re.escape(f) for f in forms if f}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"(?<![\w&])(?:" + "|".join(alternatives) + r")(?![\w&])")


class AliasTable:
    """Short ⇄ long lookups over one or more lists; a short form stands for one text only."""

    def __init__(self, aliases: Sequence[Alias]) -> None:
        self._long: dict[str, Alias] = {}
        self._short: dict[str, list[Alias]] = {}
        for alias in aliases:
            key = _key(alias.short)
            known = self._long.get(key)
            if known is not None and _key(known.long) != _key(alias.long):
                raise ValueError(f"alias {alias.short!r} has two meanings: {known.long!r} and {alias.long!r}")
            self._long[key] = alias
            self._short.setdefault(_key(alias.long), []).append(alias)
        pairs = sorted(f"{a.short}\t{a.long}" for a in self._long.values())
        self.digest = hashlib.sha256("\n".join(pairs).encode()).hexdigest()[:16]
        """Identifies the lists' content: recorded with the index, so a changed list asks for a re-index."""
        self._short_re = _pattern(self._long)
        self._long_re = _pattern(self._short)

    @classmethod
    def from_files(cls, paths: Sequence[Path]) -> AliasTable:
        """Read ``short<TAB>long`` lines; a bad line is a ValueError naming the file and line."""
        aliases: list[Alias] = []
        for path in paths:
            for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                parts = line.split("\t")
                if len(parts) != 2:
                    raise ValueError(f"{path}:{number}: expected 'short<TAB>long', got {line!r}")
                try:
                    aliases.append(Alias(normalize_text(parts[0].strip()), normalize_text(parts[1].strip())))
                except ValueError as exc:
                    raise ValueError(f"{path}:{number}: {exc}") from None
        return cls(aliases)

    def __len__(self) -> int:
        return len(self._long)

    def long_form(self, short: str) -> str | None:
        """The full text of an abbreviation ("HDND" → "Hội đồng nhân dân"), or None."""
        alias = self._long.get(_key(short))
        return alias.long if alias else None

    def short_forms(self, long: str) -> list[str]:
        """The abbreviations of a full text ("khoa học và công nghệ" → ["KH&CN", "KHCN"])."""
        return [a.short for a in self._short.get(_key(long), [])]

    def expansions(self, text: str) -> list[str]:
        """The full forms of the abbreviations in ``text``, once each, in order of first appearance."""
        if self._short_re is None:
            return []
        found = (self._long[m.group(0)].long for m in self._short_re.finditer(_fold_keep(text)))
        return list(dict.fromkeys(found))

    def abbreviations(self, text: str) -> list[str]:
        """The abbreviations of the full forms in ``text`` (the other direction), once each."""
        if self._long_re is None:
            return []
        found = (a.short for m in self._long_re.finditer(_fold_keep(text)) for a in self._short[m.group(0)])
        return list(dict.fromkeys(found))


def _fold_keep(text: str) -> str:
    """Mark-free lower case with runs of white space as one space (what the patterns are written in)."""
    return re.sub(r"\s+", " ", fold(text))


@lru_cache(maxsize=1)
def default_aliases() -> AliasTable:
    """The shipped lists, read once per process."""
    return AliasTable.from_files(DEFAULT_LISTS)
