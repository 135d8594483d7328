"""Incoming documents over HTTP: ``POST /v1/incoming`` makes the processing card (phiếu xử lý) of an uploaded
document for any signed-in official, at once for a file with a text layer, as a job for a scan (OCR takes
minutes); ``GET /v1/incoming/{id}`` reads it back (its author, or their unit when shared; anyone else gets
"not found"). Both the card and the job are audited; cited documents are looked up as the caller may see them.

Why a thread and not the index job queue: a card is not indexed (the SQL queue's worker indexes what it runs),
and the job's state lives with the card in ``DATA_DIR/incoming/<id>/`` where every replica sharing the data dir
reads it. A process that stops mid-job leaves the card "running"; the official uploads it again."""

from __future__ import annotations

import logging
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse

from assistant.api.audit import audited
from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.routes_documents import safe_filename
from assistant.api.upload_labels import form_access, form_fields
from assistant.correspondence.incoming import (
    INCOMING_SUFFIXES,
    CardStore,
    IndexedLookup,
    build_card,
    needs_ocr,
    read_incoming,
    render_card,
)
from connectors.extraction_limits import ExtractionLimits
from core.access import Principal
from core.deadlines import today_in_vietnam
from core.errors import RejectedInput

router = APIRouter(prefix="/v1", tags=["văn bản đến / incoming"])
log = logging.getLogger("assistant.api.incoming")
_JOBS_LOCK = threading.Lock()


def _store(state: Any) -> CardStore:
    return CardStore(Path(state.runtime.settings.data_dir) / "incoming")


def _jobs(state: Any) -> ThreadPoolExecutor:
    """One reader of scans per process: OCR is CPU-bound and Tesseract already uses the cores it is given."""
    with _JOBS_LOCK:
        pool = getattr(state, "incoming_jobs", None)
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="incoming-card")
            state.incoming_jobs = pool
        return pool


def _received(text: str | None) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ApiError(422, f"ngay_den: ngày không đọc được {text[:20]!r} (dùng YYYY-MM-DD) / invalid date",
                       "invalid_date") from None


def _card(state: Any, principal: Principal, name: str, data: bytes, fields: dict[str, Any],
          received: date | None) -> dict[str, Any]:
    """Read and build; ``RejectedInput`` for a file that cannot be read (or is secret)."""
    settings = state.runtime.settings
    doc = read_incoming(name, data, settings.max_file_bytes, limits=ExtractionLimits.from_settings(settings))
    card = build_card(doc, state.runtime.units(), file=name, fields=fields, received=received,
                      lookup=IndexedLookup(state.runtime.relations, principal, today_in_vietnam()),
                      llm=state.runtime.llm)
    return card.to_dict()


def _run_job(state: Any, store: CardStore, card_id: str, principal: Principal, path: Path,
             fields: dict[str, Any], received: date | None) -> None:
    try:
        store.finish(card_id, "running")
        card = _card(state, principal, path.name, path.read_bytes(), fields, received)
        store.finish(card_id, "done", card)
    except RejectedInput as exc:
        store.finish(card_id, "failed", error=f"{path.name}: {exc}")
    except Exception as exc:  # one bad scan must not stop the reader of the next
        log.error("incoming card %s failed: %s", card_id, type(exc).__name__)
        store.finish(card_id, "failed", error=f"{path.name}: lỗi khi đọc văn bản")
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


@router.post("/incoming", status_code=201)
def create_card(caller: CurrentPrincipal, state: State,
                file: Annotated[UploadFile, File(description="Văn bản đến: .pdf .docx .doc .txt .html hoặc ảnh quét")],
                fields: Annotated[str | None, Form(max_length=20000, description=(
                    "Các trường hệ thống QLVB đã biết, JSON như POST /v1/documents; văn bản ghi khác thì theo "
                    "văn bản"))] = None,
                access: Annotated[str | None, Form(max_length=4000, description=(
                    "Nhãn truy cập của văn bản, JSON như POST /v1/documents (giữ cùng phiếu)"))] = None,
                ngay_den: Annotated[str | None, Form(max_length=20, description=(
                    "Ngày văn bản đến (YYYY-MM-DD), để tính hạn «kể từ ngày nhận»"))] = None,
                chia_se_don_vi: Annotated[bool, Form(description="Cho đơn vị của tôi xem phiếu")] = False,
                ) -> JSONResponse:
    """The card of one incoming document: 201 with the card when the file has a text layer, 202 with the id to
    poll (``GET /v1/incoming/{id}``) when it must be read by OCR."""
    principal = caller.principal
    if not principal.user_id:
        raise ApiError(403, "Phiếu xử lý thuộc về một người dùng: khóa hệ thống không có người dùng / a card needs "
                            "a user", "user_required")
    label = form_access(access)
    header = form_fields(fields)
    received = _received(ngay_den)
    name = safe_filename(file.filename, state.jwt_secret)
    suffix = Path(name).suffix.lower()
    limit = state.runtime.settings.max_file_bytes
    store = _store(state)
    with audited(state.runtime.sessions, principal, caller.via, "incoming", name) as audit:
        if suffix not in INCOMING_SUFFIXES:
            raise ApiError(415, f"{name}: định dạng không đọc được; nhận {', '.join(INCOMING_SUFFIXES)} / "
                                "unsupported file type", "unsupported_file_type")
        data = file.file.read(limit + 1)
        if len(data) > limit:
            raise ApiError(413, f"{name}: tệp vượt giới hạn {limit // (1024 * 1024)} MB / file too large")
        if not data:
            raise ApiError(422, f"{name}: tệp rỗng / empty file", "empty_file")
        kept = label.record() if label is not None else None
        if needs_ocr(name, data):
            card_id = store.create(principal, chia_se_don_vi, name, "queued", access=kept)
            path = store.upload_path(card_id, name)
            path.parent.mkdir(parents=True)
            path.write_bytes(data)
            _jobs(state).submit(_run_job, state, store, card_id, principal, path, header, received)
            audit.answer_id, audit.outcome = card_id, "queued"
            return JSONResponse({"id": card_id, "status": "queued", "file": name, "url": f"/v1/incoming/{card_id}",
                                 "access": kept}, status_code=202)
        try:
            card = _card(state, principal, name, data, header, received)
        except RejectedInput as exc:
            raise ApiError(422, f"{name}: {exc}", "unreadable_file") from None
        card_id = store.create(principal, chia_se_don_vi, name, "done", card, access=kept)
        audit.answer_id = card_id
        audit.retrieved = [c["doc_id"] for c in card["cited"] if c.get("doc_id")]
        audit.outcome = f"requests:{len(card['requests'])}"
    return JSONResponse({"id": card_id, "status": "done", "file": name, "card": card, "text": render_card(card),
                         "access": kept}, status_code=201)


@router.get("/incoming/{card_id}")
def get_card(caller: CurrentPrincipal, state: State,
             card_id: Annotated[str, PathParam(max_length=64)]) -> dict:
    """A card (or its job's state) the caller may read: its author, or their unit when shared; 404 otherwise."""
    found = _store(state).get(card_id, caller.principal)
    if found is None:
        raise ApiError(404, "Không có phiếu xử lý này / card not found", "card_not_found")
    if found.get("card"):
        found["text"] = render_card(found["card"])
    return found
