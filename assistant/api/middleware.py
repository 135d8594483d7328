"""One pure-ASGI middleware in front of every route: body size and media type checks, metrics, and a last
guard that turns any escaped exception into the generic JSON 500 (logged masked, never re-raised, so no
server prints an unmasked traceback and no client sees one)."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import HTTPException
from starlette.datastructures import Headers

from assistant.api.errors import INTERNAL_MESSAGE, ApiError, error_body, log_unhandled
from assistant.api.metrics import ApiMetrics

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATHS = ("/v1/documents", "/v1/format-check", "/v1/incoming")
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _json_message(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> list[Message]:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return [{"type": "http.response.start", "status": status, "headers": raw},
            {"type": "http.response.body", "body": payload}]


class ApiMiddleware:
    def __init__(self, app: ASGIApp, metrics: ApiMetrics, max_json_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_json_bytes = max_json_bytes
        # Multipart framing adds a few hundred bytes around the file; the file itself is checked again.
        self.max_upload_bytes = max_upload_bytes + 64 * 1024

    def _precheck(self, scope: Scope) -> tuple[ApiError | None, int]:
        """(error to answer at once, body byte limit) from the method, path and headers alone."""
        headers = Headers(scope=scope)
        upload = scope["path"].rstrip("/") in UPLOAD_PATHS
        limit = self.max_upload_bytes if upload else self.max_json_bytes
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                return ApiError(400, "Content-Length không hợp lệ / invalid Content-Length"), limit
            if int(length) > limit:
                return ApiError(413), limit
        has_body = (length is not None and int(length) > 0) or "transfer-encoding" in headers
        if scope["method"] in _BODY_METHODS and has_body:
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            wanted_ok = ctype == "multipart/form-data" if upload else (
                ctype == "application/json" or ctype.endswith("+json"))
            if not wanted_ok:
                wanted = "multipart/form-data" if upload else "application/json"
                return ApiError(415, f"Cần gửi {wanted} / expected {wanted}"), limit
        return None, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500, "started": False}
        error, limit = self._precheck(scope)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # FastAPI re-raises an HTTPException met while reading the body
                    raise HTTPException(413)
            return message

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["started"] = message["status"], True
            await send(message)

        try:
            if error is not None:
                for message in _json_message(error.status, error_body(error.status, error.detail, error.code),
                                             error.headers):
                    await tracking_send(message)
            else:
                await self.app(scope, limited_receive, tracking_send)
        except Exception as exc:
            log_unhandled(scope["method"], scope["path"], exc)
            if not status["started"]:
                for message in _json_message(500, error_body(500, INTERNAL_MESSAGE, "internal_error")):
                    await tracking_send(message)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe(scope["method"], template, int(status["code"]), time.perf_counter() - started)
