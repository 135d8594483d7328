"""Liveness and readiness (open: probes cannot log in) and Prometheus metrics (administrators)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text

from assistant.api.deps import AdminPrincipal, State
from assistant.api.metrics import CONTENT_TYPE
from assistant.api.schemas import HealthOut

log = logging.getLogger("assistant.api")
health_router = APIRouter(tags=["health"])
metrics_router = APIRouter(tags=["health"])


@health_router.get("/healthz", response_model=HealthOut)
def healthz() -> dict:
    """The process is up."""
    return {"status": "ok"}


@health_router.get("/readyz", response_model=HealthOut, responses={503: {"model": HealthOut}})
def readyz(request: Request) -> JSONResponse:
    """The store answers and the SQL database answers."""
    state = getattr(request.app.state, "api", None)
    checks = {"store": "not started", "database": "not started"}
    if state is not None:
        try:
            state.runtime.store.count()
            checks["store"] = "ok"
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
    return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                        status_code=200 if ready else 503)


@metrics_router.get("/metrics", response_class=Response,
                    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics(caller: AdminPrincipal, state: State) -> Response:
    """Prometheus text format: requests by route and status, latency histogram, answers, jobs."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE)
