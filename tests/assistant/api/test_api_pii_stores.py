"""Personal data in 12 written formats and 4 file names, sent through the real API over HTTP (ask, stream,
feedback, search, a failed sign-in, uploads, a held upload), is found in no raw row of any store on SQLite:
conversations.title, messages, feedback, audit, index_jobs, held_documents, login_failures (read with plain SQL,
not through the models). The PostgreSQL twin is ``tests/deploy/test_pii_stores_postgres.py``."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing

import httpx

from tests.assistant.api.pii_scenario import FILE_NAMES, compact, leaks, send_personal_data, text_rows


def test_no_store_keeps_personal_data_raw_on_sqlite(server_url: str, api_settings) -> None:  # noqa: ANN001
    sent = send_personal_data(server_url)
    with closing(sqlite3.connect(api_settings.data_dir / "assistant.sqlite")) as db:
        rows = text_rows(lambda sql: db.execute(sql).fetchall())
    assert {t for t, _ in rows} >= {"conversations", "messages", "feedback", "audit", "index_jobs", "held_documents"}
    assert leaks(rows) == []
    jobs = sent["jobs"]
    assert [j["status"] for j in jobs] == ["done", "done", "done", "rejected"], jobs
    assert sent["override"]["status"] == "done", sent["override"]
    for job, (_, raw) in zip(jobs, FILE_NAMES.values(), strict=True):
        assert raw not in compact(str(job)) and "***" in job["filename"]


NAMED = "don_nguyen_van_d_CCCD_038097012345_sdt_0921345678.txt"
NAMED_TEXT = ("QUYẾT ĐỊNH\nVề việc bảo tồn đàn voọc chà vá chân nâu\nĐiều 1. Ban quản lý khu bảo tồn theo dõi đàn voọc "
              "chà vá chân nâu hằng tháng.\nĐiều 2. Quyết định có hiệu lực kể từ ngày ký.\n")


def test_an_uploaded_file_name_is_masked_wherever_anyone_sees_it(server_url: str, login) -> None:  # noqa: ANN001
    """Its sender (an administrator) and another official read the documents list, the document, its chunks,
    search hits and an answer's citations and sources: the CCCD and phone of the name are in none of them."""
    admin, official = login("admin"), login("vp.nguyenvana")
    with httpx.Client(base_url=server_url, timeout=180) as http:
        r = http.post("/v1/documents", headers=admin, files={"file": (NAMED, NAMED_TEXT.encode(), "text/plain")})
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        while (job := http.get(f"/v1/documents/jobs/{job_id}", headers=admin).json())["status"] in ("queued",
                                                                                                  "running"):
            time.sleep(0.2)
        assert job["status"] == "done", job
        (doc_id,) = job["detail"]["doc_ids"]
        seen: dict[str, object] = {}
        for who, headers in (("sender", admin), ("official", official)):
            listed = http.get("/v1/documents", headers=headers).json()
            mine = [d for d in listed["documents"] if d["doc_id"] == doc_id]
            assert mine and "038***345" in mine[0]["file"] and "0921***678" in mine[0]["file"], mine
            seen[f"{who} list"] = listed
            seen[f"{who} document"] = http.get(f"/v1/documents/{doc_id}", headers=headers).json()
            seen[f"{who} chunks"] = http.get(f"/v1/documents/{doc_id}/chunks", headers=headers).json()
            hits = http.post("/v1/search", headers=headers, json={"query": "đàn voọc chà vá chân nâu"}).json()
            assert doc_id in [h["doc_id"] for h in hits["hits"]]
            seen[f"{who} search"] = hits
            answer = http.post("/v1/ask", headers=headers, json={"question": "Ai theo dõi đàn voọc chà vá chân nâu?"})
            assert doc_id in [s["doc_id"] for s in answer.json()["sources"]]
            seen[f"{who} answer"] = answer.json()
    for where, data in seen.items():
        text = compact(json.dumps(data, ensure_ascii=False))
        assert "038097012345" not in text and "0921345678" not in text, where
