"""Answer results and hits → response dicts, and Server-Sent Events framing (written by hand: the format
is two lines per event, not worth a dependency)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from assistant.answer.types import AnswerResult
from assistant.api.schemas import TthcOut
from assistant.tthc import tthc_fields_of
from indexing.store import Hit

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
SSE_DOC = {200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                 "description": "Server-Sent Events"}}


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with offset (SQLite gives back naive datetimes; they were written in UTC)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def sse(event: str | None, data: Any) -> str:
    """One SSE frame; ``data`` is JSON on a single line (json.dumps never emits raw newlines)."""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return (f"event: {event}\n" if event else "") + f"data: {payload}\n\n"


def tthc_dict(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The TTHC facts of a chunk payload in the API's shape (``TthcOut``); None for any other source."""
    fields = tthc_fields_of(payload)
    return TthcOut.model_validate(fields).model_dump() if fields is not None else None


def answer_dict(result: AnswerResult) -> dict[str, Any]:
    """The answer for the API; citations and sources of a TTHC carry its facts under "tthc"."""
    data = result.as_dict()
    keys = ("answer", "citations", "refused", "answer_id", "conversation_id", "standalone_question", "warnings",
            "sources", "backend", "invalid_markers_removed")
    out = {k: data[k] for k in keys}
    tthc = {s.chunk_id: tthc_dict(s.payload) for s in result.sources}
    out["citations"] = [{**c, "tthc": tthc.get(c["chunk_id"])} for c in out["citations"]]
    out["sources"] = [{**s, "tthc": tthc.get(s["chunk_id"])} for s in out["sources"]]
    out["table"] = (result.record or {}).get("table")  # a long task answer's rows (assistant.tasks.answer_table)
    return out


def hit_dict(hit: Hit) -> dict[str, Any]:
    p = hit.payload
    return {"chunk_id": hit.chunk_id, "doc_id": str(p.get("doc_id", "")), "kind": str(p.get("kind", "")),
            "title": str(p.get("title", "")), "so_hieu": str(p.get("so_hieu", "")),
            "citation": str(p.get("citation", "")), "validity": str(p.get("validity", "chua_ro")),
            "access": str(p.get("access_level", "")), "score": round(float(hit.score), 4),
            "text": str(p.get("text", "")), "tthc": tthc_dict(p)}


def sources_footer(result: AnswerResult) -> str:
    """The citations as text under the answer, for chat clients that only show the message."""
    if result.citations:
        return "\n\nNguồn:\n" + "\n".join(f"[{c.marker}] {c.citation}" for c in result.citations)
    if result.refused and result.sources:
        return "\n\nNguồn gần nhất:\n" + "\n".join(f"- {s.citation}" for s in result.sources[:5])
    return ""
