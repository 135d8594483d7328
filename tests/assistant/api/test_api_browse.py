"""Full-document reading under access, and the audit listing for administrators."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

RESTRICTED_DOC = "kho:SYT-DB-2026Q3"  # restricted to Sở Y tế and Văn phòng UBND tỉnh


def test_document_chunks_follow_access(client: TestClient, login: Callable[[str], dict[str, str]]) -> None:
    seen = client.get(f"/v1/documents/{RESTRICTED_DOC}/chunks", headers=login("syt.lethicuc"))
    assert seen.status_code == 200
    chunks = seen.json()["chunks"]
    assert chunks and all(c["doc_id"] == RESTRICTED_DOC for c in chunks)
    assert [c["order"] for c in chunks] == sorted(c["order"] for c in chunks)
    assert any("412" in c["text"] for c in chunks)

    hidden = client.get(f"/v1/documents/{RESTRICTED_DOC}/chunks", headers=login("ca.hoangminhduc"))
    unknown = client.get("/v1/documents/kho:KHONG-CO/chunks", headers=login("ca.hoangminhduc"))
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["detail"] == unknown.json()["detail"]
    assert "412" not in hidden.text
    assert client.get(f"/v1/documents/{RESTRICTED_DOC}/chunks").status_code == 401


def test_audit_listing_is_for_admins_and_masked(client: TestClient, login: Callable[[str], dict[str, str]]) -> None:
    headers = login("vp.nguyenvana")
    client.post("/v1/search", json={"query": "số CCCD 001203004567 của tôi, gọi 0912345678", "top_k": 3},
                headers=headers)
    assert client.get("/v1/audit", headers=headers).status_code == 403
    response = client.get("/v1/audit", params={"limit": 50}, headers=login("admin"))
    assert response.status_code == 200
    rows = response.json()["rows"]
    searches = [r for r in rows if r["action"] == "search" and r["user_id"] == "vp.nguyenvana"]
    assert searches
    assert "001203004567" not in response.text and "0912345678" not in response.text
    assert client.get("/v1/audit", params={"limit": 0}, headers=login("admin")).status_code == 422
