"""Indexed documents and their fields, for every signed-in caller within access: administrators see all,
others only documents they may read (the retrieval rule), and a hidden document is the same 404 as a
missing one, so its existence does not leak."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from sqlalchemy import select

from assistant.api.auth import Caller
from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.routes_documents import job_dict
from assistant.api.schemas import DocumentListOut, DocumentRecordOut
from assistant.documents import document_record, visible_document, visible_documents
from assistant.service.db import IndexJob
from core.access import Principal

router = APIRouter(prefix="/v1", tags=["văn bản / documents"])


@router.get("/documents", response_model=DocumentListOut)
def list_documents(caller: CurrentPrincipal, state: State) -> dict:
    """Indexed documents the caller may see with every header field; for administrators also the 100 most
    recent upload jobs. A key acting for a person sees what that person sees, never an administrator's view."""
    principal = _viewer(caller)
    admin = principal.is_admin
    documents = [document_record(e) for e in visible_documents(state.runtime.manifest, principal)]
    jobs: list[dict] = []
    if admin:
        with state.runtime.sessions() as s:
            jobs = [job_dict(j) for j in s.scalars(select(IndexJob).order_by(IndexJob.created_at.desc()).limit(100))]
    return {"documents": documents, "jobs": jobs}


@router.get("/documents/{doc_id:path}", response_model=DocumentRecordOut)
def show_document(doc_id: Annotated[str, PathParam(min_length=1, max_length=300)], caller: CurrentPrincipal,
                  state: State) -> dict:
    """One document's record; 404 when it does not exist or the caller may not see it (the same answer)."""
    entry = visible_document(state.runtime.manifest, doc_id, _viewer(caller))
    if entry is None:
        raise ApiError(404, "Không tìm thấy văn bản / document not found", "document_not_found")
    return document_record(entry)


def _viewer(caller: Caller) -> Principal:
    """Whose view: the caller; a key acting on behalf of a person never gains that person's admin role."""
    if not caller.on_behalf:
        return caller.principal
    return replace(caller.principal, roles=tuple(r for r in caller.principal.roles if r != "admin"))
