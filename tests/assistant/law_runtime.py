"""A Runtime over a few real texts of ../shared/corpus/laws, sparse-only: for tests about what the service does
with what retrieval ranked (answers, citations, relations), not about the vectors. Skips when shared/ is absent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from connectors.auto import iter_sources
from core.settings import Settings

REPO = Path(__file__).resolve().parents[2]
LAWS = REPO.parent / "shared" / "corpus" / "laws"


def law_runtime(tmp_path_factory: pytest.TempPathFactory, names: list[str]) -> Runtime:
    """A Runtime whose index holds exactly ``names`` (file names under ../shared/corpus/laws); the caller
    closes it."""
    if not all((LAWS / name).exists() for name in names):
        pytest.skip("../shared/corpus/laws not found")
    root = tmp_path_factory.mktemp("laws")
    for name in names:
        shutil.copy(LAWS / name, root / name)
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), dense_backfill=True,
                        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite")
    rt = Runtime(settings)
    assert rt.indexer().index(iter_sources([root], max_bytes=settings.max_file_bytes)).rejected == []
    return rt
