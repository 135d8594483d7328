"""Held for review over real HTTP: a stamp outside the header zone stops the upload, the file is not kept, and
administrators (only) see its masked name, sha256, uploader, page and reason."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from contextlib import closing

import httpx
from fastapi.testclient import TestClient

HELD = ("QUYẾT ĐỊNH\nVề việc bố trí kho lưu trữ\nĐiều 1. Bố trí kho lưu trữ tại khu vực núi Hồng Lĩnh.\n"
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.\nTỐI MẬT\n").encode()
NAME = "don_CCCD_038090012345_sdt_0912345678.txt"


def test_a_stamp_at_the_end_is_held_listed_to_administrators_and_not_kept(client: TestClient, login, wait_job,  # noqa: ANN001
                                                                          api_settings) -> None:
    admin = login("admin")
    r = client.post("/v1/documents", headers=admin, files={"file": (NAME, HELD, "text/plain")})
    assert r.status_code == 202
    job = wait_job(client, admin, r.json()["id"])
    assert job["status"] == "rejected" and "038090012345" not in job["filename"]
    assert "chờ quản trị viên" in job["detail"]["rejected"][0]["reason"]
    assert not (api_settings.data_dir / "uploads" / job["id"]).exists()
    listed = client.get("/v1/admin/held-documents", headers=admin).json()["items"]
    mine = [i for i in listed if i["sha256"] == hashlib.sha256(HELD).hexdigest()]
    assert mine and mine[0]["uploader"] == "admin" and mine[0]["stamp"] == "Tối mật"
    assert "038090012345" not in mine[0]["filename"] and "0912345678" not in mine[0]["filename"]
    assert client.get("/v1/admin/held-documents", headers=login("ca.hoangminhduc")).status_code == 403


def _sql(api_settings, query: str, *args: object) -> list[tuple]:  # noqa: ANN001
    """Raw rows of the service's SQLite file, read with plain SQL (no model in between)."""
    with closing(sqlite3.connect(api_settings.data_dir / "assistant.sqlite")) as db:
        return db.execute(query, args).fetchall()


def _held_then(http: httpx.Client, admin: dict[str, str], body: bytes, name: str) -> str:
    """Upload a file the gate holds; returns its digest once the hold is listed."""
    r = http.post("/v1/documents", headers=admin, files={"file": (name, body, "text/plain")})
    assert r.status_code == 202, r.text
    assert _poll(http, admin, r.json()["id"])["status"] == "rejected"
    digest = hashlib.sha256(body).hexdigest()
    listed = http.get("/v1/admin/held-documents", headers=admin).json()["items"]
    assert digest in [i["sha256"] for i in listed]
    return digest


def _poll(http: httpx.Client, headers: dict[str, str], job_id: str) -> dict:
    deadline = time.monotonic() + 120
    while True:
        job = http.get(f"/v1/documents/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "rejected", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def test_an_administrator_releases_a_held_file_with_a_stated_reason(server_url: str, login,  # noqa: ANN001
                                                                  api_settings) -> None:
    """Over real HTTP: non-admins 403, no reason 422, another file 409 (not kept), the same file with a reason
    indexed for administrators only; the hold and each override outcome audited with who, reason and digest."""
    admin, official = login("admin"), login("ca.hoangminhduc")
    body = HELD.replace("núi Hồng Lĩnh".encode(), "xã Thạch Hạ, SĐT 0912 - 345 - 678".encode())
    name = "de_nghi_CCCD_038090012345.txt"
    reason = "Đã đối chiếu bản gốc: dấu TỐI MẬT là trích dẫn tên kho, văn bản không mật"
    with httpx.Client(base_url=server_url, timeout=60) as http:
        digest = _held_then(http, admin, body, name)
        hold = _sql(api_settings, "SELECT user_id, question, outcome FROM audit WHERE action = 'hold' "
                                  "AND question LIKE ?", f"%{digest}")
        assert hold and hold[0][0] == "admin" and hold[0][2] == "held"
        assert "038090012345" not in hold[0][1] and "Điều 1" not in hold[0][1]  # digest and reason, never text

        def resubmit(headers: dict[str, str], data: bytes, **form: str) -> httpx.Response:
            return http.post("/v1/documents", headers=headers, files={"file": (name, data, "text/plain")},
                             data={"override_reason": reason, **form})

        denied = resubmit(official, body)
        assert denied.status_code == 403 and "Chỉ quản trị viên" in denied.json()["detail"]
        short = resubmit(admin, body, override_reason="ok")
        assert short.status_code == 422 and "ít nhất 10 ký tự" in short.json()["detail"]
        other = resubmit(admin, body + b"\nThem mot dong.\n")
        assert other.status_code == 409 and "không khớp văn bản nào đang bị giữ" in other.json()["detail"]
        assert not any(p.name.startswith("de_nghi") for p in (api_settings.data_dir / "uploads").glob("*/*"))

        released = resubmit(admin, body)
        assert released.status_code == 202, released.text
        job = _poll(http, admin, released.json()["id"])
        assert job["status"] == "done", job
        doc_id = job["detail"]["doc_ids"][0]
        mine = [d for d in http.get("/v1/documents", headers=admin).json()["documents"] if d["doc_id"] == doc_id]
        assert mine and mine[0]["access"]["level"] == "restricted" and mine[0]["access"]["roles"] == ["admin"]
        assert doc_id not in [d["doc_id"] for d in http.get("/v1/documents", headers=official).json()["documents"]]
        listed = http.get("/v1/admin/held-documents", headers=admin, params={"status": "overridden"}).json()["items"]
        row = next(i for i in listed if i["sha256"] == digest)
        assert row["override_by"] == "admin" and row["override_reason"] == reason and row["overridden_at"]
        assert digest not in [i["sha256"] for i in http.get("/v1/admin/held-documents", headers=admin).json()["items"]]

    rows = _sql(api_settings, "SELECT user_id, outcome, question, retrieved_ids FROM audit WHERE action = 'override' "
                              "AND question LIKE ? ORDER BY id", f"%{digest}")
    assert [(r[0], r[1]) for r in rows] == [("admin", "queued"), ("admin", "indexed")]
    assert all(reason in r[2] and "038090012345" not in r[2] for r in rows) and doc_id in rows[1][3]
    refused = _sql(api_settings, "SELECT outcome FROM audit WHERE action = 'override' AND outcome = 'not_held'")
    assert refused
    stored = _sql(api_settings, "SELECT status, override_by, overridden_at, override_job_id FROM held_documents "
                                "WHERE sha256 = ?", digest)
    assert stored == [("overridden", "admin", stored[0][2], job["id"])] and stored[0][2]


def test_a_released_file_takes_the_label_the_administrator_states(server_url: str, login,  # noqa: ANN001
                                                                   api_settings) -> None:
    """A stated label wins over the restricted default (here Sở Y tế): its officials see the file, others not."""
    admin = login("admin")
    body = HELD.replace("kho lưu trữ".encode(), "kho vắc xin".encode())
    with httpx.Client(base_url=server_url, timeout=60) as http:
        _held_then(http, admin, body, "kho_vac_xin.txt")
        r = http.post("/v1/documents", headers=admin, files={"file": ("kho_vac_xin.txt", body, "text/plain")},
                      data={"override_reason": "Dấu ở cuối là ghi chú lưu trữ, đã xác minh với văn thư",
                            "access": json.dumps({"level": "restricted", "units": ["Sở Y tế"]})})
        job = _poll(http, admin, r.json()["id"])
        assert job["status"] == "done", job
        doc_id = job["detail"]["doc_ids"][0]
        seen = {u: doc_id in [d["doc_id"] for d in http.get("/v1/documents", headers=login(u)).json()["documents"]]
                for u in ("syt.lethicuc", "ca.hoangminhduc")}
    assert seen == {"syt.lethicuc": True, "ca.hoangminhduc": False}


def test_a_file_with_one_held_record_is_not_kept_though_its_others_are_indexed(client: TestClient, login,  # noqa: ANN001
                                                                              wait_job, api_settings) -> None:
    """A JSONL of two laws, one with a stamp at its end: the other law is indexed, the stamped one held, and the
    file, which holds the stamped text, is removed like a rejected upload."""
    lines = [{"_id": "a1", "law_id": "Luật Thư viện thử", "article_id": "1",
              "text": "Phạm vi điều chỉnh\n\nLuật này quy định về hoạt động thư viện thử nghiệm."},
             {"_id": "b1", "law_id": "Luật Kho lưu trữ thử", "article_id": "1",
              "text": "Phạm vi điều chỉnh\n\nLuật này quy định về kho lưu trữ thử nghiệm.\nTỐI MẬT"}]
    body = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    admin = login("admin")
    r = client.post("/v1/documents", headers=admin, files={"file": ("hai_luat.jsonl", body, "application/jsonl")})
    job = wait_job(client, admin, r.json()["id"])
    assert job["status"] == "done" and len(job["detail"]["rejected"]) == 1, job
    assert "chờ quản trị viên" in job["detail"]["rejected"][0]["reason"]
    assert not (api_settings.data_dir / "uploads" / job["id"]).exists()
    held = client.get("/v1/admin/held-documents", headers=admin).json()["items"]
    assert hashlib.sha256(body).hexdigest() in [i["sha256"] for i in held]
