"""The SQLite check of ``tests/assistant/api/test_api_pii_stores.py`` on PostgreSQL 15 (initdb + pg_ctl in a
temp dir, ``engines.PostgresCluster``): personal data in 12 written formats and 4 file names, sent through a real
uvicorn server over HTTP, is in no raw row of any store, read back with plain SQL.

Skipped, naming the package, where Debian's postgresql or psycopg is missing (``make engines`` installs them)."""

from __future__ import annotations

import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from engines import PostgresCluster, free_port, pg_bin
from sqlalchemy import create_engine, text

from assistant.api.app import create_app
from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from tests.assistant.api.conftest import REPO, make_settings
from tests.assistant.api.pii_scenario import leaks, send_personal_data, text_rows

pytestmark = [pytest.mark.engines, pytest.mark.slow]


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    if pg_bin() is None:
        pytest.skip("not installed: postgresql (make engines)")
    pytest.importorskip("psycopg", reason="not installed: psycopg (pip install '.[postgres]')")
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster.create_database("pii")
    finally:
        cluster.stop()


@pytest.fixture
def served(pg_url: str, tmp_path: Path) -> Iterator[str]:
    users = tmp_path / "users.yaml"
    shutil.copy(REPO / "data" / "users.yaml", users)
    settings = make_settings(tmp_path / "data", users, database_url=pg_url, jwt_secret=secrets.token_hex(32))
    runtime = Runtime(settings)
    report = runtime.indexer().index(iter_sources([REPO / "data" / "samples"], max_bytes=settings.max_file_bytes))
    assert report.rejected == [], report.rejected
    server = uvicorn.Server(uvicorn.Config(create_app(settings, runtime), host="127.0.0.1", port=free_port(),
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(30)
        runtime.close()


def test_no_store_keeps_personal_data_raw_on_postgresql(served: str, pg_url: str) -> None:
    sent = send_personal_data(served)
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            rows = text_rows(lambda sql: [tuple(r) for r in conn.execute(text(sql))])
    finally:
        engine.dispose()
    assert {t for t, _ in rows} >= {"conversations", "messages", "feedback", "audit", "index_jobs", "held_documents"}
    assert leaks(rows) == []
    assert [j["status"] for j in sent["jobs"]] == ["done", "done", "done", "rejected"]
    assert sent["override"]["status"] == "done", sent["override"]
