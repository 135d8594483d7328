"""The province-scale stack on one machine, for the engine tests and the benchmark: an index built once and
copied, read-only, to each replica (no Qdrant server exists here), ``assistant serve`` replicas sharing one SQL
database, and optionally nginx in front and the paced model behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from engines import PROXY_ADDRESS, REPO, Nginx, Replica, free_port, stop_process

CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"
CORPUS = [REPO / "data" / "warehouse", REPO / "data" / "samples"]
JWT = "province-scale-shared-secret-0123456789abcdef"
PACED_MODEL = Path(__file__).resolve().parent / "paced_model.py"


def build_index(seed: Path) -> None:
    """The demo corpus indexed once (embedded engine) into ``seed``: what every replica gets a copy of."""
    from assistant.service.runtime import Runtime
    from connectors.auto import iter_sources
    from core.settings import Settings

    runtime = Runtime(Settings(data_dir=seed, embedding_cache_path=CACHE,
                               database_url=f"sqlite:///{seed.parent / 'seed-records.sqlite'}"))
    try:
        report = runtime.indexer().index(iter_sources(CORPUS))
        if report.rejected or not report.added:
            raise RuntimeError(f"seed index: {report}")
    finally:
        runtime.close()


def replica_env(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({
        "ASSISTANT_DATA_DIR": str(data_dir),
        "ASSISTANT_DATABASE_URL": database_url,
        "ASSISTANT_JWT_SECRET": JWT,
        "ASSISTANT_INDEX_READ_ONLY": "true",
        "ASSISTANT_TRUSTED_PROXIES": PROXY_ADDRESS,  # nginx's X-Forwarded-For only; a client's own is ignored
        "ASSISTANT_USERS_FILE": str(REPO / "data" / "users.yaml"),
        "ASSISTANT_EMBEDDING_CACHE_PATH": str(CACHE),
        "ASSISTANT_DEMO": "1",  # the demo users file
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": str(REPO),
        **extra,
    })
    return env


@dataclass
class Stack:
    root: Path
    database_url: str
    replicas: list[Replica] = field(default_factory=list)
    nginx: Nginx | None = None
    model_url: str | None = None
    exits: ExitStack = field(default_factory=ExitStack)

    @property
    def url(self) -> str:
        """Where clients go: nginx when there is one, else the first replica."""
        return self.nginx.url if self.nginx is not None else self.replicas[0].url

    def close(self) -> None:
        self.exits.close()


def start_paced_model(stack: Stack, delay: float) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(PACED_MODEL), "--port", str(port), "--delay", str(delay)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    stack.exits.callback(stop_process, proc, 5.0)
    stack.model_url = f"http://127.0.0.1:{port}/v1"
    import httpx

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{stack.model_url}/models", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the paced model did not start")


def start_stack(root: Path, database_url: str, *, replicas: int = 2, proxy: bool = True,
                model_delay: float | None = None, extra_env: dict[str, str] | None = None) -> Stack:
    """Index once, copy the index per replica, start all replicas at once (so they meet at the migration
    lock), wait until every one is ready, then nginx in front. On any failure everything started is stopped."""
    stack = Stack(root=root, database_url=database_url)
    try:
        seed = root / "seed"
        if not (seed / "index").exists():
            build_index(seed)
        env_extra = dict(extra_env or {})
        if model_delay is not None:
            start_paced_model(stack, model_delay)
            env_extra.update({"ASSISTANT_LLM_BACKEND": "openai", "ASSISTANT_LLM_BASE_URL": str(stack.model_url),
                              "ASSISTANT_LLM_MODEL": "paced", "ASSISTANT_LLM_MAX_RETRIES": "0"})
        names = "ABCDEFGH"[:replicas]
        for name in names:
            data = root / name / "data"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(seed, data)
        for name in names:
            replica = Replica(name, replica_env(root / name / "data", database_url, **env_extra),
                              root / f"replica-{name}.log")
            stack.exits.callback(replica.stop)
            stack.replicas.append(replica)
        deadline = time.monotonic() + 300
        for replica in stack.replicas:
            replica.wait_ready(deadline)
        if proxy:
            closed = free_port()  # the indexer and the UI are not run behind this proxy: uploads are out of scope
            stack.nginx = Nginx({"api": [r.port for r in stack.replicas], "indexer": [closed], "ui": [closed]})
            stack.exits.callback(stack.nginx.stop)
            stack.nginx.start()
    except BaseException:
        stack.close()
        raise
    return stack
