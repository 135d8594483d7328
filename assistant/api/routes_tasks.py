"""Assigned tasks over HTTP: "my unit's tasks" for the UI page and the document management system."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.tasks import TaskFilter
from core.deadlines import today_in_vietnam

router = APIRouter(prefix="/v1", tags=["nhiệm vụ / tasks"])


@router.get("/tasks")
def list_tasks(caller: CurrentPrincipal, state: State,
               unit: Annotated[str, Query(max_length=200, description="đơn vị, any spelling; 'me': mine")] = "",
               role: Annotated[Literal["lead", "support"] | None, Query()] = None,
               due_before: Annotated[date | None, Query()] = None,
               due_after: Annotated[date | None, Query()] = None,
               doc_id: Annotated[str, Query(max_length=300)] = "",
               today: Annotated[date | None, Query(description="overdue / due soon as of this date")] = None,
               limit: Annotated[int, Query(ge=1, le=2000)] = 500) -> dict:
    """The tasks of documents the caller may read, by due date; with ``unit``, those it leads or supports
    (named, or through a group such as "Các sở, ban, ngành", given in ``via``)."""
    name = caller.principal.unit if unit.strip().lower() == "me" else unit.strip()
    canonical = state.runtime.units().canonical(name) if name else None
    if name and canonical is None:
        raise ApiError(404, f"Không có đơn vị {name!r} trong danh mục / unknown unit", "unit_not_found")
    if due_before and due_after and due_after > due_before:
        raise ApiError(400, "due_after sau due_before / due_after is later than due_before", "bad_period")
    day = today or today_in_vietnam()
    views = state.runtime.task_store().find(caller.principal, TaskFilter(
        unit=canonical or "", role=role or "", due_before=due_before, due_after=due_after, doc_id=doc_id, today=day))
    return {"unit": canonical, "today": day.isoformat(), "total": len(views),
            "tasks": [v.to_dict() for v in views[:limit]]}
