"""GET /v1/tasks: a unit's tasks (named or through a group), by role, due date and document, under the
caller's access; bad filters are 4xx with a message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.service.runtime import Runtime
from assistant.tasks.extraction import extract_tasks
from connectors.files import FolderConnector
from core.access import AccessLabel
from core.documents import Document

PLAN_ID = "test:kh-731"
SECRET_ID = "test:kh-noi-bo-syt"
INTERNAL_PLAN = """KẾ HOẠCH
Kiểm tra an toàn thực phẩm nội bộ năm 2026
I. TỔ CHỨC THỰC HIỆN
1. Sở Y tế
- Chủ trì, phối hợp với Công an tỉnh kiểm tra bếp ăn tập thể trước ngày 30/4/2026.
"""


@pytest.fixture(scope="module")
def plans(runtime: Runtime, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("plans")
    text = (shared_dir / "corpus" / "legal" / "731-KH-UBND-2025-ha-tinh.txt").read_text(encoding="utf-8")
    (folder / "731.txt").write_text(text, encoding="utf-8")
    doc = next(d for d in FolderConnector([folder]).documents() if isinstance(d, Document))
    doc.doc_id = PLAN_ID
    secret = Document(doc_id=SECRET_ID, kind="legal", title="Kế hoạch kiểm tra nội bộ", text=INTERNAL_PLAN,
                      access=AccessLabel(level="restricted", units=("Sở Y tế",)))
    store = runtime.task_store()
    for d in (doc, secret):
        store.replace(d.doc_id, extract_tasks(d, runtime.units()))
    yield
    for d in (doc, secret):
        store.replace(d.doc_id, [])


def test_a_units_tasks_lead_and_support_by_deadline(client: TestClient, login: Callable[[str], dict[str, str]],
                                                    plans: None) -> None:
    r = client.get("/v1/tasks", params={"unit": "Công an tỉnh", "role": "lead", "doc_id": PLAN_ID,
                                        "today": "2026-03-15"}, headers=login("ca.hoangminhduc"))
    assert r.status_code == 200, r.text
    body = r.json()
    rows = [t["citation"] for t in body["tasks"]]
    assert body["unit"] == "Công an tỉnh" and "Phụ lục, dòng 1.1" in rows and "Phụ lục, dòng 1.2" not in rows
    assert all(t["role"] == "lead" for t in body["tasks"])
    dues = [t["due"] for t in body["tasks"] if t["due"]]
    assert dues == sorted(dues)
    first = body["tasks"][0]
    assert first["citation"] == "Phụ lục, dòng 1.1" and first["status"] == "due_soon"
    assert first["deadline"] == {"text": "Quý I/2026", "start": "2026-01-01", "end": "2026-03-31", "recurs": "",
                                 "annual_day": ""}
    support = client.get("/v1/tasks", params={"unit": "so y te", "role": "support", "doc_id": PLAN_ID},
                         headers=login("syt.lethicuc")).json()["tasks"]
    assert support and all(t["via"] in {"Các sở, ban, ngành"} for t in support)  # never named: through a group
    due = client.get("/v1/tasks", params={"unit": "me", "role": "lead", "due_before": "2026-03-31", "doc_id": PLAN_ID},
                     headers=login("ca.hoangminhduc")).json()["tasks"]
    assert {t["citation"] for t in due} == {"Phụ lục, dòng 1.1", "Phụ lục, dòng 1.3"}


def test_restricted_tasks_reach_only_their_readers(client: TestClient, login: Callable[[str], dict[str, str]],
                                                   api_keys: dict[str, str], plans: None) -> None:
    mine = client.get("/v1/tasks", params={"doc_id": SECRET_ID}, headers=login("syt.lethicuc")).json()
    assert [t["citation"] for t in mine["tasks"]] == ["Mục I.1, ý 1"]
    police = client.get("/v1/tasks", params={"unit": "Công an tỉnh"}, headers=login("ca.hoangminhduc")).json()
    on_behalf = client.get("/v1/tasks", params={"unit": "Công an tỉnh"},
                           headers={"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": "ca.hoangminhduc"}).json()
    for body in (police, on_behalf):
        assert SECRET_ID not in {t["doc_id"] for t in body["tasks"]} and body["tasks"]
        assert "bếp ăn tập thể" not in str(body)
    assert client.get("/v1/tasks").status_code == 401


def test_bad_filters_are_refused_with_a_message(client: TestClient, login: Callable[[str], dict[str, str]],
                                                plans: None) -> None:
    headers = login("syt.lethicuc")
    unknown = client.get("/v1/tasks", params={"unit": "Sở Bịa Đặt"}, headers=headers)
    assert unknown.status_code == 404 and "Sở Bịa Đặt" in unknown.text
    assert client.get("/v1/tasks", params={"role": "boss"}, headers=headers).status_code == 422
    assert client.get("/v1/tasks", params={"due_before": "30/6/2026"}, headers=headers).status_code == 422
    period = client.get("/v1/tasks", params={"due_before": "2026-01-01", "due_after": "2026-06-01"}, headers=headers)
    assert period.status_code == 400 and "due_after" in period.text
