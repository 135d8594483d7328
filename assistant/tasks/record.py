"""One assigned task as read from a plan, decision, directive or official letter: who leads it, who supports,
what it yields, by when, and where it stands in its document.

Why a record of its own: tasks are answered, listed and exported as rows (a unit's tasks sorted by deadline),
never searched as text; the service's database keeps them beside the chunks (``assistant.tasks.store``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.access import AccessLabel
from core.deadlines import Deadline
from core.units import UnitRef

_TASK_NAMESPACE = uuid.UUID("0b7d7c0e-4a51-4d0f-9c1e-5f6a2b3c4d16")
SOURCES = ("phu_luc", "muc")


@dataclass(frozen=True)
class Task:
    """``citation`` names the place ("Phụ lục, dòng 1.1", "Mục VI.3, ý 2"); ``lead``/``support`` the units
    as resolved; ``group`` the row group or section the task stands under; ``order`` its position in the
    document (tasks list in document order when their deadlines tie)."""

    doc_id: str
    citation: str
    nhiem_vu: str
    lead: tuple[UnitRef, ...]
    support: tuple[UnitRef, ...]
    deadline: Deadline
    san_pham: str = ""
    lead_text: str = ""
    support_text: str = ""
    group: str = ""
    source: str = "phu_luc"
    order: int = 0
    doc_title: str = ""
    so_hieu: str = ""
    access: AccessLabel = field(default_factory=AccessLabel)

    def __post_init__(self) -> None:
        if not self.doc_id or not self.citation:
            raise ValueError(f"a task needs its document and citation, got {self.doc_id!r}, {self.citation!r}")
        if not self.nhiem_vu.strip():
            raise ValueError(f"task {self.citation!r} of {self.doc_id!r} has no nhiệm vụ text")
        if self.source not in SOURCES:
            raise ValueError(f"unknown task source {self.source!r} (expected one of {SOURCES})")

    @property
    def task_id(self) -> str:
        """Stable across re-indexing: the document and the place in it."""
        return str(uuid.uuid5(_TASK_NAMESPACE, self.doc_id + "\x1f" + self.citation))

    def role_of(self, unit: str, groups: list[str]) -> tuple[str, str] | None:
        """("lead"|"support", "" or the group it reaches ``unit`` through), or None: named beats group."""
        for role, refs in (("lead", self.lead), ("support", self.support)):
            if any(r.name == unit for r in refs):
                return role, ""
        for role, refs in (("lead", self.lead), ("support", self.support)):
            via = next((r.name for r in refs if r.group and r.name in groups), None)
            if via:
                return role, via
        return None

    def due(self, today: date) -> date | None:
        return self.deadline.due(today)

    def to_dict(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "doc_id": self.doc_id, "citation": self.citation,
                "nhiem_vu": self.nhiem_vu, "lead": [r.to_dict() for r in self.lead],
                "support": [r.to_dict() for r in self.support], "lead_text": self.lead_text,
                "support_text": self.support_text, "san_pham": self.san_pham,
                "deadline": self.deadline.to_dict(), "group": self.group, "source": self.source,
                "order": self.order, "doc_title": self.doc_title, "so_hieu": self.so_hieu,
                "access": self.access.payload()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Task:
        d = data["deadline"]
        deadline = Deadline(d["text"], date.fromisoformat(d["start"]) if d.get("start") else None,
                            date.fromisoformat(d["end"]) if d.get("end") else None, recurs=d.get("recurs", ""),
                            annual_day=d.get("annual_day", ""))
        a = data.get("access") or {}
        access = AccessLabel.from_payload({"access_level": "public", **a})
        return cls(doc_id=data["doc_id"], citation=data["citation"], nhiem_vu=data["nhiem_vu"],
                   lead=tuple(UnitRef.from_dict(r) for r in data["lead"]),
                   support=tuple(UnitRef.from_dict(r) for r in data["support"]), deadline=deadline,
                   san_pham=data.get("san_pham", ""), lead_text=data.get("lead_text", ""),
                   support_text=data.get("support_text", ""), group=data.get("group", ""),
                   source=data.get("source", "phu_luc"), order=int(data.get("order", 0)),
                   doc_title=data.get("doc_title", ""), so_hieu=data.get("so_hieu", ""), access=access)
