"""Embeddings cached by (model, text) hash in SQLite: a re-run after a crash, a re-index of a changed
document or an eval run on the same corpus embeds only what is new. Dense embedding is the slow part."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from indexing.embedders import Embedder, embedder_from_settings

if TYPE_CHECKING:
    from core.settings import Settings

_LOOKUP_BATCH = 500  # keys per SELECT … IN (…), under SQLite's bound-parameter limit


class CachedEmbedder:
    """Wraps an Embedder; same interface. Queries are not cached here, on disk (often personal): the service
    keeps each asker's recent question vectors in memory only (``assistant.search.query_vectors``).

    Safe to share between threads: cache reads and writes take a lock, the model runs outside it (its C engine
    is re-entrant), so an upload's long embedding never makes a question wait.
    """

    def __init__(self, inner: Embedder, path: Path) -> None:
        self._inner = inner
        self.name = inner.name
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self._db.commit()
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        """The inner model's size (a remote service is asked on first use, not when the cache opens)."""
        return self._inner.dim

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.name}\x1f{text}".encode()).hexdigest()

    def store(self, texts: Sequence[str], vectors: np.ndarray | Sequence[np.ndarray]) -> None:
        """Record ``vectors`` as this model's embeddings of ``texts`` (a preloaded cache, as indexing leaves
        it): the next ``embed_documents`` of those texts reads them instead of running the model."""
        if len(texts) != len(vectors):
            raise ValueError(f"store: {len(texts)} texts but {len(vectors)} vectors")
        rows = [(self._key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors, strict=True)]
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)", rows)
            self._db.commit()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), _LOOKUP_BATCH):
                part = keys[start : start + _LOOKUP_BATCH]
                marks = ",".join("?" * len(part))
                for key, blob in self._db.execute(f"SELECT key, vec FROM emb WHERE key IN ({marks})", part):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            vectors = self._inner.embed_documents([texts[i] for i in missing])  # outside the lock
            self.store([texts[i] for i in missing], vectors)
            for j, i in enumerate(missing):
                found[keys[i]] = vectors[j]
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._inner.embed_query(text)

    def close(self) -> None:
        with self._lock:
            self._db.close()
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


def embedding_cache_path(settings: Settings) -> Path:
    """Where the settings keep the embedding cache (shared by every store under one data dir)."""
    return Path(settings.embedding_cache_path or settings.data_dir / "embeddings.sqlite")


def cached_embedder(settings: Settings) -> CachedEmbedder:
    """The runtime's default embedder: the configured model behind the SQLite embedding cache."""
    return CachedEmbedder(embedder_from_settings(settings), embedding_cache_path(settings))
