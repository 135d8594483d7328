"""Upload jobs as a queue in SQL, shared by every API replica on the database.

Why SQL and conditional updates: replicas behind one load balancer each run a worker; a job must run once,
and a job whose replica died must not stay "running" (or "queued") forever. So:

- a replica **claims** a queued job with one ``UPDATE … SET status='running' WHERE id=? AND status='queued'``;
  only the replica whose update hit one row runs it;
- while it runs, the owner renews a **heartbeat** (kept in ``finished_at`` while the job runs; the API shows
  no finish time for an unfinished job) and records itself (``host:pid``) in ``detail``;
- a running job whose heartbeat is older than ``stale_s``, or whose owner was a process on this host that no
  longer exists, is **recovered**: re-queued once, failed the second time. Every recovery is conditional on
  the heartbeat it saw, so a live replica's job is never taken over.
- a replica only takes (or re-queues) a job whose uploaded file it can see (``can_run``): replicas sharing a
  data dir share the work, a replica with its own data dir runs only its own uploads.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from assistant.service.db import IndexJob, Sessions, utcnow

MAX_ATTEMPTS = 2
STALE_REASON = "tiến trình xử lý đã dừng giữa chừng / the worker running this job stopped"


def this_replica() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class ClaimedJob:
    id: str
    user_id: str
    filename: str
    detail: dict[str, Any]


def _pid_gone(replica: str) -> bool:
    """True when ``replica`` names a process of this host that no longer exists."""
    host, _, pid = replica.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class JobQueue:
    """The queue as one replica sees it; ``replica`` names this process in the jobs it runs."""

    def __init__(self, sessions: Sessions, stale_s: float, replica: str | None = None,
                 can_run: Callable[[str, str], bool] | None = None) -> None:
        if not stale_s > 0:
            raise ValueError(f"stale_s must be > 0, got {stale_s!r}")
        self.sessions = sessions
        self.stale_s = stale_s
        self.replica = replica or this_replica()
        self.can_run = can_run or (lambda _job_id, _filename: True)  # (job id, file name) -> its file is here

    def claim_next(self) -> ClaimedJob | None:
        """The oldest queued job this replica can run, now running here; None when there is none."""
        with self.sessions() as s:
            rows = s.execute(select(IndexJob.id, IndexJob.filename, IndexJob.detail)
                             .where(IndexJob.status == "queued").order_by(IndexJob.created_at).limit(50)).all()
        for job_id, filename, detail in rows:
            if not self.can_run(job_id, filename):
                continue
            claimed = self.claim(job_id, detail or {})
            if claimed is not None:
                return claimed
        return None

    def claim(self, job_id: str, detail: dict[str, Any]) -> ClaimedJob | None:
        attempts = int(detail.get("attempts", 0)) + 1
        new_detail = {**detail, "replica": self.replica, "attempts": attempts}
        with self.sessions.begin() as s:
            hit = s.execute(update(IndexJob).where(IndexJob.id == job_id, IndexJob.status == "queued")
                            .values(status="running", detail=new_detail, finished_at=utcnow())).rowcount
            if hit != 1:
                return None
            job = s.get(IndexJob, job_id)
            assert job is not None
            return ClaimedJob(job.id, job.user_id, job.filename, new_detail)

    def heartbeat(self, job_id: str) -> bool:
        """Renew this replica's claim; False when the job is no longer running here."""
        with self.sessions.begin() as s:
            job = s.get(IndexJob, job_id)
            if job is None or job.status != "running" or (job.detail or {}).get("replica") != self.replica:
                return False
            job.finished_at = utcnow()
            return True

    def finish(self, job_id: str, status: str, detail: dict[str, Any]) -> bool:
        """Record the outcome of a job this replica runs; False when it was taken away meanwhile."""
        with self.sessions.begin() as s:
            job = s.get(IndexJob, job_id)
            if job is None or job.status != "running" or (job.detail or {}).get("replica") != self.replica:
                return False
            attempts = (job.detail or {}).get("attempts", 1)
            job.status, job.detail, job.finished_at = status, {**detail, "attempts": attempts}, utcnow()
            return True

    def recover_stale(self, now: datetime | None = None) -> list[tuple[str, str]]:
        """Re-queue (once) or fail running jobs whose replica is gone; returns ``(job id, new status)``."""
        now = now or utcnow()
        cutoff = now - timedelta(seconds=self.stale_s)
        with self.sessions() as s:
            rows = s.execute(select(IndexJob.id, IndexJob.filename, IndexJob.detail, IndexJob.finished_at)
                             .where(IndexJob.status == "running")).all()
        recovered = []
        for job_id, filename, detail, beat in rows:
            detail = detail or {}
            stale = beat is None or _naive(beat) < _naive(cutoff) or _pid_gone(str(detail.get("replica", "")))
            if not stale or detail.get("replica") == self.replica:
                continue
            # Re-queued only where some replica can run it (this one sees its file); else it would wait forever.
            again = int(detail.get("attempts", 1)) < MAX_ATTEMPTS and self.can_run(job_id, filename)
            status = "queued" if again else "failed"
            values: dict[str, Any] = {"status": status, "finished_at": None if again else now,
                                      "detail": {**detail, "replica": None} if again else
                                      {"error": STALE_REASON, "attempts": detail.get("attempts", 1)}}
            with self.sessions.begin() as s:
                hit = s.execute(update(IndexJob).where(IndexJob.id == job_id, IndexJob.status == "running",
                                                       _same_beat(beat)).values(**values)).rowcount
            if hit == 1:
                recovered.append((job_id, status))
        return recovered


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _same_beat(beat: datetime | None) -> Any:
    return IndexJob.finished_at.is_(None) if beat is None else IndexJob.finished_at == beat
