"""Eval fixtures: a sliced ALQAC folder (two small laws, ~75 articles, 113 queries), an eval data dir per
session, and one embedding cache kept across sessions (build/, ignored by git) so re-runs skip the model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SLICE_LAWS = ["Luật Cư trú", "Luật Tiếp cận thông tin"]
EMBEDDING_CACHE = Path(os.environ.get("EVAL_TEST_EMBEDDING_CACHE",
                                      REPO / "build" / "eval-test-cache" / "embeddings.sqlite"))


@pytest.fixture(scope="session")
def alqac_dir(shared_dir: Path) -> Path:
    path = shared_dir / "benchmarks" / "alqac24_25"
    if not (path / "corpus.jsonl").is_file():
        pytest.skip(f"ALQAC benchmark not found at {path}")
    return path


@pytest.fixture(scope="session")
def alqac_slice(alqac_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from evals.beir import write_slice

    target = tmp_path_factory.mktemp("alqac-slice")
    write_slice(alqac_dir, target, SLICE_LAWS)
    return target


@pytest.fixture(scope="session")
def eval_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("eval-data")


@pytest.fixture(scope="session")
def eval_settings(eval_data_dir: Path):
    from core.settings import Settings

    return Settings(data_dir=eval_data_dir, embedding_cache_path=EMBEDDING_CACHE)


@pytest.fixture(scope="session")
def slice_indexed(eval_settings, alqac_slice: Path) -> str:
    """Index the slice once per session (from the shared embedding cache when warm); returns its hash."""
    from evals.store_cache import open_eval_store

    store = open_eval_store(eval_settings, [alqac_slice / "corpus.jsonl"])
    try:
        assert store.report.chunks > 50 and not store.report.rejected
        return store.corpus_hash
    finally:
        store.close()


@pytest.fixture
def eval_env(monkeypatch: pytest.MonkeyPatch, eval_data_dir: Path) -> Path:
    """Environment for CLI runs: the session's eval data dir and the shared embedding cache."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(eval_data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_CACHE_PATH", str(EMBEDDING_CACHE))
    return eval_data_dir
