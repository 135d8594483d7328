"""The ways a probe reaches the assistant in ``assistant eval access``, and what each shows the asker.

- the answering library, one question or a question and its follow-up in one conversation (a follow-up must not
  pull a restricted report in through the conversation);
- the OpenAI-compatible HTTP route, through the real FastAPI app, as a DMS key acting for the user (the
  anonymous visitor gets the route's error);
- the documents list and record routes (``GET /v1/documents``, ``GET /v1/documents/{id}``) of the same app, as
  the same key acting for the user: a document the user may not see must be neither listed nor shown;
- ``GET /v1/tasks`` of the same app, as the same key acting for the user (``probe["tasks"]`` holds its query):
  no task of a document the user may not read, nor its text;
- the log records written meanwhile (no restricted text may be logged, for anyone).

Each ask gives one or more :class:`Reply`; an error's message is part of what the asker sees.

One log line is the asker's own words, not the product's: the probe's HTTP client logs every request it sends,
URL included, and a probe's URL holds the id the asker typed (``GET /v1/documents/ext:dms:QLVB-2027-8852``: a
restricted DMS document whose id carries a year found only in restricted text). :class:`AskerRequests` records
the URLs the channels' clients send; in exactly that record (the client library's logger, its request-line
template, a URL a probe client sent) the URL is replaced by a placeholder and the rest of the line is still
scanned. Every other record, a server-side line echoing the same path included, is scanned as written.
"""

from __future__ import annotations

import copy
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.answer.answering import Answerer
from assistant.answer.types import AnswerResult
from assistant.service.runtime import Runtime
from core.access import Principal
from core.errors import AssistantError


@dataclass
class Reply:
    """What one ask showed: a full answer (library), or texts and document ids only (an HTTP route, an error)."""

    result: AnswerResult | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)
    doc_ids: list[tuple[str, str]] = field(default_factory=list)
    refused: bool = False


class Channel(Protocol):
    name: str

    def replies(self, probe: dict[str, Any], principal: Principal) -> list[Reply]: ...


def _answered(result: AnswerResult) -> Reply:
    return Reply(result=result, refused=result.refused)


class LibraryChannel:
    """The answering path in-process; a probe with ``follow_up`` is asked as two turns of one conversation."""

    name = "library"

    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer

    def replies(self, probe: dict[str, Any], principal: Principal) -> list[Reply]:
        out: list[Reply] = []
        try:
            first = self.answerer.ask(probe["text"], principal)
            out.append(_answered(first))
            if probe.get("follow_up"):
                out.append(_answered(self.answerer.ask(probe["follow_up"], principal, first.conversation_id)))
        except AssistantError as exc:
            out.append(Reply(texts=[("error message", str(exc))], refused=True))
        return out


class OpenAIRouteChannel:
    """``POST /v1/chat/completions`` of the real app over the eval store's runtime, with a key acting for users."""

    name = "openai"

    def __init__(self, runtime: Runtime, asked: AskerRequests | None = None) -> None:
        self.client, self.key = probe_app(runtime, asked)

    def close(self) -> None:
        self.client.__exit__(None, None, None)

    def replies(self, probe: dict[str, Any], principal: Principal) -> list[Reply]:
        headers = {"X-API-Key": self.key, "X-On-Behalf-Of": principal.user_id} if principal.user_id != "anonymous" \
            else {}
        messages = [{"role": "user", "content": probe["text"]}]
        if probe.get("follow_up"):
            messages += [{"role": "assistant", "content": "…"}, {"role": "user", "content": probe["follow_up"]}]
        response = self.client.post("/v1/chat/completions", json={"messages": messages}, headers=headers)
        if response.status_code != 200:
            return [Reply(texts=[("error message", response.text)], refused=True)]
        body = response.json()
        content = body["choices"][0]["message"]["content"]
        citations = body.get("citations") or []
        texts = [("openai answer", content)] + [(f"openai quote [{c['marker']}]", c["quote"]) for c in citations]
        doc_ids = [(f"openai citation [{c['marker']}]", c["doc_id"]) for c in citations]
        return [Reply(texts=texts, doc_ids=doc_ids, refused=not citations)]


class DocumentsRouteChannel:
    """``GET /v1/documents`` and ``GET /v1/documents/{target}`` for each of the probe's targets, through the
    OpenAI channel's app and key: every listed or shown document id, and the bodies' text, are what the asker
    sees (a refused target must be the same 404 as a missing one, with nothing of it in the message)."""

    name = "documents"

    def __init__(self, route: OpenAIRouteChannel) -> None:
        self.route = route

    def replies(self, probe: dict[str, Any], principal: Principal) -> list[Reply]:
        headers = {"X-API-Key": self.route.key, "X-On-Behalf-Of": principal.user_id} \
            if principal.user_id != "anonymous" else {}
        out: list[Reply] = []
        listed = self.route.client.get("/v1/documents", headers=headers)
        if listed.status_code != 200:
            out.append(Reply(texts=[("documents list error", listed.text)], refused=True))
        else:
            docs = listed.json()["documents"]
            out.append(Reply(texts=[("documents list", _record_text(d)) for d in docs],
                             doc_ids=[("documents list", d["doc_id"]) for d in docs], refused=not docs))
        for target in probe.get("targets") or ():
            shown = self.route.client.get(f"/v1/documents/{target}", headers=headers)
            if shown.status_code == 200:
                out.append(Reply(texts=[("document record", _record_text(shown.json()))],
                                 doc_ids=[("document record", shown.json()["doc_id"])]))
            else:
                out.append(Reply(texts=[("document record error", shown.text)], refused=True))
        return out


def _record_text(record: dict[str, Any]) -> str:
    """What a person reads in a document record: title, file, each metadata value (not the JSON around them,
    nor the row's own timestamp, whose digits are no document's content)."""
    values: list[str] = [record.get("title") or "", record.get("file") or ""]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            values.append(str(value))

    walk(record.get("metadata") or {})
    return "\n".join(v for v in values if v)


HTTP_LIBRARIES = ("httpx", "httpx2")  # httpx2: the fork Starlette's TestClient uses; same request-line template
HTTPX_REQUEST_LINE = 'HTTP Request: %s %s "%s %d %s"'  # the libraries' own template (httpx/_client.py)
ASKER_URL = "‹URL người hỏi gửi›"


class AskerRequests:
    """The URLs the probe clients sent, as their HTTP library logs them (a request hook runs before the client
    logs the request line), and the loggers those libraries write to: what the asker typed, which the log check
    must not count as the product leaking."""

    def __init__(self) -> None:
        self.urls: set[str] = set()
        self.loggers: set[str] = set()

    def hook(self, request: Any) -> None:
        self.urls.add(str(request.url))

    def watch(self, client: Any) -> Any:
        """Record every URL ``client`` (an ``httpx.Client``, or Starlette's test client, an ``httpx2.Client``:
        each logs its requests to the logger named after its package) sends from now on; returns the client."""
        hooks = client.event_hooks
        client.event_hooks = {**hooks, "request": [*hooks.get("request", []), self.hook]}
        library = next(c.__module__.split(".")[0] for c in type(client).__mro__
                       if c.__name__ == "Client" and c.__module__.split(".")[0] in HTTP_LIBRARIES)
        self.loggers.add(library)
        return client


def probe_app(runtime: Runtime, asked: AskerRequests | None = None) -> tuple[Any, str]:
    """A started test client of the real app over ``runtime``, and a new key that may act for users; with
    ``asked``, the URLs it sends are recorded there (see :class:`LogRecords`)."""
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app
    from assistant.service.credentials import create_api_key

    # The probe app serves whatever users the eval runs on (the demo accounts, usually): demo mode on.
    settings = runtime.settings.model_copy(update={"rate_limit_per_minute": 1_000_000, "demo": True})
    key = create_api_key(runtime.sessions, f"eval-access-{secrets.token_hex(4)}", may_act_for_users=True)
    client = TestClient(create_app(settings, runtime))
    client.__enter__()
    if asked is not None:
        asked.watch(client)
    return client, key


class TasksRouteChannel:
    """``GET /v1/tasks`` with the probe's query (``{"unit": "Sở Y tế"}``, ``{"doc_id": …}``), acting for the user."""

    name = "tasks"

    def __init__(self, runtime: Runtime, asked: AskerRequests | None = None) -> None:
        self._client, self.key = probe_app(runtime, asked)

    def close(self) -> None:
        self._client.__exit__(None, None, None)

    def replies(self, probe: dict[str, Any], principal: Principal) -> list[Reply]:
        headers = {"X-API-Key": self.key, "X-On-Behalf-Of": principal.user_id} if principal.user_id != "anonymous" \
            else {}
        response = self._client.get("/v1/tasks", params=probe.get("tasks") or {}, headers=headers)
        if response.status_code != 200:
            return [Reply(texts=[("error message", response.text)], refused=True)]
        tasks = response.json()["tasks"]
        texts = [(f"task {t['citation']}", " ".join([t["nhiem_vu"], t["san_pham"], t["lead_text"],
                                                     t["support_text"], t["deadline"]["text"]])) for t in tasks]
        return [Reply(texts=texts, doc_ids=[(f"task {t['citation']}", t["doc_id"]) for t in tasks],
                      refused=not tasks)]




class LogRecords(logging.Handler):
    """Every record logged while active, formatted as an operator would read it; in the probe client's own
    request line (and only there) the URL it sent, which is what the asker typed, is replaced by ``ASKER_URL``."""

    def __init__(self, asked: AskerRequests | None = None) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.asked = asked
        self.asker_request_lines = 0

    def _own_request(self, record: logging.LogRecord) -> logging.LogRecord | None:
        """``record`` with its URL replaced, when it is httpx's request line for a URL a probe client sent."""
        args = record.args
        if (self.asked is None or record.name not in self.asked.loggers or record.msg != HTTPX_REQUEST_LINE
                or not isinstance(args, tuple) or len(args) != 5 or str(args[1]) not in self.asked.urls):
            return None
        masked = copy.copy(record)  # other handlers still get the record as it was
        masked.args = (args[0], ASKER_URL, *args[2:])
        return masked

    def emit(self, record: logging.LogRecord) -> None:
        own = self._own_request(record)
        if own is not None:
            self.asker_request_lines += 1
            record = own
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a record that cannot be formatted still counts as seen
            self.lines.append(str(record.msg))


@contextmanager
def captured_logs(asked: AskerRequests | None = None) -> Iterator[LogRecords]:
    """Every record at DEBUG and above reaches the capture; the handlers already there keep what they showed
    before (they are held at WARNING at least meanwhile, so the run's debug records do not flood the console).
    ``asked``: the probe clients' URLs, masked in their own request lines only (see :class:`LogRecords`)."""
    root = logging.getLogger()
    handler = LogRecords(asked)
    previous = root.level
    held = [(h, h.level) for h in root.handlers]
    for existing, level in held:
        existing.setLevel(max(level, logging.WARNING))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        for existing, level in held:
            existing.setLevel(level)
