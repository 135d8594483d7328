"""Access labels on uploads and DMS documents, and an administrator's relabelling, through the real app: a
restricted upload is hidden from other units in search, answers, the documents list and a lookup by its số hiệu
(the same reply as a document that does not exist); bad ``access`` / ``fields`` are 422s naming them; a
relabelling takes effect on the next request, with no re-embedding, and is audited."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.service.db import AuditEvent
from assistant.service.runtime import Runtime
from core.access import Principal
from indexing.store import SearchFilter

DECISION = """# SỞ TÀI CHÍNH

**Số: 4321/QĐ-STC** — *ngày 02 tháng 11 năm 2026*

## QUYẾT ĐỊNH
Về việc điều chuyển kinh phí dự phòng cho phòng quản lý giá

### Điều 1. Điều chuyển kinh phí
Điều chuyển khoản kinh phí dự phòng chưa sử dụng của phòng tin học sang phòng quản lý giá để khảo sát giá vật liệu.

### Điều 2. Trách nhiệm thi hành
Chánh văn phòng sở và trưởng phòng quản lý giá chịu trách nhiệm thi hành quyết định này.
"""
FINANCE_ONLY = {"level": "restricted", "units_and_below": ["Sở Tài chính"]}
QUERY = "điều chuyển kinh phí dự phòng phòng tin học sang phòng quản lý giá"


def _upload(client: TestClient, headers: dict[str, str], name: str, **form: str) -> Any:
    return client.post("/v1/documents", headers=headers, data=form,
                       files={"file": (name, DECISION.encode("utf-8"), "text/markdown")})


def _found(client: TestClient, headers: dict[str, str], doc_id: str) -> bool:
    r = client.post("/v1/search", json={"query": QUERY, "top_k": 20}, headers=headers)
    assert r.status_code == 200, r.text
    return doc_id in {h["doc_id"] for h in r.json()["hits"]}


def test_bad_access_or_fields_are_422s_naming_them(client: TestClient, login) -> None:  # noqa: ANN001
    admin = login("admin")
    for form, named in (({"access": '{"level": "restricted", "unit": ["Sở Y tế"]}'}, "unit"),
                        ({"access": "not json"}, "access"),
                        ({"fields": '{"so_hieu": "1/QĐ", "nguoi_duyet": "A"}'}, "nguoi_duyet"),
                        ({"fields": '{"ngay_ban_hanh": "hôm qua"}'}, "ngay_ban_hanh"),
                        ({"fields": '{"do_mat": "Tối mật"}'}, "do_mat")):
        r = _upload(client, admin, "sai.md", **form)
        assert r.status_code == 422 and named in r.json()["detail"], (form, r.text)


def test_restricted_dms_upload_then_relabel(client: TestClient, login, wait_job, runtime: Runtime) -> None:  # noqa: ANN001
    admin, finance, health = login("admin"), login("stc.vuthihoa"), login("syt.lethicuc")
    fields = {"so_hieu": "4321/QĐ-STC", "trich_yeu": "Điều chuyển kinh phí dự phòng", "nguoi_ky": "Vũ Văn An"}
    r = _upload(client, admin, "qd-4321.md", access=json.dumps(FINANCE_ONLY, ensure_ascii=False),
                fields=json.dumps(fields, ensure_ascii=False), external_id="QLVB-4321", source_system="qlvb")
    assert r.status_code == 202, r.text
    done = wait_job(client, admin, r.json()["id"])
    assert done["status"] == "done", done
    doc_id = done["detail"]["doc_ids"][0]
    record = client.get(f"/v1/documents/{doc_id}", headers=finance).json()
    assert record["access"]["units_and_below"] == ["Sở Tài chính"] and record["metadata"]["nguoi_ky"] == "Vũ Văn An"
    assert _found(client, finance, doc_id) and not _found(client, health, doc_id)
    hidden = client.get(f"/v1/documents/{doc_id}", headers=health)
    missing = client.get("/v1/documents/upload:khong-co", headers=health)
    assert hidden.status_code == missing.status_code == 404 and hidden.json()["detail"] == missing.json()["detail"]
    assert doc_id not in {d["doc_id"] for d in client.get("/v1/documents", headers=health).json()["documents"]}

    # Looked up by its số hiệu, the outsider gets the reply a document that does not exist gets.
    def reply(number: str) -> str:
        r = client.post("/v1/ask", json={"question": f"Quyết định {number}/QĐ-STC điều chuyển kinh phí gì?"},
                        headers=health)
        assert r.status_code == 200, r.text
        body = r.json()
        assert doc_id not in {c["doc_id"] for c in body["citations"]}
        return re.sub(r"\b(4321|4329)\b", "N", body["answer"])

    assert reply("4321") == reply("4329")

    # The administrator relabels: the next request applies it; the chunks keep their vectors.
    chunks = runtime.manifest.get(doc_id).chunk_ids
    before = {h.chunk_id: h for h in runtime.store.get(chunks, _unit_filter("Sở Tài chính"))}
    denied = client.put(f"/v1/documents/access/{doc_id}", json={"access": "internal"}, headers=health)
    assert denied.status_code == 403
    started = time.perf_counter()
    changed = client.put(f"/v1/documents/access/{doc_id}", json={"access": {"level": "restricted",
                         "roles_in_units": {"Sở Y tế": ["chuyen_vien"]}}}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert _found(client, health, doc_id) and not _found(client, finance, doc_id)
    print(f"relabel + next search: {(time.perf_counter() - started) * 1000:.1f} ms")  # noqa: T201
    assert changed.json()["chunks"] == len(chunks) and changed.json()["before"]["units_and_below"] == ["Sở Tài chính"]
    after = {h.chunk_id: h for h in runtime.store.get(chunks, _unit_filter("Sở Y tế"))}
    assert before and {k: v.payload["content_hash"] for k, v in after.items()} == \
        {k: v.payload["content_hash"] for k, v in before.items()}
    assert client.put("/v1/documents/access/upload:khong-co", json={"access": "internal"},
                      headers=admin).status_code == 404
    assert client.put(f"/v1/documents/access/{doc_id}", json={"access": {"level": "restricted"}},
                      headers=admin).status_code == 422
    with runtime.sessions() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "access",
                                                  AuditEvent.outcome == "relabelled")).all()
    assert any(doc_id in (row.retrieved_ids or []) for row in rows)


def test_unlabelled_upload_is_internal(client: TestClient, login, wait_job) -> None:  # noqa: ANN001
    admin = login("admin")
    r = client.post("/v1/documents", headers=admin, files={"file": ("noi-bo.md", DECISION.replace(
        "4321", "4322").encode("utf-8"), "text/markdown")})
    done = wait_job(client, admin, r.json()["id"])
    doc_id = done["detail"]["doc_ids"][0]
    assert client.get(f"/v1/documents/{doc_id}", headers=admin).json()["access"]["level"] == "internal"
    assert client.get(f"/v1/documents/{doc_id}").status_code in (401, 404)


def _unit_filter(unit: str) -> SearchFilter:
    return SearchFilter(principal=Principal("x", unit=unit, roles=("chuyen_vien",)))
