"""Task records in the service's database, kept in step with the index, and "my unit's tasks" read back under
the asker's access.

Why an index observer: a document's tasks must follow its chunks (changed → replaced in one transaction,
removed → deleted), and the indexer runs in the process that owns the index, so every write goes through
the index owner like every command. Reads apply the same rule as retrieval (``AccessLabel.allows``): a task
is shown only to someone who may read its document.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)

from assistant.service.db import Sessions, utcnow
from assistant.tasks.extraction import extract_tasks
from assistant.tasks.record import Task
from core.access import AccessLabel, Principal
from core.deadlines import today_in_vietnam
from core.documents import Chunk, Document
from core.units import UnitDirectory

log = logging.getLogger(__name__)
ROLES = ("lead", "support")
DUE_SOON_DAYS = 30
metadata = MetaData()
tasks_table = Table(
    "tasks", metadata,
    Column("task_id", String(36), primary_key=True), Column("doc_id", String(500), nullable=False),
    Column("citation", String(300), nullable=False), Column("position", Integer, nullable=False),
    Column("due_start", Date), Column("due_end", Date), Column("recurs", String(32), nullable=False),
    Column("access_level", String(16), nullable=False), Column("record", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False))
task_units_table = Table(
    "task_units", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", String(36), ForeignKey("tasks.task_id", ondelete="CASCADE"), nullable=False),
    Column("unit", String(300), nullable=False), Column("role", String(8), nullable=False),
    Column("is_group", Boolean, nullable=False))


@dataclass(frozen=True)
class TaskView:
    """A task as one reader sees it: ``role``/``via`` for the unit asked about ("lead", "Các sở, ban, ngành"),
    ``due`` the date it is due by, ``status`` "overdue", "due_soon" (within 30 days) or ""."""

    task: Task
    due: date | None
    status: str
    role: str = ""
    via: str = ""

    def to_dict(self) -> dict[str, object]:
        return {**self.task.to_dict(), "due": self.due.isoformat() if self.due else None, "status": self.status,
                "role": self.role, "via": self.via}


@dataclass(frozen=True)
class TaskFilter:
    """What to list: ``unit`` (any spelling; its groups count, reported as ``via``), ``role``, due dates,
    one document; ``today`` for overdue and due-soon (default: today in Asia/Ho_Chi_Minh)."""

    unit: str = ""
    role: str = ""
    due_before: date | None = None
    due_after: date | None = None
    doc_id: str = ""
    today: date | None = None

    def __post_init__(self) -> None:
        if self.role and self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {self.role!r}")
        if self.due_before and self.due_after and self.due_after > self.due_before:
            raise ValueError(f"due_after {self.due_after} is later than due_before {self.due_before}")


def _status(due: date | None, today: date) -> str:
    if due is None:
        return ""
    if due < today:
        return "overdue"
    return "due_soon" if due <= today + timedelta(days=DUE_SOON_DAYS) else ""


class TaskStore:
    """The tasks table: written by the indexer (as an ``IndexObserver``), read by the API, CLI and answers."""

    def __init__(self, sessions: Sessions, units: UnitDirectory) -> None:
        self.sessions = sessions
        self.units = units

    # -- IndexObserver ---------------------------------------------------------------------------------------

    def document_indexed(self, doc: Document, chunks: list[Chunk]) -> None:
        try:
            tasks = extract_tasks(doc, self.units)
        except ValueError as exc:  # a record that cannot be read: none kept (no stale ones), the run goes on
            log.error("tasks of %s not read: %s", doc.doc_id, exc)
            tasks = []
        self.replace(doc.doc_id, tasks)

    def document_removed(self, doc_id: str) -> None:
        self.replace(doc_id, [])

    # -- writes ----------------------------------------------------------------------------------------------

    def replace(self, doc_id: str, tasks: Sequence[Task]) -> None:
        """The document's tasks become ``tasks``, in one transaction (a reader sees the old set or the new)."""
        if any(t.doc_id != doc_id for t in tasks):
            raise ValueError(f"tasks of another document given for {doc_id!r}")
        now = utcnow()
        with self.sessions.begin() as s:
            old = select(tasks_table.c.task_id).where(tasks_table.c.doc_id == doc_id)
            s.execute(delete(task_units_table).where(task_units_table.c.task_id.in_(old)))
            s.execute(delete(tasks_table).where(tasks_table.c.doc_id == doc_id))
            if not tasks:
                return
            s.execute(insert(tasks_table), [
                {"task_id": t.task_id, "doc_id": doc_id, "citation": t.citation, "position": t.order,
                 "due_start": t.deadline.start, "due_end": t.deadline.end, "recurs": t.deadline.recurs,
                 "access_level": t.access.level, "record": t.to_dict(), "updated_at": now} for t in tasks])
            unit_rows = [{"task_id": t.task_id, "unit": r.name[:300], "role": role, "is_group": r.group}
                         for t in tasks for role, refs in (("lead", t.lead), ("support", t.support)) for r in refs]
            if unit_rows:
                s.execute(insert(task_units_table), unit_rows)

    def set_access(self, doc_id: str, access: AccessLabel) -> int:
        """A document relabelled (``assistant.documents.access``): its tasks take the new label; returns how many."""
        with self.sessions.begin() as s:
            rows = s.execute(select(tasks_table.c.task_id, tasks_table.c.record)
                             .where(tasks_table.c.doc_id == doc_id)).all()
            for task_id, record in rows:
                s.execute(update(tasks_table).where(tasks_table.c.task_id == task_id).values(
                    access_level=access.level, record={**record, "access": access.payload()}))
        return len(rows)

    # -- reads -----------------------------------------------------------------------------------------------

    def find(self, principal: Principal, flt: TaskFilter = TaskFilter()) -> list[TaskView]:
        """The tasks ``principal`` may read that match ``flt``, by due date (undated last), then document order."""
        today = flt.today or today_in_vietnam()
        unit = (self.units.canonical(flt.unit) or " ".join(flt.unit.split())) if flt.unit else ""
        groups = self.units.groups_of(unit) if unit else []
        query = select(tasks_table.c.record)
        if unit:
            named = select(task_units_table.c.task_id).where(task_units_table.c.unit.in_([unit, *groups]))
            if flt.role:
                named = named.where(task_units_table.c.role == flt.role)
            query = query.where(tasks_table.c.task_id.in_(named))
        if flt.doc_id:
            query = query.where(tasks_table.c.doc_id == flt.doc_id)
        with self.sessions() as s:
            records = [row[0] for row in s.execute(query.order_by(tasks_table.c.doc_id, tasks_table.c.position))]
        views = []
        for record in records:
            task = Task.from_dict(record)
            if not task.access.allows(principal):
                continue
            role, via = ("", "")
            if unit:
                found = task.role_of(unit, groups)
                if found is None or (flt.role and found[0] != flt.role):
                    continue
                role, via = found
            due = task.due(today)
            if flt.due_before and (due is None or due > flt.due_before):
                continue
            if flt.due_after and (due is None or due < flt.due_after):
                continue
            views.append(TaskView(task, due, _status(due, today), role, via))
        return sorted(views, key=lambda v: (v.due is None, v.due or date.max, v.task.doc_id, v.task.order))

    def visible(self, task_ids: Sequence[str], principal: Principal) -> set[str]:
        """Which of ``task_ids`` are tasks ``principal`` may read now (each task's own access label decides, as
        ``find`` does): a stored answer that cites a task is reopened through this check, never exempted."""
        wanted = list(dict.fromkeys(str(t) for t in task_ids))
        if not wanted:
            return set()
        with self.sessions() as s:
            rows = s.execute(select(tasks_table.c.task_id, tasks_table.c.record)
                             .where(tasks_table.c.task_id.in_(wanted))).all()
        return {task_id for task_id, record in rows if Task.from_dict(record).access.allows(principal)}

    def documents(self, principal: Principal) -> list[tuple[str, str]]:
        """(doc_id, title) of the documents with tasks that ``principal`` may read (for a document filter)."""
        seen: dict[str, str] = {}
        for view in self.find(principal):
            seen.setdefault(view.task.doc_id, view.task.so_hieu or view.task.doc_title or view.task.doc_id)
        return sorted(seen.items(), key=lambda item: item[1])
