"""The upload job queue across replicas: two workers on one SQLite database never run the same job, a live
replica's job is never taken over, and a job left running by a dead process is re-queued once, then failed."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from assistant.api.job_queue import JobQueue
from assistant.api.worker import IndexWorker, upload_path
from assistant.service.db import IndexJob, Sessions, open_sessions, utcnow
from assistant.service.runtime import Runtime
from core.settings import Settings

REPO = Path(__file__).resolve().parents[3]
DECISION = "QUYẾT ĐỊNH\nVề việc số hóa hồ sơ lưu trữ số {n}\nĐiều 1. Các cơ quan số hóa hồ sơ loại {n} trong năm.\n"


@pytest.fixture
def sessions(tmp_path: Path) -> Sessions:
    s = open_sessions(f"sqlite:///{tmp_path / 'jobs.sqlite'}")
    yield s
    s.close()


def add_job(sessions: Sessions, job_id: str, status: str = "queued", **fields: object) -> None:
    with sessions.begin() as s:
        s.add(IndexJob(id=job_id, user_id="admin", filename="qd.txt", status=status, **fields))


def job(sessions: Sessions, job_id: str) -> IndexJob:
    with sessions() as s:
        found = s.get(IndexJob, job_id)
        assert found is not None
        return found


def dead_pid() -> int:
    """The pid of a process that has certainly ended."""
    child = subprocess.Popen(["true"])  # noqa: S607
    child.wait()
    return child.pid


def test_a_claim_is_exclusive(sessions: Sessions) -> None:
    add_job(sessions, "j1")
    a, b = JobQueue(sessions, 60, "host-a:1"), JobQueue(sessions, 60, "host-b:1")
    claimed = a.claim_next()
    assert claimed is not None and claimed.id == "j1" and claimed.detail["replica"] == "host-a:1"
    assert b.claim_next() is None and b.claim("j1", {}) is None
    assert not b.heartbeat("j1") and not b.finish("j1", "done", {})  # only the owner renews or finishes
    assert a.heartbeat("j1") and a.finish("j1", "done", {"added": 1})
    assert job(sessions, "j1").status == "done" and job(sessions, "j1").detail["added"] == 1


def test_a_live_replicas_job_is_never_taken_over(sessions: Sessions) -> None:
    add_job(sessions, "j1")
    a, b = JobQueue(sessions, 60, "host-a:1"), JobQueue(sessions, 60, "host-b:1")
    assert a.claim_next() is not None
    assert b.recover_stale() == [] and job(sessions, "j1").status == "running"
    assert b.recover_stale(now=utcnow() + timedelta(seconds=30)) == []  # fresh enough


def test_a_stale_job_is_requeued_once_then_failed(sessions: Sessions) -> None:
    add_job(sessions, "j1")
    a, b = JobQueue(sessions, 60, "host-a:1"), JobQueue(sessions, 60, "host-b:1")
    assert a.claim_next() is not None  # host-a then dies: no more heartbeats
    later = utcnow() + timedelta(seconds=120)
    assert b.recover_stale(now=later) == [("j1", "queued")]
    assert job(sessions, "j1").status == "queued" and not a.finish("j1", "done", {})  # the dead owner lost it
    assert b.claim_next() is not None  # second attempt, on b; b dies too
    assert JobQueue(sessions, 60, "host-c:1").recover_stale(now=utcnow() + timedelta(seconds=120)) == [
        ("j1", "failed")]
    failed = job(sessions, "j1")
    assert failed.status == "failed" and "dừng giữa chừng" in failed.detail["error"] and failed.finished_at


def test_a_job_of_a_dead_process_on_this_host_is_recovered_at_once(sessions: Sessions) -> None:
    replica = f"{socket.gethostname()}:{dead_pid()}"
    add_job(sessions, "j1", status="running", detail={"replica": replica, "attempts": 1}, finished_at=utcnow())
    assert JobQueue(sessions, 3600).recover_stale() == [("j1", "queued")]


@pytest.fixture
def runtime(tmp_path: Path) -> Runtime:
    settings = Settings(data_dir=tmp_path / "data", embedding_cache_path=REPO / "build" / "test-cache" /
                        "embeddings.sqlite", job_heartbeat_s=0.2)
    rt = Runtime(settings)
    rt.sparse.encode_query("khởi động")  # as build_state does: underthesea's first use is not thread-safe
    yield rt
    rt.close()


def queue_upload(rt: Runtime, job_id: str, n: int, **fields: object) -> None:
    path = upload_path(rt.settings, job_id, f"qd-{n}.txt")
    path.parent.mkdir(parents=True)
    path.write_text(DECISION.format(n=n), encoding="utf-8")
    with rt.sessions.begin() as s:
        s.add(IndexJob(id=job_id, user_id="admin", filename=path.name, status="queued", **fields))


def test_two_workers_on_one_database_run_each_job_once(runtime: Runtime) -> None:
    for n in range(4):
        queue_upload(runtime, f"j{n}", n)
    finished: list[str] = []
    workers = [IndexWorker(runtime.indexer(), runtime.manifest, runtime.sessions, runtime.settings,
                           on_finish=finished.append, queue=JobQueue(runtime.sessions, 60, f"replica-{i}:1"))
               for i in range(2)]
    counts: dict[int, int] = {}
    threads = [threading.Thread(target=lambda i=i: counts.__setitem__(i, workers[i].run_pending())) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sum(counts.values()) == 4 and finished == ["done"] * 4
    statuses = {job(runtime.sessions, f"j{n}").status for n in range(4)}
    assert statuses == {"done"} and len(runtime.manifest.entries()) == 4
    assert {e.doc_id for e in runtime.manifest.entries()} == {f"upload:admin/qd-{n}.txt" for n in range(4)}


def test_a_restarted_worker_resumes_the_job_its_dead_process_was_running(runtime: Runtime) -> None:
    queue_upload(runtime, "j1", 7, detail={"replica": f"{socket.gethostname()}:{dead_pid()}", "attempts": 1})
    with runtime.sessions.begin() as s:
        found = s.get(IndexJob, "j1")
        found.status, found.finished_at = "running", utcnow()
    worker = IndexWorker(runtime.indexer(), runtime.manifest, runtime.sessions, runtime.settings)
    worker.start()
    try:
        for _ in range(600):
            if job(runtime.sessions, "j1").status in ("done", "failed", "rejected"):
                break
            time.sleep(0.1)
    finally:
        worker.stop()
    resumed = job(runtime.sessions, "j1")
    assert resumed.status == "done" and resumed.detail["attempts"] == 2, resumed.detail


def test_a_replica_takes_only_jobs_whose_file_it_can_see(sessions: Sessions) -> None:
    add_job(sessions, "theirs")
    add_job(sessions, "mine")
    here = JobQueue(sessions, 60, "host-b:1", can_run=lambda job_id, _name: job_id == "mine")
    claimed = here.claim_next()
    assert claimed is not None and claimed.id == "mine" and here.claim_next() is None
    assert job(sessions, "theirs").status == "queued"
    # A dead replica's job whose file no live replica can see is failed, not left queued forever.
    JobQueue(sessions, 60, "host-a:1").claim("theirs", {})
    assert here.recover_stale(now=utcnow() + timedelta(seconds=120)) == [("theirs", "failed")]
