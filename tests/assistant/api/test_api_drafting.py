"""POST /v1/drafts and /v1/format-check over real HTTP (TestClient on the real app): a draft kept under its
author's access with its .docx passing the check, căn cứ suggested from what the caller may see (a replaced one
never), the check of uploads with findings cited to NĐ 30, bad input as 4xx naming the problem, audit rows."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from assistant.correspondence.drafting import check_format, read_docx
from assistant.service.db import AuditEvent
from assistant.service.runtime import Runtime
from evals.format_check_set import planted_cases
from tests.assistant.validity.validity_fixtures import RESTRICTED, new_decision, old_decision

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY = {"loai_van_ban": "công văn", "co_quan": "Sở Y tế", "co_quan_chu_quan": "UBND tỉnh Hà Tĩnh",
        "ky_hieu": "SYT-NVY", "dia_danh": "Hà Tĩnh", "trich_yeu": "V/v tiếp nhận hồ sơ trực tuyến tại Bộ phận Một cửa",
        "kinh_gui": ["UBND tỉnh"], "noi_nhan": ["Sở Tài chính"], "quyen_han": "KT.", "thay_mat": "Giám đốc",
        "chuc_vu": "Phó Giám đốc", "nguoi_ky": "Nguyễn Văn An", "luu": "NVY"}


@pytest.fixture(scope="module")
def decisions(runtime: Runtime) -> Iterator[None]:
    """Quyết định 45/2023 (replaced) and 12/2025 (replacing it), indexed; the new one also as a copy only Sở
    Tài chính may see."""
    secret = new_decision(RESTRICTED)
    secret.doc_id, secret.metadata = "qd-12-2025-stc", {**secret.metadata, "so_hieu": "99/2025/QĐ-UBND"}
    runtime.indexer().index([old_decision(), new_decision(), secret])
    yield
    for doc_id in ("qd-45-2023", "qd-12-2025", "qd-12-2025-stc"):
        runtime.indexer().remove_document(doc_id)


def test_a_draft_is_made_kept_and_read_back_under_access(client: TestClient, login: Callable[[str], dict],
                                                         runtime: Runtime, decisions: None) -> None:
    r = client.post("/v1/drafts", json=BODY, headers=login("syt.lethicuc"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["findings"] == []
    draft = body["draft"]
    assert draft["so_ky_hieu"].endswith("/SYT-NVY") and draft["trich_yeu"].startswith("tiếp nhận")
    suggested = {b["so_hieu"]: b for b in draft["can_cu"]}
    assert "45/2023/QĐ-UBND" not in suggested  # replaced by 12/2025: never suggested
    assert "12/2025/QĐ-UBND" in suggested and suggested["12/2025/QĐ-UBND"]["validity_label"]
    assert "99/2025/QĐ-UBND" not in suggested  # only Sở Tài chính may see it
    docx = client.get(body["docx_url"], headers=login("syt.lethicuc"))
    assert docx.status_code == 200 and docx.headers["content-type"] == DOCX
    assert check_format(read_docx(docx.content)) == []
    assert client.get(f"/v1/drafts/{body['id']}", headers=login("syt.phamvandung")).status_code == 404  # not shared
    assert client.get(body["docx_url"], headers=login("ca.hoangminhduc")).status_code == 404
    shared = client.post("/v1/drafts", json={**BODY, "chia_se_don_vi": True}, headers=login("syt.lethicuc")).json()
    assert client.get(f"/v1/drafts/{shared['id']}", headers=login("syt.phamvandung")).status_code == 200
    assert client.get(f"/v1/drafts/{shared['id']}", headers=login("stc.vuthihoa")).status_code == 404
    stc = client.post("/v1/drafts", json=BODY, headers=login("stc.vuthihoa")).json()
    assert "99/2025/QĐ-UBND" in {b["so_hieu"] for b in stc["draft"]["can_cu"]}
    with runtime.sessions() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "draft")).all()
    assert any(row.answer_id == body["id"] and row.user_id == "syt.lethicuc" for row in rows)


@pytest.mark.parametrize(("change", "needle"), [
    ({"loai_van_ban": "nghị định"}, "loai_van_ban"), ({"kinh_gui": ["Sở Không Có"]}, "Sở Không Có"),
    ({"ky_hieu": "SYT NVY"}, "ky_hieu"), ({"ngay": "5/1/2026"}, "ngay"),
])
def test_a_bad_draft_request_is_422_naming_the_field(client: TestClient, login: Callable[[str], dict],
                                                     change: dict, needle: str) -> None:
    r = client.post("/v1/drafts", json={**BODY, **change}, headers=login("syt.lethicuc"))
    assert r.status_code == 422 and needle in r.text


def test_format_check_of_uploads(client: TestClient, login: Callable[[str], dict], runtime: Runtime,
                                 decisions: None) -> None:
    headers = login("vp.nguyenvana")
    case = planted_cases(only=("date-day-zero",))[0]
    r = client.post("/v1/format-check", files={"file": ("du-thao.docx", io.BytesIO(case.data), DOCX)},
                    headers=headers)
    assert r.status_code == 200, r.text
    findings = r.json()["findings"]
    assert [f["code"] for f in findings] == ["date.zero"]
    assert findings[0]["cite"] == "Phụ lục I, Phần I, Mục II, khoản 4, điểm b" and findings[0]["severity"] == "error"
    made = client.post("/v1/drafts", json={**BODY, "can_cu": [
        "Căn cứ Quyết định số 45/2023/QĐ-UBND ngày 10 tháng 5 năm 2023 của Ủy ban nhân dân tỉnh"]},
        headers=headers).json()
    assert [f["code"] for f in made["findings"]] == ["can_cu.replaced"]  # the official chose a replaced one
    assert "12/2025/QĐ-UBND" in made["findings"][0]["message"]
    data = client.get(made["docx_url"], headers=headers).content
    r = client.post("/v1/format-check", files={"file": ("cv.docx", io.BytesIO(data), DOCX)}, headers=headers)
    assert [f["code"] for f in r.json()["findings"]] == ["can_cu.replaced"]
    for name, content, status in (("a.txt", b"x", 415), ("a.pdf", b"not a pdf", 422), ("a.docx", b"", 422)):
        r = client.post("/v1/format-check", files={"file": (name, io.BytesIO(content), "application/octet-stream")},
                        headers=headers)
        assert r.status_code == status and name in r.json()["detail"], r.text
    # a file named with a phone number: masked at entry, so neither the answer nor the audit row holds it
    r = client.post("/v1/format-check", files={"file": ("cv_sdt_0912345678.docx", io.BytesIO(data), DOCX)},
                    headers=headers)
    assert r.status_code == 200 and "0912345678" not in r.json()["file"], r.text
    with runtime.sessions() as s:
        actions = s.scalars(select(AuditEvent.outcome).where(AuditEvent.action == "format_check")).all()
        questions = s.scalars(select(AuditEvent.question).where(AuditEvent.action == "format_check")).all()
    assert "findings:1" in actions and "unsupported_file_type" in actions
    assert not any("0912345678" in q for q in questions) and len(questions) == len(actions)
