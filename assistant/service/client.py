"""The command line as a client of the service that owns the index (see ``assistant.service.index_owner``).

Each call returns the same data the command would compute itself (the API's answer, hits and index report
have the shapes of ``AnswerResult.as_dict``, the search rows and ``IndexReport.as_dict``), so a command prints
the same output either way. Acting for ``--user X`` goes through the key's on-behalf right, which never makes
X an administrator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from assistant.service.index_owner import ServiceEndpoint
from core.errors import AssistantError


class ServiceError(AssistantError):
    """The service refused or failed a request; the message is the service's own (already safe to show)."""


class ServiceClient:
    def __init__(self, endpoint: ServiceEndpoint, *, timeout_s: float | None = 600.0) -> None:
        self.endpoint = endpoint
        self._http = httpx.Client(base_url=endpoint.url, timeout=timeout_s,
                                  headers={"X-API-Key": endpoint.key})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, path: str, body: dict[str, Any] | None, user: str | None = None,
              timeout_s: float | None = 600.0, method: str = "POST") -> Any:
        headers = {"X-On-Behalf-Of": user} if user else {}
        try:
            response = self._http.request(method, path, json=body, headers=headers, timeout=timeout_s)
        except httpx.HTTPError as exc:
            raise ServiceError(f"không gọi được dịch vụ tại {self.endpoint.url} ({type(exc).__name__})") from None
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            raise ServiceError(f"dịch vụ trả lời {response.status_code}: {detail}")
        return response.json()

    def ask(self, question: str, user: str, conversation_id: str | None, in_force_only: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"question": question, "filters": {"in_force_only": in_force_only}}
        if conversation_id:
            body["conversation_id"] = conversation_id
        return self._post("/v1/ask", body, user)

    def search(self, query: str, user: str, top_k: int, mode: str) -> list[dict[str, Any]]:
        return self._post("/v1/search", {"query": query, "top_k": top_k, "mode": mode}, user)["hits"]

    def tasks(self, params: dict[str, str], user: str | None) -> dict[str, Any]:
        """GET /v1/tasks as ``user`` (the same answer as the API gives the DMS); ``user`` None: the tasks as
        the operator of this machine reads them without a service."""
        try:
            response = self._http.get("/v1/tasks", params=params, headers={"X-On-Behalf-Of": user}) if user \
                else self._http.get("/v1/local/tasks", params=params)
        except httpx.HTTPError as exc:
            raise ServiceError(f"không gọi được dịch vụ tại {self.endpoint.url} ({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise ServiceError(f"dịch vụ trả lời {response.status_code}: {response.json().get('detail', '')}")
        return response.json()

    def index(self, paths: Sequence[str], kind: str, prune: bool, reindex: bool = False,
              access: dict[str, Any] | str | None = None, override_reason: str | None = None) -> dict[str, Any]:
        body = {"paths": list(paths), "kind": kind, "prune": prune, "reindex": reindex, "access": access,
                "override_reason": override_reason}
        return self._post("/v1/local/index", body, timeout_s=None)

    def set_access(self, doc_id: str, access: dict[str, Any] | str) -> dict[str, Any]:
        """Relabel a document in the owning service (the operator of this machine, like ``index``)."""
        from urllib.parse import quote

        return self._post(f"/v1/local/documents/access/{quote(doc_id, safe='')}", {"access": access}, method="PUT")

    def documents(self, user: str | None) -> list[dict[str, Any]]:
        """Every document (``user`` None: the operator's view, as without a service) or what ``user`` may see."""
        path = "/v1/documents" if user else "/v1/local/documents"
        return self._post(path, None, user, method="GET")["documents"]
