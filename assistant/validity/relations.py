"""A relation between legal documents: which document replaces, repeals, amends, guides or is based on which.

Why a core type: relations are read from a document's own text (indexing), imported from the state's legal
databases (connectors: the Bộ pháp điển notes), stored and turned into validity (assistant); all of them pass
the same record. ``actor`` is the document that acts (the source document itself when read from its own text;
the amending law when a consolidated text or the pháp điển reports it), ``target`` the one acted upon.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from core.so_hieu import name_key, so_hieu_key

RelationKind = Literal["replaces", "repeals", "amends", "guides", "based_on", "consolidates"]
RELATION_KINDS: tuple[str, ...] = ("replaces", "repeals", "amends", "guides", "based_on", "consolidates")
RelationSource = Literal["text", "phapdien"]
RELATION_SOURCES: tuple[str, ...] = ("text", "phapdien")
KIND_LABELS: dict[str, str] = {
    "replaces": "thay thế", "repeals": "bãi bỏ", "amends": "sửa đổi, bổ sung", "guides": "hướng dẫn",
    "based_on": "căn cứ", "consolidates": "hợp nhất",
}


@dataclass(frozen=True)
class Unit:
    """"điểm a khoản 2 Điều 37": the part of a document a relation touches (Điều always given)."""

    dieu: str
    khoan: str | None = None
    diem: str | None = None

    def __post_init__(self) -> None:
        if not self.dieu or not self.dieu[0].isdigit():
            raise ValueError(f"a unit needs an Điều number, got {self.dieu!r}")

    @property
    def label(self) -> str:
        parts = [f"điểm {self.diem}" if self.diem else "", f"khoản {self.khoan}" if self.khoan else "",
                 f"Điều {self.dieu}"]
        return " ".join(p for p in parts if p)

    def covers(self, other: Unit) -> bool:
        """This unit contains ``other`` (Điều 5 covers khoản 2 Điều 5; khoản 2 does not cover khoản 3)."""
        return self.dieu == other.dieu and (self.khoan is None or self.khoan == other.khoan) and (
            self.diem is None or self.diem == other.diem)


@dataclass(frozen=True)
class Relation:
    """One relation with where it was read (``source_doc_id`` + ``actor_unit``, ``quote``: citable).

    ``target_so_hieu`` is canonical (core.so_hieu) or "" when the target is named by title only
    (``target_name`` keeps how it was named); ``units`` empty means the whole document; ``scope`` names a
    part that is not a unit ("Những quy định về khiếu nại"). ``effective`` (ISO date) is when it applies.
    """

    kind: RelationKind
    target_so_hieu: str
    target_name: str = ""
    units: tuple[Unit, ...] = ()
    scope: str = ""
    actor_so_hieu: str = ""
    actor_unit: str = ""
    source: RelationSource = "text"
    source_doc_id: str = ""
    source_chunk_id: str = ""
    quote: str = ""
    effective: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # How each end resolves (``core.so_hieu.so_hieu_key`` / ``name_key``): made once when the relation is made,
    # kept in its row, so computing validity compares keys instead of parsing the số hiệu again per lookup.
    actor_key: str = field(default="", compare=False)
    target_key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.kind not in RELATION_KINDS:
            raise ValueError(f"unknown relation kind {self.kind!r} (one of {', '.join(RELATION_KINDS)})")
        if self.source not in RELATION_SOURCES:
            raise ValueError(f"unknown relation source {self.source!r}")
        if not (self.target_so_hieu or self.target_name):
            raise ValueError("a relation needs a target số hiệu or name")
        if not self.actor_key and self.actor_so_hieu:
            object.__setattr__(self, "actor_key", so_hieu_key(self.actor_so_hieu))
        if not self.target_key:
            object.__setattr__(self, "target_key", so_hieu_key(self.target_so_hieu) if self.target_so_hieu
                               else name_key(self.target_name))

    @property
    def whole(self) -> bool:
        """The relation touches the whole target (no unit, no named part)."""
        return not self.units and not self.scope

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["units"] = [asdict(u) for u in self.units]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relation:
        values = dict(data)
        values["units"] = tuple(Unit(**u) for u in values.get("units") or ())
        values["extra"] = dict(values.get("extra") or {})
        return cls(**values)
