"""Personal data in 12 written formats and 4 file names, sent through the real API over HTTP (ask, stream,
feedback, search, a failed sign-in, uploads, a held upload), is found in no raw row of any store on SQLite:
conversations.title, messages, feedback, audit, index_jobs, held_documents, login_failures (read with plain SQL,
not through the models). The PostgreSQL twin is ``tests/deploy/test_pii_stores_postgres.py``."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from tests.assistant.api.pii_scenario import FILE_NAMES, compact, leaks, send_personal_data, text_rows


def test_no_store_keeps_personal_data_raw_on_sqlite(server_url: str, api_settings) -> None:  # noqa: ANN001
    sent = send_personal_data(server_url)
    with closing(sqlite3.connect(api_settings.data_dir / "assistant.sqlite")) as db:
        rows = text_rows(lambda sql: db.execute(sql).fetchall())
    assert {t for t, _ in rows} >= {"conversations", "messages", "feedback", "audit", "index_jobs", "held_documents"}
    assert leaks(rows) == []
    jobs = sent["jobs"]
    assert [j["status"] for j in jobs] == ["done", "done", "done", "rejected"], jobs
    for job, (_, raw) in zip(jobs, FILE_NAMES.values(), strict=True):
        assert raw not in compact(str(job)) and "***" in job["filename"]
