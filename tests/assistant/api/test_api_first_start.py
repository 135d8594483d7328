"""A first start through the API: the index was written sparse-only, the service answers searches at once,
/readyz shows how many chunks wait for their dense vector, and the service's own backfill fills them."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.access import Principal
from tests.assistant.api.conftest import PASSWORD, REPO, make_settings

OFFICIAL = Principal(user_id="vp.nguyenvana", unit="Văn phòng UBND tỉnh", roles=("chuyen_vien",))


def test_search_before_the_vectors_and_progress_in_readyz(tmp_path: Path, users_copy: Path) -> None:
    settings = make_settings(tmp_path / "data", users_copy, dense_backfill=True)
    rt = Runtime(settings)
    report = rt.indexer().index(iter_sources([REPO / "data" / "samples"]))
    assert report.chunks > 0 and rt.backlog.count() == report.chunks
    assert rt.retriever().search("số hóa hồ sơ", OFFICIAL, mode="dense") == []

    with TestClient(create_app(settings, rt)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"] == {"store": "ok", "database": "ok"}
        dense = ready.json()["dense"]
        assert dense["chunks"] == report.chunks and 0 <= dense["pending_chunks"] <= report.chunks
        token = client.post("/v1/login", json={"username": OFFICIAL.user_id, "password": PASSWORD}).json()
        found = client.post("/v1/search", json={"query": "số hóa hồ sơ"},
                            headers={"Authorization": f"Bearer {token['access_token']}"})
        assert found.status_code == 200 and found.json()
        deadline = time.monotonic() + 120
        while client.get("/readyz").json()["dense"]["pending_chunks"] and time.monotonic() < deadline:
            time.sleep(0.1)
        done = client.get("/readyz").json()["dense"]
        assert done["pending_chunks"] == 0 and done["pending_documents"] == 0 and done["error"] is None
        assert done["filled_chunks"] == report.chunks
    assert rt.retriever().search("số hóa hồ sơ", OFFICIAL, mode="dense")
    rt.close()
