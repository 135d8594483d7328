"""Reading, not asking: a document's chunks as the caller may see them (the UI's "full article"),
and the audit trail for administrators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from sqlalchemy import select

from assistant.api.deps import AdminPrincipal, CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.masking import mask_pii
from assistant.api.presenters import iso
from assistant.service.db import AuditEvent
from indexing.store import SearchFilter

router = APIRouter(prefix="/v1", tags=["đọc văn bản, nhật ký / browse, audit"])
_CHUNK_FIELDS = ("doc_id", "kind", "title", "citation", "path", "text", "context", "order", "validity", "so_hieu",
                 "loai_van_ban", "co_quan_ban_hanh", "ngay_ban_hanh", "ngay_hieu_luc", "linh_vuc", "access_level",
                 "fields")


@router.get("/documents/{doc_id:path}/chunks")
def document_chunks(doc_id: Annotated[str, PathParam(min_length=1, max_length=300)], caller: CurrentPrincipal,
                    state: State) -> dict:
    """Every chunk of one document that the caller may see, in document order; 404 when there is none
    (an unknown document and a hidden one look the same)."""
    hits = state.runtime.store.doc_chunks(doc_id, SearchFilter(principal=caller.principal))
    if not hits:
        raise ApiError(404, "Không tìm thấy văn bản / document not found", "document_not_found")
    chunks = [{"chunk_id": h.chunk_id, **{k: h.payload.get(k) for k in _CHUNK_FIELDS if k in h.payload}}
              for h in hits]
    return {"doc_id": doc_id, "chunks": chunks}


@router.get("/audit")
def audit_rows(caller: AdminPrincipal, state: State,
               since: Annotated[datetime | None, Query(description="ISO date or datetime")] = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict:
    """The most recent audit rows (personal data masked), newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if since is not None:
        since = since.astimezone(UTC) if since.tzinfo else since.replace(tzinfo=UTC)
        query = query.where(AuditEvent.at >= since)
    with state.runtime.sessions() as s:
        rows = [{"id": r.id, "at": iso(r.at), "user_id": r.user_id, "unit": r.unit, "via": r.via, "action": r.action,
                 "question": mask_pii(r.question), "retrieved_ids": r.retrieved_ids or [],
                 "cited_ids": r.cited_ids or [], "answer_id": r.answer_id, "latency_ms": r.latency_ms,
                 "outcome": r.outcome} for r in s.scalars(query)]
    return {"rows": rows}
