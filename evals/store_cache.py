"""A fresh evaluation store per corpus, cached by content hash.

``open_eval_store`` indexes a corpus (BEIR ``corpus.jsonl``, folders of documents, extra in-memory
documents) into ``<data_dir>/evals/<hash[:16]>``: the hash covers every input byte and every setting that
changes the index, so a changed corpus or chunking gets a new store and an unchanged one is reused (the
indexing pipeline is incremental, so a second run only reads the manifest). All eval stores share one
embedding cache (``embedding_cache_path``, by default ``<data_dir>/embeddings.sqlite``): dense embedding
is the slow part, and the same article embeds to the same vector in every store.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.service.runtime import Runtime
from connectors.articles import ArticlesConnector
from connectors.base import Rejection
from core.documents import Document
from core.settings import Settings
from indexing.embedders import Embedder
from indexing.embedding_cache import cached_embedder, embedding_cache_path
from indexing.index_fingerprint import fingerprint, index_settings
from indexing.pipeline import IndexReport


class QueryVectorCache:
    """Wraps the runtime's embedder: query vectors memoised for the run (an access probe is asked by every
    user) and, with ``path``, kept in SQLite across runs (repeated evals of one question set skip the
    model; latencies then exclude query embedding, which the report's config records)."""

    def __init__(self, inner: Embedder, path: Path | None = None) -> None:
        self._inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._memo: dict[str, np.ndarray] = {}
        self._db: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS query_emb (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
            self._db.commit()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        key = hashlib.sha256(f"{self.name}\x1fquery\x1f{text}".encode()).hexdigest()
        if key in self._memo:
            return self._memo[key]
        row = self._db.execute("SELECT vec FROM query_emb WHERE key = ?", (key,)).fetchone() if self._db else None
        if row is not None:
            vector = np.frombuffer(row[0], dtype=np.float32)
        else:
            vector = np.asarray(self._inner.embed_query(text), dtype=np.float32)
            if self._db is not None:
                self._db.execute("INSERT OR REPLACE INTO query_emb VALUES (?, ?)", (key, vector.tobytes()))
                self._db.commit()
        self._memo[key] = vector
        return vector

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        close = getattr(self._inner, "close", None)
        if close:
            close()


@dataclass
class EvalStore:
    runtime: Runtime
    corpus_hash: str
    directory: Path
    report: IndexReport
    index_seconds: float
    sources: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.runtime.close()


def _files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"không tìm thấy: {path}")
    return files


def corpus_hash(settings: Settings, paths: Sequence[Path], extra: Sequence[Document] = ()) -> str:
    """sha256 over the input files (name and bytes), extra documents, the index-shaping settings and the
    engine (each engine keeps its own store)."""
    digest = hashlib.sha256()
    digest.update(f"index={fingerprint(index_settings(settings))}\nvector_store={settings.vector_store}\n".encode())
    for path in _files(paths):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for doc in extra:
        digest.update(f"{doc.doc_id}\0{doc.hash}".encode())
    return digest.hexdigest()


def eval_settings(settings: Settings, chash: str) -> Settings:
    """The same settings pointed at the eval store for ``chash``, sharing the embedding cache."""
    base = Path(settings.data_dir)
    directory = base / "evals" / chash[:16]
    update: dict[str, Any] = {
        "data_dir": directory,
        "embedding_cache_path": embedding_cache_path(settings),
        "collection": f"{settings.collection}_eval_{chash[:12]}",
    }
    if settings.vector_store == "qdrant" and not settings.qdrant_url:
        update["qdrant_path"] = directory / "qdrant"
    return settings.model_copy(update=update)


def _sources(paths: Sequence[Path], kind: str, max_bytes: int) -> Iterator[Document | Rejection]:
    if kind == "articles":
        for path in paths:
            yield from ArticlesConnector(Path(path), max_bytes).documents()
        return
    from connectors.auto import iter_sources

    yield from iter_sources(list(paths), kind=kind, max_bytes=max_bytes)


def open_eval_store(settings: Settings, paths: Sequence[Path], *, kind: str = "articles",
                    extra: Iterable[Document] = (), progress: bool = False,
                    cache_queries: bool = False) -> EvalStore:
    """Index ``paths`` (and ``extra`` documents) into the eval store for their content hash and open it.

    ``cache_queries`` keeps query vectors in ``eval-queries.sqlite`` next to the embedding cache."""
    extra = list(extra)
    paths = [Path(p) for p in paths]
    chash = corpus_hash(settings, paths, extra)
    esettings = eval_settings(settings, chash)
    directory = Path(esettings.data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    cache_path = embedding_cache_path(esettings).with_name("eval-queries.sqlite") if cache_queries else None
    runtime = Runtime(esettings, embedder=QueryVectorCache(cached_embedder(esettings), cache_path))
    started = time.perf_counter()
    try:
        items: Iterable[Document | Rejection] = _sources(paths, kind, settings.max_file_bytes)
        report = runtime.indexer().index([*items, *extra], progress=progress)
    except BaseException:
        runtime.close()
        raise
    seconds = time.perf_counter() - started
    (directory / "eval-store.json").write_text(json.dumps({
        "corpus_hash": chash, "sources": [str(p) for p in paths], "kind": kind,
        "extra_documents": [d.doc_id for d in extra], "last_index": report.as_dict(),
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    return EvalStore(runtime=runtime, corpus_hash=chash, directory=directory, report=report,
                     index_seconds=seconds, sources=[str(p) for p in paths])
