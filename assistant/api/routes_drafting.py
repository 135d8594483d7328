"""Outgoing documents over HTTP: drafts in the Nghị định 30 layout (``POST /v1/drafts``, read back as JSON or
.docx by their id under the draft's access) and the thể thức check of an uploaded .docx, .doc or PDF
(``POST /v1/format-check``). Both are audited; căn cứ are suggested and judged as the caller."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Response, UploadFile
from fastapi import Path as PathParam

from assistant.api.audit import audited
from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.routes_documents import safe_filename
from assistant.correspondence.drafting import (
    DraftError,
    DraftStore,
    RelationsLookup,
    check_format,
    compose,
    read_untrusted,
)
from core.deadlines import today_in_vietnam
from core.errors import RejectedInput

router = APIRouter(prefix="/v1", tags=["soạn thảo / drafting"])
CHECK_SUFFIXES = (".docx", ".doc", ".pdf")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _store(state: Any) -> DraftStore:
    return DraftStore(Path(state.runtime.settings.data_dir) / "drafts")


def _person(caller: Any) -> None:
    if not caller.principal.user_id:
        raise ApiError(403, "Dự thảo thuộc về một người dùng: khóa hệ thống không có người dùng / a draft needs a "
                            "user", "user_required")


@router.get("/units")
def list_units(caller: CurrentPrincipal, state: State) -> dict:
    """The province's units and groups (the unit list setting), for "Kính gửi" and "Nơi nhận" of a draft."""
    units = state.runtime.units()
    return {"units": sorted(units.kinds), "groups": sorted(units.groups)}


@router.post("/drafts", status_code=201)
def create_draft(caller: CurrentPrincipal, state: State,
                 body: Annotated[dict[str, Any], Body(description=(
                     "loai_van_ban, co_quan, co_quan_chu_quan, ky_hieu, so, ngay, dia_danh, trich_yeu, kinh_gui[], "
                     "noi_nhan[], quyen_han, thay_mat, chuc_vu, nguoi_ky, luu, can_cu[] (or suggested), "
                     "chia_se_don_vi"))]) -> dict:
    """Compose a draft (căn cứ suggested from the documents the caller may see, none replaced or expired), keep
    it for the caller (and their unit when ``chia_se_don_vi``), and return it as JSON with its .docx link."""
    _person(caller)
    today = today_in_vietnam()
    principal = caller.principal
    with audited(state.runtime.sessions, principal, caller.via, "draft", str(body.get("trich_yeu", ""))) as audit:
        try:
            draft, docx, findings = compose(
                body, canonical_unit=state.runtime.units().canonical, principal=principal, today=today,
                retriever=state.retriever, llm=state.runtime.llm,
                lookup=RelationsLookup(state.runtime.relations, principal))
        except DraftError as exc:
            raise ApiError(422, str(exc), "bad_draft") from None
        audit.retrieved = [b.doc_id for b in draft.can_cu if b.doc_id]
        data = draft.to_dict()
        draft_id = _store(state).save(data, docx, principal, bool(body.get("chia_se_don_vi")))
        audit.answer_id = draft_id
    return {"id": draft_id, "draft": data, "docx_url": f"/v1/drafts/{draft_id}/docx",
            "findings": [f.to_dict() for f in findings]}


@router.get("/drafts/{draft_id}")
def get_draft(caller: CurrentPrincipal, state: State,
              draft_id: Annotated[str, PathParam(max_length=64)]) -> dict:
    """A draft the caller may read (its author, or their unit when shared); 404 otherwise."""
    found = _store(state).get(draft_id, caller.principal)
    if found is None:
        raise ApiError(404, "Không có dự thảo này / draft not found", "draft_not_found")
    return found


@router.get("/drafts/{draft_id}/docx")
def get_draft_docx(caller: CurrentPrincipal, state: State,
                   draft_id: Annotated[str, PathParam(max_length=64)]) -> Response:
    data = _store(state).docx(draft_id, caller.principal)
    if data is None:
        raise ApiError(404, "Không có dự thảo này / draft not found", "draft_not_found")
    return Response(data, media_type=DOCX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="du-thao-{draft_id[:8]}.docx"'})


@router.post("/format-check")
def format_check(caller: CurrentPrincipal, state: State,
                 file: Annotated[UploadFile, File(description="Văn bản .docx, .doc hoặc .pdf")]) -> dict:
    """Each deviation from Nghị định 30/2020 with the rule it breaks and its place in the decree; căn cứ judged
    on what the caller may see."""
    name = safe_filename(file.filename, state.jwt_secret)  # masked at entry: it goes into the audit row
    suffix = Path(name).suffix.lower()
    limit = state.runtime.settings.max_file_bytes
    with audited(state.runtime.sessions, caller.principal, caller.via, "format_check", name) as audit:
        if suffix not in CHECK_SUFFIXES:
            raise ApiError(415, f"{name}: chỉ kiểm tra được tệp .docx, .doc hoặc .pdf / unsupported file type",
                           "unsupported_file_type")
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise ApiError(413, f"{name}: tệp vượt giới hạn {limit // (1024 * 1024)} MB / file too large")
        if not data:
            raise ApiError(422, f"{name}: tệp rỗng / empty file", "empty_file")
        try:
            doc = read_untrusted(name, data)
        except RejectedInput as exc:
            raise ApiError(422, f"{name}: {exc}", "unreadable_file") from None
        findings = check_format(doc, RelationsLookup(state.runtime.relations, caller.principal),
                                today_in_vietnam())
        audit.outcome = f"findings:{len(findings)}"
    return {"file": name, "source": doc.source, "findings": [f.to_dict() for f in findings], "notes": doc.notes,
            "errors": sum(f.severity == "error" for f in findings),
            "warnings": sum(f.severity == "warning" for f in findings)}
