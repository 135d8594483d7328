"""Document management for administrators: upload (indexed by the worker through the same connectors and
parsers as ``assistant index``), upload jobs, remove a document. Listing and showing documents, for everyone
within access, is ``routes_document_records``."""

from __future__ import annotations

import hashlib
import hmac
import re
import shutil
import unicodedata
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile
from fastapi import Path as PathParam

from assistant.api.audit import audited
from assistant.api.auth import Caller
from assistant.api.deps import AdminPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.presenters import iso
from assistant.api.schemas import Id, JobOut
from assistant.api.state import ApiState
from assistant.api.upload_labels import UPLOAD_DEFAULT, form_access, form_fields
from assistant.api.worker import upload_path
from assistant.service import held_documents
from assistant.service.db import IndexJob
from assistant.service.pii import mask_file_name, mask_pii
from connectors.document_identity import upload_doc_id
from connectors.files import JSON_SUFFIXES, KNOWN_UNSUPPORTED, TEXT_SUFFIXES
from core.errors import RejectedInput

router = APIRouter(prefix="/v1", tags=["văn bản / documents (admin)"])
ACCEPTED_SUFFIXES = TEXT_SUFFIXES + JSON_SUFFIXES
_COPY_CHUNK = 1024 * 1024


def safe_filename(name: str | None, key: str = "") -> str:
    """The base name only, NFC, personal data masked, anything but letters, digits, dot, dash, underscore,
    space, ``*`` (a mask) and ``@`` replaced.

    Why at entry: the name becomes the stored file, the job row, the document id, every chunk id, the title
    when the text has none, and the "file" column of every list; masking only where it is shown would leave the
    number in ids that everyone reads. When masking changed the name, an 8-hex tag keyed on the server's
    secret (``key``) is added: the same name sent again stays the same document, two names that differ only in
    a masked number stay two documents, and the tag cannot be turned back into the number without the key."""
    base = unicodedata.normalize("NFC", Path((name or "").replace("\\", "/")).name)
    masked = mask_file_name(base)
    if masked != base:
        tag = hmac.new(f"upload-name:{key}".encode(), base.encode(), hashlib.sha256).hexdigest()[:8]
        stem, dot, suffix = masked.rpartition(".")
        masked = f"{stem}-{tag}.{suffix}" if dot and stem else f"{masked}-{tag}"
    masked = re.sub(r"[^\w.\-* @]", "_", masked).strip(" .")
    return masked[-150:] or "tai-lieu"


def job_dict(job: IndexJob) -> dict:
    finished = job.status not in ("queued", "running")  # while running, finished_at holds the heartbeat
    detail = {k: v for k, v in (job.detail or {}).items() if k != "replica"} if job.detail is not None else None
    return {"id": job.id, "filename": mask_pii(job.filename), "status": job.status, "user_id": job.user_id,
            "detail": detail, "created_at": iso(job.created_at),
            "finished_at": iso(job.finished_at) if finished else None}


def _save(upload: UploadFile, target: Path, limit: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(_COPY_CHUNK):
            written += len(chunk)
            if written > limit:
                out.close()
                shutil.rmtree(target.parent, ignore_errors=True)
                raise ApiError(413, f"Tệp vượt giới hạn {limit // (1024 * 1024)} MB / file too large")
            out.write(chunk)


@router.post("/documents", response_model=JobOut, status_code=202)
def upload_document(file: Annotated[UploadFile, File(description="Văn bản .docx .doc .pdf .txt .html .json, ảnh quét")],
                    caller: AdminPrincipal, state: State,
                    external_id: Annotated[str | None, Form(max_length=120, description=(
                        "Mã văn bản trong hệ thống gửi (QLVB/DMS): cùng mã gửi lại thì thay bản cũ"))] = None,
                    source_system: Annotated[str | None, Form(max_length=120, description=(
                        "Tên hệ thống gửi (mặc định dms), dùng kèm external_id"))] = None,
                    access: Annotated[str | None, Form(max_length=4000, description=(
                        'Nhãn truy cập, JSON như trường access của kho dữ liệu: {"level":"restricted","units":'
                        '["Sở Y tế"]}; không gửi thì "internal" (mọi cán bộ đã đăng nhập)'))] = None,
                    fields: Annotated[str | None, Form(max_length=20000, description=(
                        "Các trường của văn bản mà hệ thống gửi biết, JSON, tên như documents show: "
                        '{"so_hieu":"12/QĐ-UBND","ngay_ban_hanh":"2026-03-01"}; văn bản ghi khác thì giữ theo '
                        "văn bản"))] = None,
                    override_reason: Annotated[str | None, Form(max_length=2000, description=(
                        "Chỉ khi gửi lại đúng tệp đang bị giữ chờ duyệt (cùng sha256, xem "
                        "/v1/admin/held-documents): lý do quản trị viên cho phép lập chỉ mục (ít nhất 10 ký tự, "
                        "được ghi nhật ký). Không gửi access thì văn bản chỉ quản trị viên xem được"))] = None,
                    ) -> dict:
    """Accept one file and queue it for indexing; poll ``/v1/documents/jobs/{id}`` for the outcome.

    The document's id is the sender's own (``external_id``) when given, else uploader + file name
    (``connectors.document_identity``). An unknown or malformed ``access`` or ``fields`` is a 422 naming it.

    With ``override_reason``, the very file an upload had held for review (same sha256) is released: indexed
    with ``access`` or, when none is stated, for administrators only; audited as ``override`` (who, when,
    reason, digest). A file matching no held one is a 409 (``assistant.service.held_documents``)."""
    _refuse_read_only(state)
    label = form_access(access)
    header = form_fields(fields)
    name = safe_filename(file.filename, state.jwt_secret)
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        reason = KNOWN_UNSUPPORTED.get(suffix, f"nhận {', '.join(ACCEPTED_SUFFIXES)}")
        raise ApiError(415, f"Định dạng không hỗ trợ: {reason} / unsupported file type", "unsupported_file_type")
    try:
        upload_doc_id(name, caller.principal.user_id, source_system, external_id)
    except RejectedInput as exc:
        raise ApiError(422, f"{exc} / invalid document id", "invalid_document_id") from None
    identity: dict[str, object] = {k: v.strip() for k, v in (("external_id", external_id),
                                                             ("source_system", source_system)) if v}
    reason = None
    if override_reason is not None:
        try:
            reason = held_documents.override_reason(override_reason)
        except held_documents.OverrideRefused as exc:
            raise ApiError(422, f"{exc} / override reason required", "invalid_override_reason") from None
    default = held_documents.OVERRIDE_DEFAULT_ACCESS if reason is not None else UPLOAD_DEFAULT
    identity["access"] = (label or default).record()  # the worker labels the file's documents with it
    if header:
        identity["fields"] = header
    job_id = str(uuid.uuid4())
    if reason is not None:
        return _override(file, name, reason, identity, job_id, caller, state)
    with audited(state.runtime.sessions, caller.principal, caller.via, "upload", name) as draft:
        path = upload_path(state.settings, job_id, name)
        _save(file, path, state.settings.max_request_bytes)
        with state.runtime.sessions.begin() as s:
            job = IndexJob(id=job_id, user_id=caller.principal.user_id, filename=name, status="queued",
                           detail=identity)
            s.add(job)
        draft.outcome = "queued"
    state.worker.submit(job_id, path)
    return job_dict(job)


def _override(file: UploadFile, name: str, reason: str, identity: dict[str, object], job_id: str, caller: Caller,
              state: ApiState) -> dict:
    """Queue the re-submission of a held file with a stated override, or refuse it (409) when the file matches
    no held one; audited either way (who, when, reason, digest), the file removed when refused."""
    sessions, user = state.runtime.sessions, caller.principal
    path = upload_path(state.settings, job_id, name)
    _save(file, path, state.settings.max_request_bytes)
    digest = held_documents.file_sha256(path)
    try:
        ids = held_documents.check_override(sessions, digest, name)
    except held_documents.OverrideRefused as exc:
        shutil.rmtree(path.parent, ignore_errors=True)
        held_documents.audit_event(sessions, user_id=user.user_id, unit=user.unit, via=caller.via, action="override",
                                   digest=digest, text=f"{name}: {reason}", outcome="not_held")
        raise ApiError(409, f"{exc} / the file matches no held document", "not_held") from None
    identity["override"] = {"reason": reason, "by": user.user_id, "sha256": digest, "held_ids": ids}
    with sessions.begin() as s:
        job = IndexJob(id=job_id, user_id=user.user_id, filename=name, status="queued", detail=identity)
        s.add(job)
    held_documents.audit_event(sessions, user_id=user.user_id, unit=user.unit, via=caller.via, action="override",
                               digest=digest, text=f"{name}: {reason}", outcome="queued")
    state.worker.submit(job_id, path)
    return job_dict(job)


def _refuse_read_only(state: ApiState) -> None:
    """A replica serving a read-only copy of the index writes nothing to it: uploads go to the indexer."""
    if state.settings.index_read_only:
        raise ApiError(409, "Máy chủ này chỉ đọc chỉ mục; gửi văn bản qua máy chủ lập chỉ mục / this replica serves "
                            "a read-only copy of the index: send uploads and deletions to the indexer",
                       "read_only_index")


@router.get("/documents/jobs/{job_id}", response_model=JobOut)
def get_job(job_id: Id, caller: AdminPrincipal, state: State) -> dict:
    with state.runtime.sessions() as s:
        job = s.get(IndexJob, job_id)
        if job is None:
            raise ApiError(404, "Không tìm thấy công việc / job not found", "job_not_found")
        return job_dict(job)


@router.delete("/documents/{doc_id:path}", status_code=204)
def delete_document(doc_id: Annotated[str, PathParam(min_length=1, max_length=300)], caller: AdminPrincipal,
                    state: State) -> Response:
    """Remove a document's chunks from the index and the manifest (and its uploaded file, if any)."""
    _refuse_read_only(state)
    with audited(state.runtime.sessions, caller.principal, caller.via, "delete", doc_id):
        entry = state.runtime.manifest.get(doc_id)
        if entry is None or not state.runtime.indexer().remove_document(doc_id):
            raise ApiError(404, "Không tìm thấy văn bản / document not found", "document_not_found")
        uploads = (state.settings.data_dir / "uploads").resolve()
        source = Path(entry.source).resolve() if entry.source else None
        if source is not None and source.is_relative_to(uploads):
            shutil.rmtree(source.parent, ignore_errors=True)
    return Response(status_code=204)
