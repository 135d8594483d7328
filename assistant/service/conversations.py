"""Conversation history per user, in SQL, so any API replica can continue any conversation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, insert, select, update

from assistant.service.db import Conversation, Message, Sessions, utcnow
from assistant.service.pii import mask_and_cut
from core.errors import AssistantError

MAX_MESSAGE_CHARS = 50_000


class Channel(StrEnum):
    """How a question came in, decided once at the entry (the API route from how the caller signed in, the
    command line in-process) and carried with the question to the stored conversation."""

    UI = "ui"  # a person signed in with their own password (the web page)
    API = "api"  # a system's API key, on an official's behalf or as itself
    CLI = "cli"  # the command line of the service's machine (its local key, or in-process)


# What an official's history says for each channel (a conversation stored before channels were kept: nothing).
CHANNEL_LABELS: dict[str, str] = {Channel.UI: "Giao diện", Channel.API: "Qua API", Channel.CLI: "Qua dòng lệnh"}


def channel_label(channel: str | None) -> str:
    """The history's words for ``channel``; "" when it was never recorded (not a guess)."""
    return CHANNEL_LABELS.get(channel or "", "")


class ConversationNotFound(AssistantError):
    """Unknown id, or a conversation of another user (the two are indistinguishable on purpose)."""


@dataclass
class Turn:
    role: str
    content: str
    answer_id: str | None = None
    data: dict[str, Any] | None = None


class ConversationStore:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def ensure(self, user_id: str, conversation_id: str | None, title: str = "",
               channel: Channel | None = None) -> str:
        """Return an id of a conversation owned by ``user_id``; a new one (of ``channel``) when none is given."""
        with self._sessions.begin() as s:
            if conversation_id:
                conv = s.get(Conversation, conversation_id)
                if conv is None or conv.user_id != user_id:
                    raise ConversationNotFound(f"không tìm thấy hội thoại {conversation_id!r}")
                return conv.id
            conv = Conversation(id=str(uuid.uuid4()), user_id=user_id, title=mask_and_cut(title, 300),
                                channel=_channel_value(channel))
            s.add(conv)
            return conv.id

    def reserve(self, user_id: str, conversation_id: str | None) -> tuple[str, bool]:
        """(id, is_new): ``conversation_id`` checked as the user's own, or a fresh id stored nothing yet,
        so an answer that never finishes (a replica killed mid-stream) leaves no empty conversation behind."""
        if not conversation_id:
            return str(uuid.uuid4()), True
        with self._sessions() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None or conv.user_id != user_id:
                raise ConversationNotFound(f"không tìm thấy hội thoại {conversation_id!r}")
            return conv.id, False

    def append_exchange(self, user_id: str, conversation_id: str, turns: list[Turn], *, new: bool,
                        title: str = "", channel: Channel | None = None) -> None:
        """A question and its answer in one transaction (with the conversation itself, of ``channel``, when
        ``new``): both turns or neither, so history never holds a question without its answer. A conversation
        deleted while its answer was being written stays deleted. A conversation keeps the channel it began
        through; a later question through another channel is marked in its own turn (``data["channel"]``)."""
        # Masked before the transaction (the regexes hold no lock), then three short statements in one
        # transaction on the core tables: the owner read, the conversation (inserted when new, else its time
        # moved on), the turns in one executemany. No ORM objects: they cost more than the SQL itself.
        rows = [self._row(conversation_id, turn) for turn in turns]
        new_title, new_channel = mask_and_cut(title, 300), _channel_value(channel)
        with self._sessions.begin() as s:
            owner = s.execute(select(Conversation.user_id).where(Conversation.id == conversation_id)).scalar()
            now = utcnow()
            if owner is None:
                if not new:
                    return
                s.execute(insert(Conversation).values(id=conversation_id, user_id=user_id, title=new_title,
                                                      channel=new_channel, created_at=now, updated_at=now))
            elif owner != user_id:
                raise ConversationNotFound(f"không tìm thấy hội thoại {conversation_id!r}")
            else:
                s.execute(update(Conversation).where(Conversation.id == conversation_id).values(updated_at=now))
            s.execute(insert(Message), rows)

    @staticmethod
    def _row(conversation_id: str, turn: Turn) -> dict[str, Any]:
        """A turn as a row's values, personal data masked (before the transaction: the regexes hold no lock)."""
        content = mask_and_cut(turn.content, MAX_MESSAGE_CHARS)
        data = dict(turn.data) if turn.data else turn.data
        if data and isinstance(data.get("standalone"), str):
            data["standalone"] = mask_and_cut(data["standalone"], MAX_MESSAGE_CHARS)
        return {"conversation_id": conversation_id, "role": turn.role, "content": content,
                "answer_id": turn.answer_id, "data": data, "created_at": utcnow()}

    @classmethod
    def _message(cls, conversation_id: str, turn: Turn) -> Message:
        """A turn as an ORM row (``_row``)."""
        return Message(**cls._row(conversation_id, turn))

    def history(self, user_id: str, conversation_id: str, limit: int = 20) -> list[Turn]:
        with self._sessions() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None or conv.user_id != user_id:
                raise ConversationNotFound(f"không tìm thấy hội thoại {conversation_id!r}")
            rows = s.scalars(
                select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id.desc())
                .limit(limit)
            ).all()
            return [Turn(m.role, m.content, m.answer_id, m.data) for m in reversed(rows)]

    def append(self, conversation_id: str, turn: Turn) -> None:
        """Store one turn with personal data masked."""
        row = self._message(conversation_id, turn)
        with self._sessions.begin() as s:
            s.add(row)
            conv = s.get(Conversation, conversation_id)
            if conv is not None:
                conv.updated_at = utcnow()

    def list(self, user_id: str) -> list[dict[str, Any]]:
        with self._sessions() as s:
            rows = s.scalars(
                select(Conversation).where(Conversation.user_id == user_id).order_by(Conversation.updated_at.desc())
            ).all()
            return [{"id": c.id, "title": c.title, "channel": c.channel, "created_at": c.created_at.isoformat(),
                     "updated_at": c.updated_at.isoformat()} for c in rows]

    def delete(self, user_id: str, conversation_id: str) -> None:
        with self._sessions.begin() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None or conv.user_id != user_id:
                raise ConversationNotFound(f"không tìm thấy hội thoại {conversation_id!r}")
            s.execute(delete(Message).where(Message.conversation_id == conversation_id))
            s.delete(conv)


def _channel_value(channel: Channel | None) -> str | None:
    """The stored value; an unknown name is refused here rather than stored as a label nobody reads."""
    return None if channel is None else Channel(channel).value
