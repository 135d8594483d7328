"""What the command line of this machine asks the service that owns the index: indexing local paths, and
the whole documents list.

Only the local key (``assistant.service.index_owner``) may call these: the paths are read from the service's own
disk, which is the same disk the caller could read the key from.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from assistant.api.deps import LocalOwner, State
from assistant.api.errors import ApiError
from assistant.api.schemas import DocumentListOut, IndexPathsIn, IndexReportOut
from assistant.documents import document_record
from connectors.auto import iter_sources
from connectors.extraction_limits import ExtractionLimits
from connectors.tthc import Collision

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
    collisions: list[Collision] = []
    sources = iter_sources(paths, kind=body.kind, max_bytes=state.settings.max_file_bytes,
                           limits=ExtractionLimits.from_settings(state.settings), collisions=collisions)
    indexer = state.runtime.indexer()
    if body.reindex:
        indexer.reset()
    report = indexer.index(sources, prune_roots=paths if body.prune else None)
    return {**report.as_dict(), "collisions": [c.as_dict() for c in collisions]}
