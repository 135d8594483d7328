"""The index owner recomputes validity when a date arrives: a decision that takes effect tomorrow flips to in
force, and the one it replaces to expired, at the first run after midnight (Vietnam), with a clock moved
forward instead of a day's sleep. A read-only replica runs no refresher."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.service.runtime import Runtime
from assistant.validity.schedule import AFTER_MIDNIGHT, ValidityRefresher, next_run
from core.access import ANONYMOUS
from core.deadlines import VIETNAM
from core.legal_status import VALIDITY_EXPIRED, VALIDITY_IN_FORCE, VALIDITY_NOT_YET
from core.settings import Settings
from indexing.store import SearchFilter
from tests.assistant.validity.validity_fixtures import NEW_TEXT, VERIFIED, decision, old_decision

REPO = Path(__file__).resolve().parents[3]
CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = Runtime(Settings(validity_verified_through=VERIFIED, data_dir=tmp_path / "data", embedding_cache_path=CACHE,
                          demo=True))
    yield rt
    rt.close()


def validity(rt: Runtime, doc_id: str) -> str:
    hits = rt.store.doc_chunks(doc_id, SearchFilter(principal=ANONYMOUS))
    assert hits and len({h.payload.get("validity") for h in hits}) == 1, doc_id
    return str(hits[0].payload["validity"])


class Clock:
    """Now, moved forward by the refresher's own waits: the first wait passes, the next blocks until stop."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.waits: list[float] = []
        self.second_run = threading.Event()
        self.stopped = threading.Event()

    def __call__(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        if len(self.waits) == 1:
            self.now += timedelta(seconds=seconds)
            return False
        self.second_run.set()
        return self.stopped.wait(30)


def test_a_decision_taking_effect_tomorrow_flips_after_midnight(runtime: Runtime) -> None:
    now = datetime.now(VIETNAM).replace(hour=22, minute=15, second=0, microsecond=0)
    tomorrow = now.date() + timedelta(days=1)
    text = NEW_TEXT.replace("01 tháng 3 năm 2025", f"{tomorrow.day:02d} tháng {tomorrow.month} năm {tomorrow.year}")
    replacing = decision("qd-12-2025", "12/2025/QĐ-UBND", "Quyết định 12/2025/QĐ-UBND về tiếp nhận hồ sơ", text,
                         tomorrow.isoformat())
    runtime.indexer().index([old_decision(), replacing])
    assert validity(runtime, "qd-12-2025") == VALIDITY_NOT_YET
    assert validity(runtime, "qd-45-2023") == VALIDITY_IN_FORCE

    clock = Clock(now)
    refresher = ValidityRefresher(runtime.relations_observer(), clock=clock, wait=clock.wait)
    refresher.start()
    try:
        assert clock.second_run.wait(60), "the refresher never ran after midnight"
        assert refresher.runs == 2
        first_wait = clock.waits[0]
        expected = datetime.combine(tomorrow, datetime.min.time(), tzinfo=VIETNAM) + AFTER_MIDNIGHT - now
        assert first_wait == expected.total_seconds()  # 1 h 45 min 30 s: just after midnight, not 24 h
        assert validity(runtime, "qd-12-2025") == VALIDITY_IN_FORCE
        assert validity(runtime, "qd-45-2023") == VALIDITY_EXPIRED
        assert runtime.relations.document("qd-45-2023").payload["validity"] == VALIDITY_EXPIRED
    finally:
        clock.stopped.set()
        refresher.stop()
    assert refresher.stopped


def test_the_next_run_is_just_after_midnight_in_vietnam() -> None:
    utc_evening = datetime.fromisoformat("2026-06-01T18:00:00+00:00")  # 01:00 on 2 June in Hà Nội
    assert next_run(utc_evening) == datetime(2026, 6, 3, 0, 0, 30, tzinfo=VIETNAM)
    assert next_run(datetime(2026, 6, 2, 23, 59, 59, tzinfo=VIETNAM)) == datetime(2026, 6, 3, 0, 0, 30,
                                                                                  tzinfo=VIETNAM)


def test_the_owner_runs_the_refresher_and_a_read_only_replica_does_not(runtime: Runtime, tmp_path: Path) -> None:
    runtime.indexer().index([old_decision()])
    with TestClient(create_app(runtime=runtime)) as client:
        refresher = client.app.state.api.validity_refresh
        assert refresher is not None and not refresher.stopped
        deadline = datetime.now() + timedelta(seconds=30)
        while refresher.runs == 0 and datetime.now() < deadline:
            threading.Event().wait(0.05)
        assert refresher.runs == 1
    assert refresher.stopped  # stopped with the service
    replica = runtime.settings.model_copy(update={"index_read_only": True})
    with TestClient(create_app(settings=replica, runtime=runtime)) as client:
        assert client.app.state.api.validity_refresh is None
