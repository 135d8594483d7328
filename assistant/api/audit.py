"""The audit trail: one SQL row per ask / search / upload / delete / login, personal data masked.

``audited(...)`` wraps a handler body: it times the action, takes the ids the handler sets, and writes
the row whatever happens, with the outcome named after the error when one is raised.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import insert, select

from assistant.answer.types import AnswerResult
from assistant.api.masking import mask_pii
from assistant.service.db import AuditEvent, Sessions, utcnow
from assistant.service.pii import mask_and_cut
from core.access import Principal
from core.deadlines import moment

log = logging.getLogger("assistant.api.audit")

CSV_FIELDS = ("id", "at", "user_id", "unit", "via", "action", "question", "retrieved_ids", "cited_ids",
              "answer_id", "latency_ms", "outcome")


@dataclass
class AuditDraft:
    """What a handler fills in while it works; written by ``audited`` at the end."""

    question: str = ""
    retrieved: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    answer_id: str | None = None
    outcome: str = "ok"


def fill_audit(draft: AuditDraft, result: AnswerResult) -> None:
    """Retrieved = every source the answerer saw (all retrieved under the principal); cited = checked ones."""
    draft.retrieved = [s.chunk_id for s in result.sources]
    draft.cited = [c.chunk_id for c in result.citations]
    draft.answer_id = result.answer_id
    draft.outcome = "refused" if result.refused else "answered"


def record(sessions: Sessions, principal: Principal, via: str, action: str, draft: AuditDraft,
           latency_ms: float) -> None:
    """One audit row: masked before the transaction (the regexes hold no write lock), one INSERT in it."""
    row = {"at": utcnow(), "user_id": principal.user_id, "unit": principal.unit, "via": via, "action": action,
           "question": mask_and_cut(draft.question, 4000), "retrieved_ids": list(draft.retrieved),
           "cited_ids": list(draft.cited), "answer_id": draft.answer_id, "latency_ms": round(latency_ms, 2),
           "outcome": draft.outcome[:64]}
    with sessions.begin() as s:
        s.execute(insert(AuditEvent), [row])


def outcome_of(exc: BaseException) -> str:
    if isinstance(exc, GeneratorExit):
        return "aborted"  # the client went away during a stream
    code = getattr(exc, "code", None)
    if isinstance(code, str) and code:
        return code
    from assistant.api.errors import from_assistant_error
    from core.errors import AssistantError

    if isinstance(exc, AssistantError):
        return from_assistant_error(exc).code
    return "error"


@contextmanager
def audited(sessions: Sessions, principal: Principal, via: str, action: str,
            question: str = "") -> Iterator[AuditDraft]:
    draft = AuditDraft(question=question)
    started = time.perf_counter()
    try:
        yield draft
    except BaseException as exc:
        draft.outcome = outcome_of(exc)
        raise
    finally:
        try:
            record(sessions, principal, via, action, draft, (time.perf_counter() - started) * 1000)
        except Exception as exc:  # the action's own error (if any) matters more than the audit write's
            log.error("audit write failed for %s by %s: %s", action, principal.user_id, type(exc).__name__)


def export_csv(sessions: Sessions, since: datetime, out: TextIO) -> int:
    """Write every row at or after ``since`` as CSV (ids as JSON lists); returns the number of rows."""
    since = since.astimezone(UTC) if since.tzinfo else since.replace(tzinfo=UTC)  # rows are written in UTC
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    n = 0
    with sessions() as s:
        for row in s.scalars(select(AuditEvent).where(AuditEvent.at >= since).order_by(AuditEvent.id)):
            writer.writerow([row.id, moment(row.at), row.user_id, row.unit, row.via, row.action,
                             mask_pii(row.question), json.dumps(row.retrieved_ids or []),
                             json.dumps(row.cited_ids or []), row.answer_id or "", row.latency_ms, row.outcome])
            n += 1
    return n
