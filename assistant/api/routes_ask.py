"""Ask (JSON and Server-Sent Events) and search, always as the authenticated principal."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from itertools import chain

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from assistant.answer.types import AnswerResult
from assistant.api.audit import audited, fill_audit, outcome_of
from assistant.api.auth import Caller
from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import INTERNAL_MESSAGE, error_body, from_assistant_error
from assistant.api.masking import mask_pii
from assistant.api.presenters import SSE_DOC, SSE_HEADERS, answer_dict, hit_dict, sse
from assistant.api.schemas import AskIn, AskOut, SearchIn, SearchOut, filters_of
from assistant.api.state import ApiState
from core.errors import AssistantError

log = logging.getLogger("assistant.api")
router = APIRouter(prefix="/v1", tags=["hỏi đáp / ask"])


@router.post("/ask", response_model=AskOut)
def ask(body: AskIn, caller: CurrentPrincipal, state: State) -> dict:
    """Answer from the documents the caller may see, with checked citations; refuses without evidence."""
    with audited(state.runtime.sessions, caller.principal, caller.via, "ask", body.question) as draft:
        result = state.answerer.ask(body.question, caller.principal, body.conversation_id,
                                    filters_of(body.filters), caller.channel)
        fill_audit(draft, result)
    note_dense_backlog(result, state)
    state.metrics.answers.labels(draft.outcome).inc()
    return answer_dict(result)


DENSE_PENDING = ("Lưu ý: hệ thống đang bổ sung vector ngữ nghĩa ({pending} đoạn chưa xong); câu trả lời này dựa "
                 "chủ yếu vào tìm kiếm từ khoá và có thể khác khi việc bổ sung hoàn tất.")


def note_dense_backlog(result: AnswerResult, state: ApiState) -> None:
    """Say so on an answer made before all dense vectors were in (a first start fills them in the background)."""
    pending = state.backfill.pending()
    if pending:
        result.warnings.append(DENSE_PENDING.format(pending=f"{pending:,}".replace(",", ".")))


def stream_error(exc: Exception) -> str:
    if isinstance(exc, AssistantError):
        err = from_assistant_error(exc)
        return sse("error", error_body(err.status, err.detail, err.code))
    log.error("stream failed: %s: %s", type(exc).__name__, mask_pii(str(exc))[:300])
    return sse("error", error_body(500, INTERNAL_MESSAGE, "internal_error"))


def answer_events(state: ApiState, caller: Caller, body: AskIn) -> Iterator[str]:
    """SSE frames: meta, token*, (reset), final. The first ``next()`` runs preparation, so that bad input
    or a foreign conversation id still fails as a JSON error before the stream starts."""
    with audited(state.runtime.sessions, caller.principal, caller.via, "ask", body.question) as draft:
        events = state.answerer.ask_stream(body.question, caller.principal, body.conversation_id,
                                           filters_of(body.filters), caller.channel)
        first = next(events)
        yield sse("meta", {k: v for k, v in first.items() if k != "event"})
        try:
            for event in events:
                if event["event"] == "final":
                    fill_audit(draft, event["result"])
                    state.metrics.answers.labels(draft.outcome).inc()
                    note_dense_backlog(event["result"], state)
                    yield sse("final", answer_dict(event["result"]))
                else:
                    yield sse(event["event"], {k: v for k, v in event.items() if k != "event"})
        except Exception as exc:
            draft.outcome = outcome_of(exc)
            yield stream_error(exc)


@router.post("/ask/stream", response_class=StreamingResponse, responses=SSE_DOC)
def ask_stream(body: AskIn, caller: CurrentPrincipal, state: State) -> StreamingResponse:
    """The same answer as Server-Sent Events: ``meta``, ``token`` (whole sentences, once they passed the
    citation check), ``final`` (checked)."""
    frames = answer_events(state, caller, body)
    first = next(frames)
    return StreamingResponse(chain([first], frames), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post("/search", response_model=SearchOut)
def search(body: SearchIn, caller: CurrentPrincipal, state: State) -> dict:
    """Hybrid / dense / sparse search; only chunks the caller may see are returned."""
    with audited(state.runtime.sessions, caller.principal, caller.via, "search", body.query) as draft:
        hits = state.retriever.search(body.query, caller.principal, filters=filters_of(body.filters),
                                      top_k=body.top_k, mode=body.mode)
        draft.retrieved = [h.chunk_id for h in hits]
    return {"hits": [hit_dict(h) for h in hits]}
