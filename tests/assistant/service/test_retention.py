"""Retention (issue 12, item 14): expired conversations, feedback and audit rows are purged (by the command
and by the API's daily job); ``assistant users erase`` removes a person's records and pseudonymises their
audit rows, and is itself audited."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assistant.service.credentials import token_version
from assistant.service.db import AuditEvent, Conversation, Feedback, Message, Sessions, open_sessions, utcnow
from assistant.service.retention import RetentionJob, RetentionPolicy, purge_expired

REPO = Path(__file__).resolve().parents[3]


def _seed(sessions: Sessions, user_id: str, age_days: int, tag: str) -> None:
    at = utcnow() - timedelta(days=age_days)
    with sessions.begin() as s:
        s.add(Conversation(id=f"{user_id}-{tag}", user_id=user_id, title="Lịch tiêm chủng", created_at=at,
                           updated_at=at))
        s.flush()
        s.add(Message(conversation_id=f"{user_id}-{tag}", role="user", content="Lịch tiêm chủng quý III?",
                      created_at=at))
        s.add(Feedback(answer_id=f"a-{tag}", user_id=user_id, rating="up", comment="tốt", created_at=at))
        s.add(AuditEvent(at=at, user_id=user_id, unit="Sở Y tế", action="ask", question="Lịch tiêm chủng?"))


def _count(sessions: Sessions, model: type) -> int:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_purge_removes_only_what_is_older_than_its_retention(tmp_path: Path) -> None:
    sessions = open_sessions(f"sqlite:///{tmp_path / 'r.sqlite'}")
    _seed(sessions, "syt.lethicuc", 400, "cu")
    _seed(sessions, "syt.lethicuc", 10, "moi")
    removed = purge_expired(sessions, RetentionPolicy(conversations_days=365, feedback_days=30, audit_days=0))
    assert removed == {"conversations": 1, "feedback": 1, "audit": 0, "login_failures": 0}
    assert _count(sessions, Conversation) == 1 and _count(sessions, Message) == 1
    assert _count(sessions, Feedback) == 1 and _count(sessions, AuditEvent) == 2  # 0 days: kept forever
    with pytest.raises(ValueError, match="audit_days"):
        RetentionPolicy(conversations_days=1, feedback_days=1, audit_days=-1)


def test_the_api_job_purges_at_start(tmp_path: Path) -> None:
    sessions = open_sessions(f"sqlite:///{tmp_path / 'j.sqlite'}")
    _seed(sessions, "vp.nguyenvana", 800, "cu")
    job = RetentionJob(sessions, RetentionPolicy(365, 365, 730), interval_s=3600)
    job.start()
    try:
        deadline = time.monotonic() + 30
        while _count(sessions, AuditEvent) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        job.stop()
    assert _count(sessions, AuditEvent) == 0 and _count(sessions, Conversation) == 0


def test_users_erase_removes_and_pseudonymises_and_is_audited(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    sessions = open_sessions(f"sqlite:///{data / 'assistant.sqlite'}")
    _seed(sessions, "syt.lethicuc", 3, "x")
    _seed(sessions, "vp.nguyenvana", 3, "y")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")},
           "ASSISTANT_DATA_DIR": str(data)}
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "users", "erase", "syt.lethicuc", "--yes"],
                          env=env, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["conversations"] == 1 and report["feedback"] == 1 and report["audit"] == 1
    with sessions() as s:
        assert s.scalars(select(Conversation.user_id)).all() == ["vp.nguyenvana"]
        assert s.scalars(select(Feedback.user_id)).all() == ["vp.nguyenvana"]
        rows = {(r.user_id, r.action, r.question) for r in s.scalars(select(AuditEvent))}
    assert not any("syt.lethicuc" in " ".join(row) for row in rows)
    assert (report["pseudonym"], "ask", "") in rows and ("vp.nguyenvana", "ask", "Lịch tiêm chủng?") in rows
    erase_rows = [r for r in rows if r[1] == "erase"]
    assert len(erase_rows) == 1 and erase_rows[0][0].startswith("cli:") and report["pseudonym"] in erase_rows[0][2]
    assert token_version(sessions, "syt.lethicuc") == 1


def test_records_purge_command_uses_the_retention_settings(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    sessions = open_sessions(f"sqlite:///{data / 'assistant.sqlite'}")
    _seed(sessions, "stc.vuthihoa", 50, "cu")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")},
           "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_RETENTION_CONVERSATIONS_DAYS": "30",
           "ASSISTANT_RETENTION_FEEDBACK_DAYS": "0", "ASSISTANT_RETENTION_AUDIT_DAYS": "40"}
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "records", "purge", "--json"], env=env,
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"conversations": 1, "feedback": 0, "audit": 1, "login_failures": 0}
    assert _count(sessions, Feedback) == 1
