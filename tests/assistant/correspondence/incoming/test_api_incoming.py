"""POST /v1/incoming and GET /v1/incoming/{id} over real HTTP (TestClient on the real app): the card of a letter
at once, its cited decisions resolved as the caller may see them, kept for its author (and their unit when
shared), another unit's official refused; a scan read as a job; bad input as 4xx naming the file; audit rows."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from assistant.service.db import AuditEvent
from assistant.service.runtime import Runtime
from tests.assistant.correspondence.incoming.letter import LETTER
from tests.assistant.validity.validity_fixtures import RESTRICTED, new_decision, old_decision

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


@pytest.fixture(scope="module")
def decisions(runtime: Runtime) -> Iterator[None]:
    """Quyết định 45/2023 (replaced by 12/2025) indexed for everyone; 99/2025 only for Sở Tài chính."""
    secret = new_decision(RESTRICTED)
    secret.doc_id, secret.metadata = "qd-99-2025-stc", {**secret.metadata, "so_hieu": "99/2025/QĐ-UBND"}
    runtime.indexer().index([old_decision(), new_decision(), secret])
    yield
    for doc_id in ("qd-45-2023", "qd-12-2025", "qd-99-2025-stc"):
        runtime.indexer().remove_document(doc_id)


def _post(client: TestClient, headers: dict, data: dict | None = None, name: str = "cv-77.txt",
          content: bytes = LETTER.encode("utf-8")):  # noqa: ANN202
    return client.post("/v1/incoming", files={"file": (name, io.BytesIO(content), "text/plain")}, data=data or {},
                       headers=headers)


def test_the_card_is_made_at_once_and_kept_for_its_author(client: TestClient, login: Callable[[str], dict],
                                                          runtime: Runtime, decisions: None) -> None:
    r = _post(client, login("syt.lethicuc"), {"ngay_den": "2026-01-07"})
    assert r.status_code == 201, r.text
    body = r.json()
    card = body["card"]
    assert card["header"]["so_hieu"]["value"] == "77/UBND-KT"
    assert [req["deadline"]["due"] for req in card["requests"]] == ["2026-01-20", "2026-01-25", "2026-01-17"]
    assert card["lead"]["unit"] == "Sở Y tế"
    cited = {c["so_hieu"]: c for c in card["cited"]}
    assert cited["45/2023/QĐ-UBND"]["found"] and "12/2025/QĐ-UBND" in cited["45/2023/QĐ-UBND"]["replaced_by"]
    assert not cited["99/2025/QĐ-UBND"]["found"]  # Sở Y tế may not see it: not found, like one never indexed
    assert "chưa tìm thấy trong kho" in body["text"]
    assert client.get(f"/v1/incoming/{body['id']}", headers=login("syt.lethicuc")).status_code == 200
    assert client.get(f"/v1/incoming/{body['id']}", headers=login("syt.phamvandung")).status_code == 404  # not shared
    assert client.get(f"/v1/incoming/{body['id']}", headers=login("ca.hoangminhduc")).status_code == 404
    stc = _post(client, login("stc.vuthihoa")).json()
    assert {c["so_hieu"]: c for c in stc["card"]["cited"]}["99/2025/QĐ-UBND"]["found"]  # its own unit's copy
    with runtime.sessions() as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == "incoming")).all()
    assert any(row.answer_id == body["id"] and row.user_id == "syt.lethicuc" for row in rows)


def test_a_shared_card_is_read_by_the_unit_and_no_other(client: TestClient, login: Callable[[str], dict]) -> None:
    access = '{"level": "restricted", "units": ["Sở Y tế"]}'
    r = _post(client, login("syt.lethicuc"), {"chia_se_don_vi": "true", "access": access,
                                              "fields": '{"co_quan_ban_hanh": "UBND tỉnh Hà Tĩnh"}'})
    assert r.status_code == 201, r.text
    card_id = r.json()["id"]
    assert r.json()["access"]["level"] == "restricted"
    assert r.json()["card"]["header"]["co_quan_ban_hanh"]["value"]
    assert client.get(f"/v1/incoming/{card_id}", headers=login("syt.phamvandung")).status_code == 200
    assert client.get(f"/v1/incoming/{card_id}", headers=login("stc.vuthihoa")).status_code == 404
    assert client.get(f"/v1/incoming/{card_id}", headers=login("ca.hoangminhduc")).status_code == 404


@pytest.mark.parametrize(("name", "content", "data", "status", "needle"), [
    ("a.xyz", b"abc", {}, 415, "a.xyz"),
    ("rong.txt", b"", {}, 422, "rong.txt"),
    ("mat.txt", ("MẬT\n" + LETTER).encode("utf-8"), {}, 422, "độ mật"),
    ("cv.txt", LETTER.encode("utf-8"), {"fields": '{"khong_co": "x"}'}, 422, "khong_co"),
    ("cv.txt", LETTER.encode("utf-8"), {"access": '{"level": "bi_mat"}'}, 422, "access"),
    ("cv.txt", LETTER.encode("utf-8"), {"ngay_den": "7/1/2026"}, 422, "ngay_den"),
])
def test_bad_input_is_4xx_naming_it(client: TestClient, login: Callable[[str], dict], name: str, content: bytes,
                                    data: dict, status: int, needle: str) -> None:
    r = _post(client, login("syt.lethicuc"), data, name=name, content=content)
    assert r.status_code == status and needle in r.text, r.text


def test_a_scan_is_read_as_a_job(client: TestClient, login: Callable[[str], dict]) -> None:
    image = Image.new("RGB", (1240, 700), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    lines = ["Số: 12/UBND-KT", "Hà Tĩnh, ngày 05 tháng 01 năm 2026", "Kính gửi: Sở Y tế.",
             "Giao Sở Y tế chủ trì rà soát hồ sơ, báo cáo trước ngày 20/01/2026."]
    for i, line in enumerate(lines):
        draw.text((60, 60 + 70 * i), line, fill="black", font=font)
    png = io.BytesIO()
    image.save(png, format="PNG", dpi=(300, 300))
    r = client.post("/v1/incoming", files={"file": ("scan.png", io.BytesIO(png.getvalue()), "image/png")},
                    headers=login("syt.lethicuc"))
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued"
    url = r.json()["url"]
    assert client.get(url, headers=login("ca.hoangminhduc")).status_code == 404
    deadline = time.monotonic() + 300  # a guard against a hung job, not a speed check
    while True:
        found = client.get(url, headers=login("syt.lethicuc")).json()
        if found["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert found["status"] == "done", found
    assert found["card"]["requests"] and found["card"]["requests"][0]["lead"][0]["name"] == "Sở Y tế"
