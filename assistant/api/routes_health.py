"""Liveness and readiness (open: probes cannot log in) and Prometheus metrics (administrators)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from assistant.api.deps import AdminPrincipal, State
from assistant.api.metrics import CONTENT_TYPE
from assistant.api.schemas import HealthOut

log = logging.getLogger("assistant.api")


class DenseProgressOut(BaseModel):
    """Dense vectors still to fill after a sparse-first index (keyword search works meanwhile)."""

    chunks: int  # points in the index
    pending_chunks: int  # of them still without a dense vector
    pending_documents: int
    filled_chunks: int  # by this process since it started
    error: str | None = None  # the backfill's last failure (embedding service down…)


class ReadyOut(HealthOut):
    dense: DenseProgressOut | None = None
health_router = APIRouter(tags=["health"])
metrics_router = APIRouter(tags=["health"])


@health_router.get("/healthz", response_model=HealthOut)
def healthz() -> dict:
    """The process is up."""
    return {"status": "ok"}


@health_router.get("/readyz", response_model=ReadyOut, responses={503: {"model": ReadyOut}})
def readyz(request: Request) -> JSONResponse:
    """The store answers and the SQL database answers. ``dense`` says how many chunks still wait for their
    dense vector after a sparse-first index: search works meanwhile (keywords for those), so it is no check."""
    state = getattr(request.app.state, "api", None)
    checks = {"store": "not started", "database": "not started"}
    dense = None
    if state is not None:
        try:
            chunks = state.runtime.store.count()
            checks["store"] = "ok"
            progress = state.backfill.status()
            dense = {"chunks": chunks, "pending_chunks": progress.pending_chunks,
                     "pending_documents": progress.pending_documents, "filled_chunks": progress.filled_chunks,
                     "error": progress.error}
        except Exception as exc:
            log.warning("readyz: store check failed: %s", type(exc).__name__)
            checks["store"] = "error"
        try:
            with state.runtime.sessions() as s:
                s.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            log.warning("readyz: database check failed: %s", type(exc).__name__)
            checks["database"] = "error"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks, "dense": dense},
                        status_code=200 if ready else 503)


@metrics_router.get("/metrics", response_class=Response,
                    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(caller: AdminPrincipal, state: State) -> Response:
    """Prometheus text format: requests by route and status, latency histogram, answers, jobs."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE)
