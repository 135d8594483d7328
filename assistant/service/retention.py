"""Retention of the service's records (Nghị định 13/2023/NĐ-CP on personal data): conversations, feedback
and audit rows are kept a configurable number of days, then purged; one person's records can be erased on
request (conversations and feedback removed, audit rows pseudonymised), and the erasure is itself audited."""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from assistant.service.db import AuditEvent, Conversation, Feedback, LoginFailure, Message, Sessions, utcnow
from core.settings import Settings

log = logging.getLogger("assistant.service.retention")
DAY_S = 86_400.0


@dataclass(frozen=True)
class RetentionPolicy:
    """Days each kind of record is kept; 0 keeps it forever."""

    conversations_days: int
    feedback_days: int
    audit_days: int

    def __post_init__(self) -> None:
        for name in ("conversations_days", "feedback_days", "audit_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"retention {name} must be 0 (forever) or more days, got {getattr(self, name)}")

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(settings.retention_conversations_days, settings.retention_feedback_days,
                   settings.retention_audit_days)


def purge_expired(sessions: Sessions, policy: RetentionPolicy, now: datetime | None = None) -> dict[str, int]:
    """Delete what is older than the policy allows; the number of rows removed per kind."""
    now = now or utcnow()
    removed = {"conversations": 0, "feedback": 0, "audit": 0, "login_failures": 0}
    with sessions.begin() as s:
        if policy.conversations_days:
            cutoff = now - timedelta(days=policy.conversations_days)
            old = select(Conversation.id).where(Conversation.updated_at < cutoff)
            s.execute(delete(Message).where(Message.conversation_id.in_(old)))
            removed["conversations"] = s.execute(delete(Conversation).where(Conversation.updated_at < cutoff)).rowcount
        if policy.feedback_days:
            cutoff = now - timedelta(days=policy.feedback_days)
            removed["feedback"] = s.execute(delete(Feedback).where(Feedback.created_at < cutoff)).rowcount
        if policy.audit_days:
            cutoff = now - timedelta(days=policy.audit_days)
            removed["audit"] = s.execute(delete(AuditEvent).where(AuditEvent.at < cutoff)).rowcount
        stale = now - timedelta(days=1)  # the login throttle forgets failures after a day anyway
        removed["login_failures"] = s.execute(delete(LoginFailure).where(LoginFailure.last_at < stale)).rowcount
    return removed


def erase_person(sessions: Sessions, user_id: str, actor: str) -> dict[str, object]:
    """Remove ``user_id``'s conversations and feedback and pseudonymise their audit rows (user id replaced
    by a random pseudonym, question text cleared); write an ``erase`` audit row naming ``actor``."""
    pseudonym = f"erased:{secrets.token_hex(8)}"
    with sessions.begin() as s:
        own = select(Conversation.id).where(Conversation.user_id == user_id)
        s.execute(delete(Message).where(Message.conversation_id.in_(own)))
        conversations = s.execute(delete(Conversation).where(Conversation.user_id == user_id)).rowcount
        feedback = s.execute(delete(Feedback).where(Feedback.user_id == user_id)).rowcount
        audit = s.execute(update(AuditEvent).where(AuditEvent.user_id == user_id)
                          .values(user_id=pseudonym, question="", unit="")).rowcount
        s.add(AuditEvent(user_id=actor[:128], action="erase", question=f"đã xoá dữ liệu của {pseudonym}",
                         outcome="ok"))
    return {"pseudonym": pseudonym, "conversations": conversations, "feedback": feedback, "audit": audit}


class RetentionJob:
    """Purges at start and then every ``interval_s`` in a daemon thread, until ``stop``."""

    def __init__(self, sessions: Sessions, policy: RetentionPolicy, interval_s: float = DAY_S) -> None:
        self.sessions = sessions
        self.policy = policy
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                removed = purge_expired(self.sessions, self.policy)
                if any(removed.values()):
                    log.info("retention purge removed %s", removed)
            except Exception as exc:  # a failed purge must not stop the service; it is tried again tomorrow
                log.error("retention purge failed: %s", type(exc).__name__)
            self._stop.wait(self.interval_s)
