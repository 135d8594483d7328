"""Province scale is a settings change: the qdrant-client path (through its local mode, the same code that talks to
a server) with sharding / replication / storage options from settings, the SQL records at a URL, and two API
processes sharing that database.

The two processes cannot share one embedded index: qdrant-edge and qdrant-client's local mode each lock their
folder for one process. So the corpus is indexed once and each process gets its own copy of that index folder,
as each replica would reach the same Qdrant server in production. Everything else the two share is the SQL
database at ASSISTANT_DATABASE_URL (and the JWT key from the environment): no data dir, no memory.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"
CORPUS = [REPO / "data" / "warehouse", REPO / "data" / "samples"]
PASSWORD = "demo123"
JWT = "shared-by-every-replica-0123456789abcdef0123"


def qdrant_settings(root: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": root / "data", "vector_store": "qdrant", "qdrant_path": root / "qdrant",
        "database_url": f"sqlite:///{root / 'records.sqlite'}", "embedding_cache_path": CACHE, **overrides}
    return Settings(**values)


@pytest.mark.slow
def test_qdrant_client_path_takes_its_collection_options_from_settings(tmp_path: Path):
    settings = qdrant_settings(tmp_path, qdrant_shard_number=3, qdrant_replication_factor=2,
                               qdrant_write_consistency_factor=2, qdrant_on_disk=True,
                               qdrant_scalar_quantization=True, collection="tinh_v1")
    runtime = Runtime(settings)
    try:
        from indexing.stores.qdrant_store import QdrantStore
        from indexing.stores.serialized import SerializedStore

        assert isinstance(runtime.store, SerializedStore)  # the runtime serialises calls for its threads
        store = runtime.store.inner
        assert isinstance(store, QdrantStore) and store.collection == "tinh_v1"
        created: list[dict[str, Any]] = []
        original = store.client.create_collection

        def spy(name: str, **kwargs: Any) -> Any:
            created.append({"name": name, **kwargs})
            return original(name, **kwargs)

        store.client.create_collection = spy  # type: ignore[method-assign]
        report = runtime.indexer().index(iter_sources(CORPUS))
        assert report.added >= 9 and not report.rejected
        [call] = created
        assert call["name"] == "tinh_v1"
        assert (call["shard_number"], call["replication_factor"], call["write_consistency_factor"]) == (3, 2, 2)
        assert call["on_disk_payload"] is True
        assert call["vectors_config"]["dense"].on_disk is True
        assert call["sparse_vectors_config"]["sparse"].index.on_disk is True
        assert call["quantization_config"].scalar.type.value == "int8"
        principal = runtime.principal("vp.nguyenvana")
        hits = runtime.retriever().search("hồ sơ thủ tục hành chính trực tuyến quý III", principal, top_k=3)
        assert hits and hits[0].payload["doc_id"] == "kho:VP-TTHC-2026Q3"
        # The service's records went to the SQL URL, not into the data dir.
        assert runtime.settings.sql_url == f"sqlite:///{tmp_path / 'records.sqlite'}"
        runtime.sessions  # noqa: B018 - creates the tables
        assert (tmp_path / "records.sqlite").exists() and not (tmp_path / "data" / "assistant.sqlite").exists()
    finally:
        runtime.close()


# --- two API processes, one SQL database -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiProcess:
    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._fh = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "assistant.api.app:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning"],
            cwd=REPO, env=env, stdout=self._fh, stderr=subprocess.STDOUT)

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"API {self.name} not ready:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._fh.close()


@pytest.fixture(scope="module")
def two_apis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ApiProcess, ApiProcess, str]]:
    root = tmp_path_factory.mktemp("scale-out")
    database_url = f"sqlite:///{root / 'shared-records.sqlite'}"
    # Index once (qdrant-client local mode), then one copy of the index per process.
    runtime = Runtime(qdrant_settings(root / "build", database_url=database_url))
    try:
        report = runtime.indexer().index(iter_sources(CORPUS))
        assert not report.rejected
    finally:
        runtime.close()
    procs = []
    for name in ("A", "B"):
        shutil.copytree(root / "build" / "qdrant", root / name / "qdrant")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
        env.update({
            "ASSISTANT_DATA_DIR": str(root / name / "data"),  # nothing local is shared
            "ASSISTANT_VECTOR_STORE": "qdrant",
            "ASSISTANT_QDRANT_PATH": str(root / name / "qdrant"),
            "ASSISTANT_DATABASE_URL": database_url,
            "ASSISTANT_JWT_SECRET": JWT,
            "ASSISTANT_USERS_FILE": str(REPO / "data" / "users.yaml"),
            "ASSISTANT_EMBEDDING_CACHE_PATH": str(CACHE),
            "ASSISTANT_RATE_LIMIT_PER_MINUTE": "100000",
            "ASSISTANT_LOGIN_RATE_LIMIT_PER_MINUTE": "100000",
            "ASSISTANT_DEMO": "1",  # the demo users file
        })
        procs.append(ApiProcess(name, env, root / f"api-{name}.log"))
    try:
        deadline = time.monotonic() + 240
        for p in procs:
            p.wait_ready(deadline)
        yield procs[0], procs[1], database_url
    finally:
        for p in procs:
            p.stop()


@pytest.mark.slow
def test_a_conversation_started_on_one_api_process_continues_on_the_other(two_apis):
    a, b, database_url = two_apis
    assert a.proc.pid != b.proc.pid
    with httpx.Client(base_url=a.url, timeout=120) as on_a, httpx.Client(base_url=b.url, timeout=120) as on_b:
        login = on_a.post("/v1/login", json={"username": "vp.nguyenvana", "password": PASSWORD})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        assert on_b.get("/v1/me", headers=auth).json()["id"] == "vp.nguyenvana"  # a token from A works on B

        first = on_a.post("/v1/ask", headers=auth, json={
            "question": "Quý III/2026 tỉnh tiếp nhận bao nhiêu hồ sơ thủ tục hành chính?"})
        assert first.status_code == 200, first.text
        conv = first.json()["conversation_id"]
        assert conv and first.json()["citations"]

        follow = on_b.post("/v1/ask", headers=auth, json={
            "question": "Còn tỷ lệ nộp trực tuyến thì sao?", "conversation_id": conv})
        assert follow.status_code == 200, follow.text
        assert follow.json()["conversation_id"] == conv
        # B rewrote the follow-up with the previous question, which it could only read from the shared database.
        assert "Quý III/2026" in follow.json()["standalone_question"], follow.json()["standalone_question"]

        listed = on_b.get("/v1/conversations", headers=auth).json()["conversations"]
        assert conv in [c["id"] for c in listed]
        for client in (on_a, on_b):
            detail = client.get(f"/v1/conversations/{conv}", headers=auth).json()
            assert [m["role"] for m in detail["messages"]] == ["user", "assistant", "user", "assistant"]

        # Feedback on B about the answer A gave.
        fb = on_b.post("/v1/feedback", headers=auth, json={"answer_id": first.json()["answer_id"], "rating": "up"})
        assert fb.status_code == 201, fb.text

    from sqlalchemy import func, select

    from assistant.service.db import AuditEvent, Feedback, make_engine, make_sessionmaker

    with make_sessionmaker(make_engine(database_url))() as s:
        asks = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "ask"))
        logins = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login"))
        assert asks == 2 and logins >= 1
        assert s.scalar(select(func.count()).select_from(Feedback)) == 1


@pytest.mark.slow
def test_api_keys_and_indexing_jobs_are_shared_through_sql(two_apis, tmp_path: Path):
    a, b, database_url = two_apis
    from assistant.service.credentials import create_api_key
    from assistant.service.db import make_engine, make_sessionmaker

    # A key made after both processes started (as `assistant apikey create` would) works on both at once.
    # (Its own user is the administrator: acting on behalf of one never grants admin rights.)
    key = create_api_key(make_sessionmaker(make_engine(database_url)), "dms-scale", user_id="admin")
    headers = {"X-API-Key": key}
    doc = tmp_path / "quyet-dinh-thu-nghiem.md"
    doc.write_text("# QUYẾT ĐỊNH thử nghiệm nhân rộng\n\nĐiều 1. Văn bản thử nghiệm cho hai tiến trình API.\n",
                   encoding="utf-8")
    with httpx.Client(timeout=120) as client:
        for api in (a, b):
            assert client.get(f"{api.url}/v1/me", headers=headers).json()["id"] == "admin"
        with doc.open("rb") as fh:
            job = client.post(f"{a.url}/v1/documents", headers=headers,
                              files={"file": (doc.name, fh, "text/markdown")})
        assert job.status_code == 202, job.text
        job_id = job.json()["id"]
        deadline = time.monotonic() + 120
        status = "queued"
        while time.monotonic() < deadline:
            status = client.get(f"{b.url}/v1/documents/jobs/{job_id}", headers=headers).json()["status"]
            if status not in ("queued", "running"):
                break
            time.sleep(0.5)
        assert status == "done", status  # A's worker indexed it; B reads the job from the shared database
        detail = client.get(f"{b.url}/v1/documents/jobs/{job_id}", headers=headers).json()
        assert json.dumps(detail["detail"])  # the worker's report travelled through SQL too
