"""Document management through HTTP: uploads indexed off the request path, rejections recorded in the job,
secret-stamped files never stored, size and type limits, removal; asks keep working during indexing."""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

from fastapi.testclient import TestClient

GOOD = """# ỦY BAN NHÂN DÂN TỈNH

**Số: 777/QĐ-UBND** — *ngày 01 tháng 10 năm 2026*

## QUYẾT ĐỊNH
Về việc quản lý chữ ký số chuyên dùng tại các cơ quan hành chính

### Điều 1. Quản lý chữ ký số chuyên dùng
Thủ trưởng cơ quan chịu trách nhiệm quản lý thiết bị lưu khóa bí mật của chữ ký số chuyên dùng cấp cho cơ quan.

### Điều 2. Thu hồi chứng thư số
Khi cán bộ nghỉ hưu hoặc chuyển công tác, văn thư cơ quan đề nghị thu hồi chứng thư số trong 05 ngày làm việc.
"""
SECRET = """MẬT

# BÁO CÁO
Phương án bố trí lực lượng bảo vệ kho lưu trữ đặc biệt số 9 tại khu vực núi Hồng Lĩnh.
"""
SECRET_PHRASE = "kho lưu trữ đặc biệt số 9 tại khu vực núi Hồng Lĩnh"


def _upload(client: TestClient, headers: dict[str, str], name: str, data: bytes) -> Any:
    return client.post("/v1/documents", headers=headers, files={"file": (name, data, "application/octet-stream")})


def _search_doc_ids(client: TestClient, headers: dict[str, str], query: str) -> set[str]:
    r = client.post("/v1/search", json={"query": query, "top_k": 20}, headers=headers)
    assert r.status_code == 200
    return {h["doc_id"] for h in r.json()["hits"]}


def test_upload_good_file_is_indexed_searchable_listed_and_removable(client: TestClient, login, wait_job,  # noqa: ANN001
                                                                    api_settings) -> None:
    admin = login("admin")
    r = _upload(client, admin, "quyết định chữ ký số.md", GOOD.encode("utf-8"))
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] == "queued" and job["filename"] == "quyết định chữ ký số.md"
    done = wait_job(client, admin, job["id"])
    assert done["status"] == "done", done
    doc_id = done["detail"]["doc_ids"][0]
    assert done["detail"]["added"] == 1 and done["detail"]["chunks"] >= 2
    officer = login("vp.nguyenvana")
    assert doc_id in _search_doc_ids(client, officer, "thu hồi chứng thư số khi cán bộ nghỉ hưu")
    answer = client.post("/v1/ask", json={"question": "Khi cán bộ nghỉ hưu thì thu hồi chứng thư số trong bao lâu?"},
                         headers=officer).json()
    assert doc_id in {c["doc_id"] for c in answer["citations"]}
    listing = client.get("/v1/documents", headers=admin).json()
    assert doc_id in {d["doc_id"] for d in listing["documents"]}
    assert job["id"] in {j["id"] for j in listing["jobs"]}
    assert (api_settings.data_dir / "uploads" / job["id"]).is_dir()
    assert client.delete(f"/v1/documents/{doc_id}", headers=admin).status_code == 204
    assert doc_id not in _search_doc_ids(client, officer, "thu hồi chứng thư số khi cán bộ nghỉ hưu")
    assert not (api_settings.data_dir / "uploads" / job["id"]).exists()
    r = client.delete(f"/v1/documents/{doc_id}", headers=admin)
    assert r.status_code == 404 and r.json()["code"] == "document_not_found"


def test_a_new_upload_of_the_same_file_replaces_the_old_one(client: TestClient, login, wait_job,  # noqa: ANN001
                                                          api_settings) -> None:
    admin = login("admin")
    first = wait_job(client, admin, _upload(client, admin, "phien-ban.md", GOOD.encode("utf-8")).json()["id"])
    changed = GOOD.replace("05 ngày làm việc", "03 ngày làm việc")
    second = wait_job(client, admin, _upload(client, admin, "phien-ban.md", changed.encode("utf-8")).json()["id"])
    assert first["status"] == second["status"] == "done"
    assert second["detail"]["updated"] == 1 and second["detail"]["doc_ids"] == first["detail"]["doc_ids"]
    assert not (api_settings.data_dir / "uploads" / first["id"]).exists()
    assert (api_settings.data_dir / "uploads" / second["id"]).is_dir()
    assert client.delete(f"/v1/documents/{second['detail']['doc_ids'][0]}", headers=admin).status_code == 204


def test_bad_files_are_rejected_in_the_job(client: TestClient, login, wait_job, api_settings) -> None:  # noqa: ANN001
    admin = login("admin")
    cases = {"hong.json": (b"{ \"records\": [", "JSON"), "rong.txt": (b"", "rỗng"),
             "gia-docx.docx": (b"day khong phai word", "docx")}
    for name, (data, reason) in cases.items():
        r = _upload(client, admin, name, data)
        assert r.status_code == 202, (name, r.text)
        job = wait_job(client, admin, r.json()["id"])
        assert job["status"] == "rejected", (name, job)
        assert job["detail"]["rejected"] and reason in job["detail"]["rejected"][0]["reason"], job
        assert not (api_settings.data_dir / "uploads" / job["id"]).exists()


def test_secret_stamped_upload_is_rejected_and_never_searchable(client: TestClient, login, wait_job,  # noqa: ANN001
                                                                api_settings) -> None:
    admin = login("admin")
    r = _upload(client, admin, "phuong-an.md", SECRET.encode("utf-8"))
    assert r.status_code == 202
    job = wait_job(client, admin, r.json()["id"])
    assert job["status"] == "rejected"
    assert "độ mật" in job["detail"]["rejected"][0]["reason"] and job["detail"]["doc_ids"] == []
    assert not (api_settings.data_dir / "uploads" / job["id"]).exists()  # not kept on disk either
    for user in ("admin", "ca.hoangminhduc"):
        hits = client.post("/v1/search", json={"query": SECRET_PHRASE, "top_k": 50}, headers=login(user)).json()
        assert all(SECRET_PHRASE not in h["text"] for h in hits["hits"])
    assert "upload:admin/phuong-an.md" not in {d["doc_id"] for d in client.get("/v1/documents", headers=admin).json()[
        "documents"]}


def test_unsupported_type_is_415_and_oversized_is_413(client: TestClient, login, api_settings) -> None:  # noqa: ANN001
    admin = login("admin")
    r = _upload(client, admin, "chuong-trinh.exe", b"MZ\x90\x00")
    assert r.status_code == 415 and r.json()["code"] == "unsupported_file_type"
    r = _upload(client, admin, "cu.rtf", b"{\\rtf1 ")  # a known format we do not read: says what to do
    assert r.status_code == 415 and ".docx" in r.json()["detail"]
    too_big = b"a" * (api_settings.max_request_bytes + 128 * 1024)
    r = _upload(client, admin, "lon.txt", too_big)
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    r = client.post("/v1/documents", headers={**admin, "Content-Type": "application/json"}, content=b"{}")
    assert r.status_code == 415
    r = client.get("/v1/documents/jobs/khong-co", headers=admin)
    assert r.status_code == 404 and r.json()["code"] == "job_not_found"


class _GatedEmbedder:
    """Holds the worker inside its embedding step until the test releases it."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.entered, self.release = threading.Event(), threading.Event()

    def embed_documents(self, texts: Any) -> Any:
        self.entered.set()
        self.release.wait(120)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> Any:
        return self.inner.embed_query(text)


def test_asks_complete_while_an_upload_is_being_indexed(client: TestClient, app, login, wait_job) -> None:  # noqa: ANN001
    admin, officer = login("admin"), login("vp.nguyenvana")
    worker = app.state.api.worker
    original = worker.indexer
    gate = _GatedEmbedder(original.embedder)
    worker.indexer = dataclasses.replace(original, embedder=gate)
    try:
        job = _upload(client, admin, "dang-lap-chi-muc.md", GOOD.replace("777", "778").encode("utf-8")).json()
        assert gate.entered.wait(60), "the worker never reached the embedding step"
        started = time.monotonic()
        r = client.post("/v1/ask", json={"question": "Trách nhiệm số hóa hồ sơ?"}, headers=officer)
        assert r.status_code == 200 and r.json()["answer"]
        assert client.post("/v1/search", json={"query": "số hóa"}, headers=officer).status_code == 200
        assert client.get("/readyz").status_code == 200
        assert time.monotonic() - started < 30
        assert client.get(f"/v1/documents/jobs/{job['id']}", headers=admin).json()["status"] == "running"
    finally:
        gate.release.set()
        worker.indexer = original
    assert wait_job(client, admin, job["id"])["status"] == "done"
