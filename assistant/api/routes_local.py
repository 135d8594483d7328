"""What the command line of this machine asks the service that owns the index: indexing local paths, the whole
documents list and the whole task list (as the operator, ``assistant.service.index_owner.OPERATOR``).

Only the local key (``assistant.service.index_owner``) may call these: the paths are read from the service's own
disk, which is the same disk the caller could read the key from.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from assistant.api.deps import LocalOwner, State
from assistant.api.errors import ApiError
from assistant.api.routes_tasks import tasks_for
from assistant.api.schemas import DocumentListOut, IndexPathsIn, IndexReportOut
from assistant.documents import document_record
from assistant.service import held_documents
from assistant.service.index_owner import OPERATOR
from connectors.access_labelling import labelled
from connectors.auto import iter_sources
from connectors.extraction_limits import ExtractionLimits
from connectors.tthc import Collision
from core.access import AccessLabel

router = APIRouter(prefix="/v1/local", tags=["dòng lệnh / local CLI"])


@router.get("/documents", response_model=DocumentListOut)
def all_documents(caller: LocalOwner, state: State) -> dict:
    """``assistant documents`` while the service runs: every document, as the operator of this machine (who
    could open the manifest on this disk) sees it without a service."""
    entries = [e for e in state.runtime.manifest.entries() if e.content_hash is not None]
    return {"documents": [document_record(e) for e in entries], "jobs": []}


@router.post("/index", response_model=IndexReportOut)
def index_paths(body: IndexPathsIn, caller: LocalOwner, state: State) -> dict:
    """``assistant index PATH…`` while the service runs: the same incremental run, in the owning process."""
    paths = [Path(p) for p in body.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise ApiError(400, f"không tìm thấy: {', '.join(missing)}", "path_not_found")
    try:
        given = AccessLabel.from_record(body.access) if body.access is not None else None
    except (TypeError, ValueError) as exc:
        raise ApiError(422, f"access: {exc}", "invalid_access") from None
    sessions = state.runtime.sessions
    release = None
    if body.override_reason is not None:  # a held file released with a stated reason (held_documents)
        try:
            release = held_documents.prepare_release(sessions, paths, body.override_reason)
        except held_documents.OverrideRefused as exc:
            raise ApiError(409, str(exc), "not_held") from None
    collisions: list[Collision] = []
    sources = labelled(iter_sources(paths, kind=body.kind, max_bytes=state.settings.max_file_bytes,
                                    limits=ExtractionLimits.from_settings(state.settings), collisions=collisions),
                       given)
    indexer = state.runtime.indexer()
    doc_ids: list[str] = []
    if release is not None:
        sources = held_documents.released(sources, given or held_documents.OVERRIDE_DEFAULT_ACCESS, doc_ids)
        indexer = replace(indexer, release_held=True)
    if body.reindex:
        indexer.reset()
    report = indexer.index(sources, prune_roots=paths if body.prune else None)
    held_documents.record_local_holds(sessions, report.held, OPERATOR.user_id, caller.via)
    if release is not None:
        indexed = report.added + report.updated + report.unchanged
        held_documents.finish_release(sessions, release, by=OPERATOR.user_id, via=caller.via, filename=paths[0].name,
                                      doc_ids=doc_ids if indexed else [], rejected=[r.reason for r in report.rejected])
    return {**report.as_dict(), "collisions": [c.as_dict() for c in collisions]}


@router.get("/tasks")
def all_tasks(caller: LocalOwner, state: State,
              unit: Annotated[str, Query(max_length=200, description="đơn vị, any spelling")] = "",
              role: Annotated[Literal["lead", "support"] | None, Query()] = None,
              due_before: Annotated[date | None, Query()] = None,
              doc_id: Annotated[str, Query(max_length=300)] = "",
              today: Annotated[date | None, Query()] = None) -> dict:
    """``assistant tasks`` without ``--user`` while the service runs: the tasks as the operator reads them."""
    return tasks_for(OPERATOR, state, unit, role, due_before, None, doc_id, today, 2000)
