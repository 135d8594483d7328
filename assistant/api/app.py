"""The FastAPI application factory. Nothing is opened at import time: ``create_app`` builds the app, and its
lifespan opens one Runtime per process (the embedded store can be held by one process only).

Run with ``assistant serve`` or ``uvicorn --factory assistant.api.app:create_app``.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import Depends, FastAPI

from assistant.api import (
    routes_access,
    routes_ask,
    routes_auth,
    routes_browse,
    routes_chat,
    routes_conversations,
    routes_document_records,
    routes_documents,
    routes_drafting,
    routes_held,
    routes_incoming,
    routes_local,
    routes_oidc,
    routes_relations,
    routes_tasks,
)
from assistant.api.deps import current_caller
from assistant.api.docs_assets import install_offline_docs
from assistant.api.errors import install_error_handlers
from assistant.api.masking import install_log_masking
from assistant.api.metrics import ApiMetrics
from assistant.api.middleware import ApiMiddleware
from assistant.api.routes_health import health_router, metrics_router
from assistant.api.schemas import ErrorOut
from assistant.api.state import build_state
from assistant.service.index_owner import claim
from assistant.service.runtime import Runtime
from core.settings import Settings

DESCRIPTION = """Trợ lý ảo cho cán bộ, công chức: hỏi đáp có trích dẫn, tìm kiếm, hội thoại, phản hồi, quản lý văn bản.

Xác thực / authentication: `Authorization: Bearer <JWT từ /v1/login>` cho người dùng; `X-API-Key: tla_...`
(hoặc `Authorization: Bearer tla_...`) cho hệ thống, kèm `X-On-Behalf-Of: <user id>` khi khoá được phép.
Mọi lỗi trả về `{"detail": "...", "code": "..."}`.
"""

ERROR_RESPONSES = {status: {"model": ErrorOut} for status in (400, 401, 403, 404, 413, 415, 422, 429, 503)}


YOUNG_COLLECTION_EVERY = 10_000


def settle_heap() -> tuple[int, int, int]:
    """Move what start-up built (models, indexes of titles and procedures, vocabularies, the app) out of the
    collector's sight: it lives as long as the process, and without this every full collection walks it again —
    a sampling profile of 32 clients found about a sixth of the server's GIL time in the collector. What
    requests create is still collected, the youngest generation every ``YOUNG_COLLECTION_EVERY`` allocations
    instead of 700: a request allocates thousands of short-lived objects (payload dicts, response models), most
    freed by reference counting before any collection, so at 700 the collector ran several times a request for
    little (the rest of the collector's share, 8% → 2%). Returns the thresholds before, for :func:`unsettle_heap`."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *before[1:])
    return before


def unsettle_heap(before: tuple[int, int, int]) -> None:
    """At shutdown: what was frozen can be collected again (a process that starts apps one after another, the
    tests, would otherwise keep every closed one's cycles), and the thresholds are as they were."""
    gc.unfreeze()
    gc.set_threshold(*before)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None, *,
               owner_url: str | None = None) -> FastAPI:
    """A new app. ``runtime`` lets tests (or a host process) share one already-open Runtime; the app then
    leaves it open at shutdown. ``owner_url`` (set by ``assistant serve``): once ready, the app records itself
    as the owner of the data dir at that URL, so CLI commands become its clients (``assistant.service.index_owner``)."""
    settings = settings or (runtime.settings if runtime is not None else Settings())
    metrics = ApiMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_log_masking()
        state = await anyio.to_thread.run_sync(build_state, settings, runtime, metrics)
        app.state.api = state
        thresholds = settle_heap()
        lease = claim(settings, state.runtime.sessions, owner_url) if owner_url and not settings.index_read_only \
            else None
        try:
            yield
        finally:
            if lease is not None:
                lease.release()
            app.state.api = None
            await anyio.to_thread.run_sync(state.close)
            unsettle_heap(thresholds)

    app = FastAPI(title="Trợ lý ảo API", version="1", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    install_offline_docs(app, app.title)
    install_log_masking()
    install_error_handlers(app)
    app.add_middleware(ApiMiddleware, metrics=metrics, max_json_bytes=settings.max_json_bytes,
                       max_upload_bytes=settings.max_request_bytes)
    app.include_router(health_router)
    app.include_router(health_router, prefix="/v1", include_in_schema=False)
    app.include_router(routes_auth.router, responses=ERROR_RESPONSES)
    app.include_router(routes_oidc.router, responses=ERROR_RESPONSES)
    authed = {"dependencies": [Depends(current_caller)], "responses": ERROR_RESPONSES}
    # Order matters: ".../{doc_id}/chunks" (browse), ".../{doc_id}/relations" and "/documents/jobs/{id}" come
    # before "/documents/{doc_id}".
    for module in (routes_ask, routes_chat, routes_conversations, routes_browse, routes_relations, routes_access,
                   routes_documents, routes_document_records, routes_local, routes_tasks, routes_held,
                   routes_drafting, routes_incoming):
        app.include_router(module.router, **authed)
    app.include_router(metrics_router, **authed)
    app.include_router(metrics_router, prefix="/v1", include_in_schema=False, **authed)
    return app
