"""OpenAI-compatible chat completions, so existing chat clients can use the assistant.

The last user message is the question. With ``conversation_id`` (an extra field), or a ``user`` value that
names one of the caller's conversations, the stored conversation continues; otherwise the earlier turns
of ``messages`` condense the question and nothing is remembered. The reply is the citation-checked
answer with its sources appended as text ("Nguồn: [1] ..."), plus a top-level ``citations`` field.
Streaming sends the checked answer (never unchecked model text) as ``chat.completion.chunk`` events.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from assistant.answer.condense import condense_by_rule
from assistant.answer.types import AnswerResult
from assistant.api.audit import audited, fill_audit
from assistant.api.auth import Caller
from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.presenters import SSE_HEADERS, answer_dict, sources_footer, sse
from assistant.api.routes_ask import note_dense_backlog
from assistant.api.schemas import ChatCompletionIn, filters_of
from assistant.api.state import ApiState
from assistant.service.conversations import ConversationNotFound, ConversationStore, Turn

router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])
MODEL_ID = "tro-ly-ao"
_CHUNK_CHARS = 48


def _question_and_history(body: ChatCompletionIn) -> tuple[str, list[Turn]]:
    users = [i for i, m in enumerate(body.messages) if m.role == "user" and m.text().strip()]
    if not users:
        raise ApiError(400, "Cần ít nhất một tin nhắn của người dùng / at least one user message is required",
                       "no_user_message")
    last = users[-1]
    history = [Turn("user" if m.role == "user" else "assistant", m.text()) for m in body.messages[:last]
               if m.role in ("user", "assistant")]
    return body.messages[last].text(), history


def _conversation(state: ApiState, caller: Caller, body: ChatCompletionIn) -> str | None:
    if body.conversation_id:
        return body.conversation_id  # the answerer answers 404 when it is not the caller's
    if body.user:
        try:
            ConversationStore(state.runtime.sessions).history(caller.principal.user_id, body.user, limit=1)
            return body.user
        except ConversationNotFound:
            return None  # an ordinary OpenAI ``user`` tag, not a conversation id
    return None


def _answer(state: ApiState, caller: Caller, body: ChatCompletionIn) -> AnswerResult:
    question, history = _question_and_history(body)
    conversation_id = _conversation(state, caller, body)
    with audited(state.runtime.sessions, caller.principal, caller.via, "ask", question) as draft:
        if conversation_id:
            result = state.answerer.ask(question, caller.principal, conversation_id, filters_of(body.filters),
                                        caller.channel)
        else:
            standalone = condense_by_rule(question, history)
            result = state.stateless_answerer.ask(standalone, caller.principal, None, filters_of(body.filters))
        fill_audit(draft, result)
    state.metrics.answers.labels(draft.outcome).inc()
    note_dense_backlog(result, state)  # an answer made before all vectors were in says so, here too
    return result


def message_text(result: AnswerResult) -> str:
    """What a chat client shows: the answer, the notes it does not carry yet ("Lưu ý: …", e.g. vectors still
    being filled in), then the sources (a chat client shows nothing but the message)."""
    notes = [w for w in result.warnings if w.startswith("Lưu ý:") and w not in result.answer]
    return result.answer + "".join(f"\n\n{n}" for n in notes) + sources_footer(result)


def _usage(question_chars: int, answer: str) -> dict[str, int]:
    prompt, completion = max(1, question_chars // 3), max(1, len(answer) // 3)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion(result: AnswerResult, model: str, question_chars: int) -> dict[str, Any]:
    content = message_text(result)
    extra = answer_dict(result)
    return {"id": f"chatcmpl-{result.answer_id}", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                         "finish_reason": "stop", "logprobs": None}],
            "usage": _usage(question_chars, content), "citations": extra["citations"], "refused": result.refused,
            "answer_id": result.answer_id, "conversation_id": result.conversation_id, "sources": extra["sources"]}


def completion_chunks(result: AnswerResult, model: str) -> Iterator[str]:
    base = {"id": f"chatcmpl-{result.answer_id}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model}
    content = message_text(result)
    yield sse(None, {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                          "finish_reason": None}]})
    for start in range(0, len(content), _CHUNK_CHARS):
        piece = content[start : start + _CHUNK_CHARS]
        yield sse(None, {**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
    yield sse(None, {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                     "citations": answer_dict(result)["citations"], "answer_id": result.answer_id,
                     "conversation_id": result.conversation_id, "refused": result.refused})
    yield sse(None, "[DONE]")


@router.post("/chat/completions", response_model=None,
             responses={200: {"content": {"application/json": {}, "text/event-stream": {}}}})
def chat_completions(body: ChatCompletionIn, caller: CurrentPrincipal, state: State) -> Any:
    """OpenAI ``chat.completion`` (or ``chat.completion.chunk`` stream ending with ``data: [DONE]``)."""
    result = _answer(state, caller, body)
    if body.stream:
        return StreamingResponse(completion_chunks(result, body.model), media_type="text/event-stream",
                                 headers=SSE_HEADERS)
    return completion(result, body.model, sum(len(m.text()) for m in body.messages))


@router.get("/models")
def models(caller: CurrentPrincipal) -> dict[str, Any]:
    """The one model id this service answers as (chat clients list models before chatting)."""
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "tro-ly-ao"}]}
