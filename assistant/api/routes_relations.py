"""``GET /v1/documents/{doc_id}/relations``: what a legal document replaces, amends, guides or is based on,
what replaced or amended it, its computed validity and short history, as the caller may see them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam

from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.validity import document_relations
from core.vietnamese import normalize_text

router = APIRouter(prefix="/v1", tags=["hiệu lực văn bản / legal validity"])


@router.get("/documents/{doc_id:path}/relations")
def relations(doc_id: Annotated[str, PathParam(min_length=1, max_length=300)], caller: CurrentPrincipal,
              state: State) -> dict:
    """404 when the document is not a known legal document or the caller may not see it (the same answer)."""
    found = document_relations(state.runtime.relations, normalize_text(doc_id), caller.principal,
                               verified_through=state.settings.validity_verified_through)
    if found is None:
        raise ApiError(404, "Không tìm thấy văn bản / document not found", "document_not_found")
    return found
