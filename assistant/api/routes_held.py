"""Files held for review, listed to administrators (issue 28): what came, from whom, where the possible stamp
stood and why; never the file's text, which was not kept."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from assistant.api.deps import AdminPrincipal, State
from assistant.service.held_documents import list_held

router = APIRouter(prefix="/v1", tags=["văn bản giữ lại / held documents (admin)"])


@router.get("/admin/held-documents")
def held_documents(caller: AdminPrincipal, state: State,
                   status: Annotated[Literal["held", "overridden"], Query()] = "held",
                   limit: Annotated[int, Query(ge=1, le=2000)] = 500) -> dict:
    """Held files, newest first: name (personal data masked), sha256, uploader, page, stamp, reason."""
    del caller  # administrators only (the dependency refuses anyone else with 403)
    items = list_held(state.runtime.sessions, status, limit)
    return {"total": len(items), "items": items}
