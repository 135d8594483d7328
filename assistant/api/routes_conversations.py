"""A person's own conversations (another user's id answers 404, exactly like an unknown id) and feedback."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select

from assistant.api.deps import CurrentPrincipal, State
from assistant.api.errors import ApiError
from assistant.api.masking import mask_pii
from assistant.api.presenters import iso
from assistant.api.schemas import ConversationDetailOut, ConversationsOut, FeedbackIn, FeedbackOut, Id
from assistant.service.conversations import ConversationNotFound, ConversationStore, Turn, channel_label
from assistant.service.db import AuditEvent, Conversation, Feedback, Message
from assistant.service.history_access import withhold_unseeable

router = APIRouter(prefix="/v1", tags=["hội thoại / conversations"])


@router.get("/conversations", response_model=ConversationsOut)
def list_conversations(caller: CurrentPrincipal, state: State) -> dict:
    """The caller's conversations, most recent first."""
    with state.runtime.sessions() as s:
        rows = s.scalars(select(Conversation).where(Conversation.user_id == caller.principal.user_id)
                         .order_by(Conversation.updated_at.desc()).limit(500)).all()
        return {"conversations": [_conversation_dict(c) for c in rows]}


def _conversation_dict(conv: Conversation) -> dict:
    return {"id": conv.id, "title": conv.title, "channel": conv.channel, "channel_label": channel_label(conv.channel),
            "created_at": iso(conv.created_at), "updated_at": iso(conv.updated_at)}


@router.get("/conversations/{conversation_id}", response_model=ConversationDetailOut)
def get_conversation(conversation_id: Id, caller: CurrentPrincipal, state: State) -> dict:
    """One conversation with its messages (answers keep their citations in ``data``)."""
    with state.runtime.sessions() as s:
        conv = s.get(Conversation, conversation_id)
        if conv is None or conv.user_id != caller.principal.user_id:
            raise ConversationNotFound(conversation_id)
        rows = s.scalars(select(Message).where(Message.conversation_id == conv.id).order_by(Message.id)).all()
        conversation = _conversation_dict(conv)
    # Answers are re-checked against the caller's access today (assistant.service.history_access).
    turns = withhold_unseeable([Turn(m.role, m.content, m.answer_id, m.data) for m in rows],
                               lambda ids: state.answerer.cited_visible(ids, caller.principal))
    messages = [{"role": t.role, "content": t.content, "answer_id": t.answer_id, "data": t.data,
                 "created_at": iso(m.created_at)} for t, m in zip(turns, rows, strict=True)]
    return {**conversation, "messages": messages}


@router.delete("/conversations/{conversation_id}", status_code=204)
def delete_conversation(conversation_id: Id, caller: CurrentPrincipal, state: State) -> Response:
    ConversationStore(state.runtime.sessions).delete(caller.principal.user_id, conversation_id)
    return Response(status_code=204)


@router.post("/feedback", response_model=FeedbackOut, status_code=201)
def feedback(body: FeedbackIn, caller: CurrentPrincipal, state: State) -> dict:
    """Thumbs up/down on one of the caller's own answers (known from the audit trail or a conversation)."""
    user_id = caller.principal.user_id
    with state.runtime.sessions.begin() as s:
        own_answer = s.scalars(select(AuditEvent.id).where(AuditEvent.answer_id == body.answer_id,
                                                           AuditEvent.user_id == user_id).limit(1)).first()
        if own_answer is None:
            own_answer = s.scalars(
                select(Message.id).join(Conversation, Conversation.id == Message.conversation_id)
                .where(Message.answer_id == body.answer_id, Conversation.user_id == user_id).limit(1)
            ).first()
        if own_answer is None:
            raise ApiError(404, "Không tìm thấy câu trả lời / answer not found", "answer_not_found")
        row = Feedback(answer_id=body.answer_id, user_id=user_id, rating=body.rating,
                       comment=mask_pii(body.comment))
        s.add(row)
        s.flush()
        return {"id": row.id, "answer_id": row.answer_id, "rating": row.rating}
