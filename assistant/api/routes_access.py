"""Changing a document's access label after indexing: ``PUT /v1/documents/access/{doc_id}`` for
administrators, ``PUT /v1/local/documents/access/{doc_id}`` for the command line of the machine that owns the
index (``assistant documents access``). Registered before ``/v1/documents/{doc_id:path}``.

Audited (action ``access``: the document, the label before and after); the work is
``assistant.documents.access.change_access``: payload updates, no re-embedding.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as PathParam
from pydantic import Field

from assistant.api.audit import audited
from assistant.api.auth import Caller
from assistant.api.deps import AdminPrincipal, LocalOwner, State
from assistant.api.errors import ApiError
from assistant.api.schemas import Strict
from assistant.api.state import ApiState
from assistant.documents import change_access
from core.access import AccessLabel

router = APIRouter(prefix="/v1", tags=["văn bản / documents (admin)"])
DocId = Annotated[str, PathParam(min_length=1, max_length=300)]


class AccessIn(Strict):
    access: dict[str, Any] | str = Field(description=(
        'Nhãn mới, như trường access của kho dữ liệu: "public", "internal" hoặc {"level":"restricted", "units":[…], '
        '"roles":[…], "roles_in_units":{"Công an tỉnh":["lanh_dao"]}, "groups":[…], "units_and_below":[…]}'))


class AccessChangeOut(Strict):
    doc_id: str
    before: dict[str, Any] | str
    after: dict[str, Any] | str
    chunks: int = Field(description="Số đoạn được cập nhật nhãn (không tính lại vector)")
    tasks: int
    validity_updates: int
    seconds: float


def _relabel(state: ApiState, caller: Caller, doc_id: str, body: AccessIn) -> dict[str, Any]:
    if state.settings.index_read_only:
        raise ApiError(409, "Máy chủ này chỉ đọc chỉ mục; đổi nhãn qua máy chủ lập chỉ mục / this replica serves a "
                            "read-only copy of the index: change access on the indexer", "read_only_index")
    try:
        label = AccessLabel.from_record(body.access)
    except (TypeError, ValueError) as exc:
        raise ApiError(422, f"access: {exc} / invalid access label", "invalid_access") from None
    with audited(state.runtime.sessions, caller.principal, caller.via, "access", doc_id) as draft:
        change = change_access(state.runtime, doc_id, label)
        if change is None:
            raise ApiError(404, "Không tìm thấy văn bản / document not found", "document_not_found")
        draft.retrieved = [doc_id]
        draft.question = f"{doc_id}: {json.dumps(change.before, ensure_ascii=False)} → " \
                         f"{json.dumps(change.after, ensure_ascii=False)}"
        draft.outcome = "relabelled"
    return change.as_dict()


@router.put("/documents/access/{doc_id:path}", response_model=AccessChangeOut)
def set_document_access(doc_id: DocId, body: AccessIn, caller: AdminPrincipal, state: State) -> dict[str, Any]:
    """Change who may see an indexed document; takes effect on this store's next request."""
    return _relabel(state, caller, doc_id, body)


@router.put("/local/documents/access/{doc_id:path}", response_model=AccessChangeOut,
            tags=["dòng lệnh / local CLI"])
def set_document_access_locally(doc_id: DocId, body: AccessIn, caller: LocalOwner, state: State) -> dict[str, Any]:
    """``assistant documents access`` while the service runs (the operator of this machine)."""
    return _relabel(state, caller, doc_id, body)
