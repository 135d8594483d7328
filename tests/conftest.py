"""Shared fixtures. Tests never reach a model hub: HF_HUB_OFFLINE makes a hidden download fail fast."""

from __future__ import annotations

import os
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
