"""Shared fixtures. Tests never reach a model hub: HF_HUB_OFFLINE makes a hidden download fail fast."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
for _key in [k for k in os.environ if k.startswith("ASSISTANT_")]:
    del os.environ[_key]

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO.parent / "shared").resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def users_file() -> Path:
    return REPO / "data" / "users.yaml"


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.fixture
def kill_when_busy() -> Callable[[int, int], threading.Thread]:
    """``kill_when_busy(pid, sig)``: a thread that sends ``sig`` once the idle child ``pid`` starts working
    (its CPU time rises), so a crash lands inside the call the test makes next, not before or after it."""

    def start(pid: int, sig: int) -> threading.Thread:
        baseline = _cpu_ticks(pid)

        def watch() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if _cpu_ticks(pid) >= baseline + 2:
                        os.kill(pid, sig)
                        return
                except (FileNotFoundError, ProcessLookupError):
                    return
                time.sleep(0.005)

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        return thread

    return start
