"""One set of exception handlers: every error leaves as ``{"detail": "...", "code": "..."}``.

Messages are Vietnamese / English. Nothing from a traceback, a document or another user's record is
ever put into an error body: validation errors name the field and the rule, never the value sent.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.answer.answering import BadQuestion
from assistant.api.masking import mask_pii
from assistant.service.conversations import ConversationNotFound
from core.errors import AssistantError, ConfigurationError, RejectedInput, UnknownUser

log = logging.getLogger("assistant.api")

INTERNAL_MESSAGE = "Lỗi hệ thống, vui lòng thử lại sau / internal error, please retry later"

_STATUS_CODES = {
    400: ("bad_request", "Yêu cầu không hợp lệ / bad request"),
    401: ("unauthorized", "Chưa xác thực / authentication required"),
    403: ("forbidden", "Không có quyền / forbidden"),
    404: ("not_found", "Không tìm thấy / not found"),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ / method not allowed"),
    413: ("payload_too_large", "Dữ liệu gửi lên quá lớn / request body too large"),
    415: ("unsupported_media_type", "Định dạng không được hỗ trợ / unsupported media type"),
    422: ("validation_error", "Dữ liệu không hợp lệ / invalid request"),
    429: ("rate_limited", "Quá nhiều yêu cầu / too many requests"),
    503: ("unavailable", "Dịch vụ chưa sẵn sàng / service unavailable"),
}


class ApiError(Exception):
    """An error raised on purpose by a route or dependency; ``detail`` is safe to show."""

    def __init__(self, status: int, detail: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        default_code, default_detail = _STATUS_CODES.get(status, ("error", "Lỗi / error"))
        super().__init__(detail or default_detail)
        self.status = status
        self.detail = detail or default_detail
        self.code = code or default_code
        self.headers = headers or {}


def error_body(status: int, detail: str | None = None, code: str | None = None) -> dict[str, Any]:
    default_code, default_detail = _STATUS_CODES.get(status, ("error", INTERNAL_MESSAGE))
    return {"detail": detail or default_detail, "code": code or default_code}


def error_response(status: int, detail: str | None = None, code: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, detail, code), status_code=status, headers=headers)


def from_assistant_error(exc: AssistantError) -> ApiError:
    """The product's own errors carry safe messages (core/errors.py); map each to its status."""
    if isinstance(exc, ConversationNotFound):
        return ApiError(404, "Không tìm thấy hội thoại / conversation not found", "conversation_not_found")
    if isinstance(exc, BadQuestion):
        return ApiError(400, f"{exc} / invalid question", "bad_question")
    if isinstance(exc, UnknownUser):
        return ApiError(403, "Người dùng không tồn tại / unknown user", "unknown_user")
    if isinstance(exc, RejectedInput):
        return ApiError(422, f"{exc} / rejected input", "rejected_input")
    if isinstance(exc, ConfigurationError):
        log.error("configuration error: %s", mask_pii(str(exc)))
        return ApiError(503, code="configuration_error")
    return ApiError(400, f"{exc}", "assistant_error")


def _validation_detail(exc: RequestValidationError) -> tuple[str, list[dict[str, str]]]:
    errors = [{"loc": ".".join(str(p) for p in e.get("loc", ())), "msg": str(e.get("msg", ""))[:200]}
              for e in exc.errors()[:20]]
    summary = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors[:3])
    return f"Dữ liệu không hợp lệ / invalid request: {summary}", errors


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.detail, exc.code, exc.headers)


async def _assistant_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AssistantError)
    return await _api_error(request, from_assistant_error(exc))


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code if exc.status_code >= 400 else 400
    detail = None if status >= 500 or not isinstance(exc.detail, str) else exc.detail
    if detail and detail in {"Not Found", "Method Not Allowed", "Not authenticated"}:
        detail = None  # the bilingual default says the same thing
    return error_response(status, detail, headers=getattr(exc, "headers", None))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail, errors = _validation_detail(exc)
    body = error_body(422, detail)
    body["errors"] = errors
    return JSONResponse(body, status_code=422)


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log_unhandled(request.method, request.url.path, exc)
    return error_response(500, INTERNAL_MESSAGE, "internal_error")


def log_unhandled(method: str, path: str, exc: BaseException) -> None:
    """One masked line plus the masked traceback (the MaskingFilter masks it again at the handler)."""
    log.error("unhandled %s on %s %s: %s", type(exc).__name__, method, path, mask_pii(str(exc))[:500],
              exc_info=(type(exc), exc, exc.__traceback__))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(AssistantError, _assistant_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unhandled)
