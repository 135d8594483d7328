"""A small HTTP client for the assistant's API (``/v1``). The UI talks to the service only through this.

Every failure becomes :class:`ApiError` whose message is readable Vietnamese: the API's own ``detail``
(its Vietnamese half when the detail is bilingual "vi / en"), or a sentence naming the network problem.
No traceback, no response body dump, ever reaches the page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

DEFAULT_API_URL = "http://127.0.0.1:8000"
ASK_TIMEOUT = httpx.Timeout(180.0, connect=5.0)
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)

_STATUS_MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy dữ liệu yêu cầu.",
    405: "Máy chủ không hỗ trợ thao tác này.",
    413: "Dữ liệu gửi lên quá lớn.",
    415: "Định dạng tệp không được hỗ trợ.",
    422: "Dữ liệu gửi lên không hợp lệ.",
    429: "Bạn gửi quá nhiều yêu cầu. Vui lòng chờ một lát rồi thử lại.",
    500: "Máy chủ gặp lỗi. Vui lòng thử lại sau.",
    502: "Máy chủ tạm thời không phản hồi. Vui lòng thử lại sau.",
    503: "Dịch vụ chưa sẵn sàng. Vui lòng thử lại sau.",
    504: "Máy chủ phản hồi quá lâu. Vui lòng thử lại sau.",
}


class ApiError(Exception):
    """A failure to show the user as is: ``message`` is Vietnamese and safe to display."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def __str__(self) -> str:
        return self.message


def vietnamese_part(detail: str) -> str:
    """The API writes "Tiếng Việt / English"; the page shows the Vietnamese half."""
    text = " ".join(str(detail).split())
    if " / " in text:
        head = text.split(" / ", 1)[0].strip()
        if head:
            return head
    return text


def _error_from_response(response: httpx.Response) -> ApiError:
    status = response.status_code
    detail, code = "", None
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, dict):
        raw = body.get("detail")
        code = body.get("code") if isinstance(body.get("code"), str) else None
        if isinstance(raw, str):
            detail = raw
        elif isinstance(raw, list) and raw:  # FastAPI's default validation shape, in case
            detail = _STATUS_MESSAGES[422]
    message = vietnamese_part(detail) if detail else _STATUS_MESSAGES.get(status, f"Lỗi máy chủ (mã {status}).")
    if status >= 500 and not detail:
        message = _STATUS_MESSAGES.get(status, _STATUS_MESSAGES[500])
    return ApiError(message, status=status, code=code)


def _network_error(exc: httpx.HTTPError, base_url: str) -> ApiError:
    if isinstance(exc, httpx.TimeoutException):
        return ApiError("Máy chủ trợ lý ảo phản hồi quá lâu. Vui lòng thử lại sau.", code="timeout")
    if isinstance(exc, httpx.ConnectError):
        return ApiError(f"Không kết nối được tới máy chủ trợ lý ảo ({base_url}). "
                        "Vui lòng kiểm tra dịch vụ API đã được khởi động.", code="connect_error")
    return ApiError("Mất kết nối tới máy chủ trợ lý ảo. Vui lòng thử lại.", code="network_error")


@dataclass
class StreamEvent:
    event: str
    data: dict[str, Any]


def parse_sse(lines: Iterator[str]) -> Iterator[StreamEvent]:
    """Server-sent events: ``event:`` and ``data:`` lines, a blank line ends each event."""
    event, data_lines = "message", []
    for raw in lines:
        line = raw.rstrip("\r")
        if not line:
            if data_lines:
                yield _make_event(event, data_lines)
            event, data_lines = "message", []
            continue
        if line.startswith(":"):
            continue  # comment / keep-alive
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value.strip() or "message"
        elif name == "data":
            data_lines.append(value)
    if data_lines:
        yield _make_event(event, data_lines)


def _make_event(event: str, data_lines: list[str]) -> StreamEvent:
    text = "\n".join(data_lines)
    try:
        data = json.loads(text)
    except ValueError:
        data = {"text": text}
    if not isinstance(data, dict):
        data = {"value": data}
    return StreamEvent(event, data)


class ApiClient:
    """One client per signed-in browser session; ``token`` is the bearer token from ``login``."""

    def __init__(self, base_url: str | None = None, token: str | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = (base_url or os.environ.get("ASSISTANT_API_URL") or DEFAULT_API_URL).rstrip("/")
        self.token = token
        self._transport = transport

    # -- plumbing --------------------------------------------------------------------------------------
    def _client(self, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> httpx.Client:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout, transport=self._transport)

    def _request(self, method: str, path: str, timeout: httpx.Timeout = DEFAULT_TIMEOUT, **kwargs: Any) -> Any:
        try:
            with self._client(timeout) as client:
                response = client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise _network_error(exc, self.base_url) from None
        if response.status_code >= 400:
            raise _error_from_response(response)
        if response.status_code == 204 or not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise ApiError("Máy chủ trả về dữ liệu không đọc được.", status=response.status_code) from None

    # -- people ----------------------------------------------------------------------------------------
    def login(self, username: str, password: str) -> dict[str, Any]:
        """Returns ``{"access_token", "token_type", "user": {id, name, unit, roles}}`` and keeps the token."""
        data = self._request("POST", "/v1/login", json={"username": username, "password": password})
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token:
            raise ApiError("Máy chủ không trả về mã đăng nhập.")
        self.token = token
        return data

    def oidc_enabled(self) -> bool:
        """Whether the API signs officials in through the province's OpenID provider (the button is shown)."""
        data = self._request("GET", "/v1/oidc/status")
        return bool(isinstance(data, dict) and data.get("enabled"))

    def oidc_exchange(self, code: str, browser: str) -> dict[str, Any]:
        """Swap the one-time code the API's callback sent back (with the secret of the browser that started the
        sign-in) for the token; the same answer as ``login``."""
        data = self._request("POST", "/v1/oidc/exchange", json={"code": code, "browser": browser})
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token:
            raise ApiError("Máy chủ không trả về mã đăng nhập.")
        self.token = token
        return data

    def me(self) -> dict[str, Any]:
        return self._request("GET", "/v1/me")

    def healthz(self) -> dict[str, Any]:
        return self._request("GET", "/v1/healthz")

    def readiness(self) -> dict[str, Any]:
        """``/v1/readyz``: checks, and ``dense`` (chunks still waiting for their dense vector)."""
        return self._request("GET", "/v1/readyz")

    # -- asking ----------------------------------------------------------------------------------------
    @staticmethod
    def _ask_body(question: str, conversation_id: str | None, filters: dict[str, Any] | None) -> dict[str, Any]:
        body: dict[str, Any] = {"question": question}
        if conversation_id:
            body["conversation_id"] = conversation_id
        if filters:
            body["filters"] = filters
        return body

    def ask(self, question: str, conversation_id: str | None = None,
            filters: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._request("POST", "/v1/ask", timeout=ASK_TIMEOUT,
                             json=self._ask_body(question, conversation_id, filters))

    def ask_stream(self, question: str, conversation_id: str | None = None,
                   filters: dict[str, Any] | None = None) -> Iterator[StreamEvent]:
        """Yields ``meta``, ``token`` ... and ``final`` events. An ``error`` event raises :class:`ApiError`.

        When the server has no streaming route (404/405) the plain ``/v1/ask`` answer is yielded as
        one ``token`` and one ``final`` event, so callers need one code path.
        """
        body = self._ask_body(question, conversation_id, filters)
        try:
            with self._client(ASK_TIMEOUT) as client:
                with client.stream("POST", "/v1/ask/stream", json=body,
                                   headers={"Accept": "text/event-stream"}) as response:
                    if response.status_code in (404, 405):
                        response.read()
                        fallback = True
                    elif response.status_code >= 400:
                        response.read()
                        raise _error_from_response(response)
                    else:
                        fallback = False
                        got_final = False
                        for event in parse_sse(response.iter_lines()):
                            if event.event == "error":
                                detail = str(event.data.get("detail") or "")
                                raise ApiError(vietnamese_part(detail) if detail else _STATUS_MESSAGES[500],
                                               code=event.data.get("code"))
                            if event.event == "final":
                                got_final = True
                            yield event
                        if not got_final:
                            raise ApiError("Câu trả lời bị gián đoạn. Vui lòng hỏi lại.", code="stream_incomplete")
        except httpx.HTTPError as exc:
            raise _network_error(exc, self.base_url) from None
        if fallback:
            result = self.ask(question, conversation_id, filters)
            yield StreamEvent("meta", {"answer_id": result.get("answer_id"),
                                       "conversation_id": result.get("conversation_id")})
            yield StreamEvent("token", {"text": result.get("answer", "")})
            yield StreamEvent("final", result)

    def search(self, query: str, top_k: int = 5, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"query": query, "top_k": top_k}
        if filters:
            body["filters"] = filters
        data = self._request("POST", "/v1/search", json=body, timeout=ASK_TIMEOUT)
        return list(data.get("hits") or []) if isinstance(data, dict) else []

    # -- conversations ---------------------------------------------------------------------------------
    def conversations(self) -> list[dict[str, Any]]:
        data = self._request("GET", "/v1/conversations")
        if isinstance(data, list):
            return data
        return list(data.get("conversations") or data.get("items") or [])

    def conversation(self, conversation_id: str) -> dict[str, Any]:
        return self._request("GET", f"/v1/conversations/{conversation_id}")

    def delete_conversation(self, conversation_id: str) -> bool:
        self._request("DELETE", f"/v1/conversations/{conversation_id}")
        return True

    def feedback(self, answer_id: str, rating: str, comment: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {"answer_id": answer_id, "rating": rating}
        if comment:
            body["comment"] = comment
        return self._request("POST", "/v1/feedback", json=body)

    # -- documents -------------------------------------------------------------------------------------
    def document_chunks(self, doc_id: str) -> list[dict[str, Any]]:
        data = self._request("GET", f"/v1/documents/{doc_id}/chunks")
        if isinstance(data, list):
            return data
        return list(data.get("chunks") or data.get("items") or [])

    def document_relations(self, doc_id: str) -> dict[str, Any]:
        """Relations, computed validity and short history of a legal document (404: none the user may see)."""
        return self._request("GET", f"/v1/documents/{doc_id}/relations")

    def documents(self) -> dict[str, Any]:
        data = self._request("GET", "/v1/documents")
        if isinstance(data, list):
            return {"documents": data, "jobs": []}
        return data

    def upload_document(self, filename: str, content: bytes, mime: str | None = None,
                        override_reason: str | None = None, access: str | None = None) -> dict[str, Any]:
        """``POST /v1/documents``; with ``override_reason``, the re-submission of a held file (issue 28)."""
        files = {"file": (filename, content, mime or "application/octet-stream")}
        form = {k: v for k, v in (("override_reason", override_reason), ("access", access)) if v}
        return self._request("POST", "/v1/documents", files=files, data=form or None, timeout=ASK_TIMEOUT)

    def held_documents(self, status: str = "held") -> list[dict[str, Any]]:
        """``GET /v1/admin/held-documents``: files held for review (``overridden``: those released)."""
        return self._request("GET", "/v1/admin/held-documents", params={"status": status}).get("items", [])

    def job(self, job_id: str) -> dict[str, Any]:
        return self._request("GET", f"/v1/documents/jobs/{job_id}")

    def delete_document(self, doc_id: str) -> bool:
        self._request("DELETE", f"/v1/documents/{doc_id}")
        return True

    def set_document_access(self, doc_id: str, access: dict[str, Any] | str) -> dict[str, Any]:
        """``PUT /v1/documents/access/{doc_id}`` (administrators): returns ``{doc_id, before, after, chunks, …}``.
        The id is quoted (``/`` and ``:`` kept, as the route reads a path), so a ``#`` or ``?`` in it stays in it."""
        return self._request("PUT", f"/v1/documents/access/{quote(doc_id, safe='/:')}", json={"access": access})

    def tasks(self, **params: Any) -> dict[str, Any]:
        """GET /v1/tasks (``unit="me"``: the signed-in official's unit)."""
        return self._request("GET", "/v1/tasks", params={k: v for k, v in params.items() if v not in (None, "")})

    # -- drafting ----------------------------------------------------------------------------------------
    def units(self) -> list[str]:
        """GET /v1/units: the province's units, for "Kính gửi" and "Nơi nhận"."""
        data = self._request("GET", "/v1/units")
        return list(data.get("units") or []) if isinstance(data, dict) else []

    def create_draft(self, body: dict[str, Any]) -> dict[str, Any]:
        """POST /v1/drafts: ``{id, draft, docx_url, findings}``."""
        return self._request("POST", "/v1/drafts", json=body, timeout=ASK_TIMEOUT)

    def draft_docx(self, docx_url: str) -> bytes:
        try:
            with self._client(ASK_TIMEOUT) as client:
                response = client.get(docx_url)
        except httpx.HTTPError as exc:
            raise _network_error(exc, self.base_url) from None
        if response.status_code >= 400:
            raise _error_from_response(response)
        return response.content

    def format_check(self, filename: str, content: bytes) -> dict[str, Any]:
        """POST /v1/format-check (multipart): ``{file, source, findings, notes, errors, warnings}``."""
        files = {"file": (filename, content, "application/octet-stream")}
        return self._request("POST", "/v1/format-check", files=files, timeout=ASK_TIMEOUT)

    # -- incoming documents ------------------------------------------------------------------------------
    def incoming(self, filename: str, content: bytes, ngay_den: str = "", share: bool = False) -> dict[str, Any]:
        """POST /v1/incoming (multipart): ``{id, status, card, text}`` at once, or ``{id, status: queued, url}``
        for a scan read as a job."""
        files = {"file": (filename, content, "application/octet-stream")}
        data = {"chia_se_don_vi": "true" if share else "false", **({"ngay_den": ngay_den} if ngay_den else {})}
        return self._request("POST", "/v1/incoming", files=files, data=data, timeout=ASK_TIMEOUT)

    def incoming_card(self, card_id: str) -> dict[str, Any]:
        """GET /v1/incoming/{id}: the card, or its job's state while a scan is read."""
        return self._request("GET", f"/v1/incoming/{card_id}")

    def users(self) -> dict[str, Any]:
        """GET /v1/users (administrators): the users file's and the directory's people, with their source."""
        return self._request("GET", "/v1/users")

    def audit(self, limit: int = 200, **params: Any) -> list[dict[str, Any]]:
        query = {"limit": limit, **{k: v for k, v in params.items() if v not in (None, "")}}
        data = self._request("GET", "/v1/audit", params=query)
        if isinstance(data, list):
            return data
        return list(data.get("events") or data.get("items") or data.get("rows") or [])
