"""Document identity on upload: the sender's own id replaces its document and nothing else, two senders never
collide, and an upload can never write into the warehouse's or the TTHC connector's namespaces."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from connectors.document_identity import upload_doc_id
from core.errors import RejectedInput

RESTRICTED_SYT_DOC = "kho:SYT-DB-2026Q3"  # in the API tests' corpus, restricted to Sở Y tế
REPORT = "BÁO CÁO\nKết quả số hóa hồ sơ của đơn vị {unit} năm 2026\nĐiều 1. Đã số hóa {n} hồ sơ lưu trữ.\n"


def _upload(client: TestClient, headers: dict[str, str], name: str, data: bytes, **form: str) -> Any:
    return client.post("/v1/documents", headers=headers, data=form,
                       files={"file": (name, data, "application/octet-stream")})


def test_ids_from_two_senders_never_collide_and_the_same_id_replaces(client: TestClient, login, wait_job) -> None:  # noqa: ANN001
    admin = login("admin")
    a = wait_job(client, admin, _upload(client, admin, "baocao.md", REPORT.format(unit="Sở Y tế", n=10).encode(),
                                        external_id="2026/115", source_system="qlvb-syt").json()["id"])
    b = wait_job(client, admin, _upload(client, admin, "baocao.md", REPORT.format(unit="Sở Tư pháp", n=7).encode(),
                                        external_id="2026/115", source_system="qlvb-stp").json()["id"])
    assert a["detail"]["doc_ids"] == ["ext:qlvb-syt:2026/115"] and b["detail"]["doc_ids"] == ["ext:qlvb-stp:2026/115"]
    again = wait_job(client, admin, _upload(client, admin, "baocao-v2.md", REPORT.format(unit="Sở Y tế", n=12).encode(),
                                            external_id="2026/115", source_system="qlvb-syt").json()["id"])
    assert again["detail"]["doc_ids"] == a["detail"]["doc_ids"] and again["detail"]["updated"] == 1
    listed = {d["doc_id"] for d in client.get("/v1/documents", headers=admin).json()["documents"]}
    assert {"ext:qlvb-syt:2026/115", "ext:qlvb-stp:2026/115"} <= listed
    for doc_id in ("ext:qlvb-syt:2026/115", "ext:qlvb-stp:2026/115"):
        assert client.delete(f"/v1/documents/{doc_id}", headers=admin).status_code == 204


def test_upload_cannot_overwrite_a_warehouse_record_or_its_access(client: TestClient, login, wait_job,  # noqa: ANN001
                                                                 runtime) -> None:  # noqa: ANN001
    admin = login("admin")
    before = runtime.manifest.get(RESTRICTED_SYT_DOC)
    rid = RESTRICTED_SYT_DOC.removeprefix("kho:")
    record = {"id": rid, "title": "Báo cáo", "owner_unit": "Sở Y tế", "summary": "Số liệu công khai.",
              "updated_at": "2026-10-01T08:00:00+07:00", "access": "public"}
    job = wait_job(client, admin, _upload(client, admin, "kho.json", json.dumps(record).encode()).json()["id"])
    assert job["status"] == "rejected" and "«kho:…»" in job["detail"]["rejected"][0]["reason"], job
    after = runtime.manifest.get(RESTRICTED_SYT_DOC)
    assert after.content_hash == before.content_hash and after.chunk_ids == before.chunk_ids


@pytest.mark.parametrize(("form", "words"), [({"external_id": "../x"}, "external_id"),
                                             ({"external_id": "a" * 121}, ""),
                                             ({"source_system": "qlvb"}, "source_system")])
def test_bad_identity_fields_are_422(client: TestClient, login, form: dict[str, str], words: str) -> None:  # noqa: ANN001
    r = _upload(client, login("admin"), "qd.md", b"QUYET DINH", **form)
    assert r.status_code == 422 and words in r.text


def test_upload_ids_by_uploader() -> None:
    assert upload_doc_id("baocao.docx", "syt.admin") != upload_doc_id("baocao.docx", "stp.admin")
    assert upload_doc_id("baocao.docx", "syt.admin") == "upload:syt.admin/baocao.docx"
    with pytest.raises(RejectedInput):
        upload_doc_id("baocao.docx", "x", "dms", "id with space")
