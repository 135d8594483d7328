"""GET /v1/documents and /v1/documents/{id}: every field, within access; a hidden document is a missing one."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

RESTRICTED_DOC = "kho:SYT-DB-2026Q3"  # restricted to Sở Y tế and Văn phòng UBND tỉnh
SAMPLE = "file:quyet-dinh-tiep-nhan-phan-anh.html"


def _ids(client: TestClient, headers: dict[str, str]) -> set[str]:
    r = client.get("/v1/documents", headers=headers)
    assert r.status_code == 200, r.text
    return {d["doc_id"] for d in r.json()["documents"]}


def test_list_follows_access(client: TestClient, login: Callable[[str], dict[str, str]], api_keys) -> None:  # noqa: ANN001
    everything = _ids(client, login("admin"))
    assert RESTRICTED_DOC in everything and SAMPLE in everything
    assert RESTRICTED_DOC in _ids(client, login("syt.lethicuc"))
    outsider = _ids(client, login("ca.hoangminhduc"))
    assert RESTRICTED_DOC not in outsider and SAMPLE in outsider
    on_behalf = {"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": "ca.hoangminhduc"}
    assert _ids(client, on_behalf) == outsider
    assert client.get("/v1/documents").status_code == 401


def test_show_gives_every_field_and_hides_like_missing(client: TestClient,
                                                        login: Callable[[str], dict[str, str]]) -> None:
    r = client.get(f"/v1/documents/{SAMPLE}", headers=login("ca.hoangminhduc"))
    assert r.status_code == 200, r.text
    record = r.json()
    assert record["source_format"] == "html" and record["chunks"] > 0 and record["access"]["level"] == "public"
    meta = record["metadata"]
    assert meta["so_hieu"] == "2468/QĐ-UBND" and meta["loai_van_ban"] == "Quyết định"
    assert meta["co_quan_ban_hanh"] == "Ủy ban nhân dân tỉnh"
    assert meta["can_cu"][0]["so_hieu"] == "20/2008/NĐ-CP"

    seen = client.get(f"/v1/documents/{RESTRICTED_DOC}", headers=login("syt.lethicuc"))
    assert seen.status_code == 200 and seen.json()["access"]["level"] == "restricted"
    hidden = client.get(f"/v1/documents/{RESTRICTED_DOC}", headers=login("ca.hoangminhduc"))
    unknown = client.get("/v1/documents/kho:KHONG-CO", headers=login("ca.hoangminhduc"))
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == {**unknown.json()}
    assert "SYT" not in hidden.text.replace(RESTRICTED_DOC, "")
    # The routes beside it still answer: chunks and jobs are not taken for a document id.
    assert client.get(f"/v1/documents/{SAMPLE}/chunks", headers=login("ca.hoangminhduc")).status_code == 200
    assert client.get("/v1/documents/jobs/x", headers=login("admin")).json()["code"] == "job_not_found"


def test_the_access_eval_probes_these_routes(runtime, client: TestClient) -> None:  # noqa: ANN001
    """``assistant eval access`` asks the documents routes as each user: what it collects is what they saw."""
    from evals.access_channels import DocumentsRouteChannel, OpenAIRouteChannel

    route = OpenAIRouteChannel(runtime)
    try:
        channel = DocumentsRouteChannel(route)
        probe = {"id": "p", "text": "danh mục", "targets": [RESTRICTED_DOC]}
        users = runtime.users()
        outsider = channel.replies(probe, users["ca.hoangminhduc"].principal())
        assert RESTRICTED_DOC not in {d for r in outsider for _, d in r.doc_ids}
        assert outsider[-1].refused and "SYT" not in outsider[-1].texts[0][1]
        allowed = channel.replies(probe, users["syt.lethicuc"].principal())
        assert ("document record", RESTRICTED_DOC) in allowed[-1].doc_ids
    finally:
        route.close()
