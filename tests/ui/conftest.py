"""A real API for the UI tests: a small corpus indexed with the CLI into a temporary data dir, then the
FastAPI app started with uvicorn in a subprocess. The UI only ever sees it through HTTP."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from ui_plans import task_plan
from ui_servers import REPO, SHARED, TTHC, base_env, free_port, stop, wait_http

from core.deadlines import today_in_vietnam


@pytest.fixture(scope="session")
def api_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Index data/warehouse, data/samples and three TTHC procedures; serve the API; yield its base URL."""
    root = tmp_path_factory.mktemp("ui-src")
    shutil.copytree(REPO / "data" / "warehouse", root / "kho")
    shutil.copytree(REPO / "data" / "samples", root / "mau")
    if (SHARED / "corpus" / "tthc").is_dir():
        (root / "tthc").mkdir()
        for name in TTHC:
            shutil.copy(SHARED / "corpus" / "tthc" / name, root / "tthc" / name)
    (root / "ke-hoach-nhiem-vu.txt").write_text(task_plan(today_in_vietnam()), encoding="utf-8")
    work = tmp_path_factory.mktemp("ui-api")
    env = base_env(work / "data")
    indexed = subprocess.run([sys.executable, "-m", "assistant.cli", "index", str(root), "--json"], env=env,
                             cwd=REPO, capture_output=True, text=True, timeout=900)
    assert indexed.returncode == 0, f"indexing failed:\n{indexed.stdout[-2000:]}\n{indexed.stderr[-4000:]}"

    port = free_port()
    log = work / "api.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "assistant.api.app:create_app", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log"],
            env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/v1/healthz", proc, log, timeout=300)
        yield url
    finally:
        stop(proc)


@pytest.fixture
def ui_env(api_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """AppTest runs the page in this process: point it at the test API."""
    monkeypatch.setenv("ASSISTANT_API_URL", api_url)
    return api_url
