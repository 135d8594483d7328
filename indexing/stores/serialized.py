"""One store shared by the request threads and the indexing thread of a process.

The embedded engine is not safe for concurrent calls (``ensure_collection`` closes and reopens its shard), so
every call takes one lock. Each call is short - one search, one upsert batch, one delete - and the indexer
writes batch by batch, so a search waits at most for one batch, never for a whole indexing run.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from indexing.store import Hit, SearchFilter, SearchMode, SparseVec, StoredPoint, VectorStore


class SerializedStore:
    """A :class:`VectorStore` that runs each call of ``inner`` under one lock."""

    def __init__(self, inner: VectorStore) -> None:
        self.inner = inner
        self._lock = threading.Lock()

    def ensure_collection(self, dense_dim: int) -> None:
        with self._lock:
            self.inner.ensure_collection(dense_dim)

    def upsert(self, points: Sequence[StoredPoint]) -> None:
        with self._lock:
            self.inner.upsert(points)

    def set_dense(self, vectors: Mapping[str, Sequence[float]]) -> list[str]:
        with self._lock:
            return self.inner.set_dense(vectors)

    def delete(self, chunk_ids: Sequence[str]) -> None:
        with self._lock:
            self.inner.delete(chunk_ids)

    def set_payload(self, chunk_ids: Sequence[str], values: dict[str, Any]) -> None:
        with self._lock:
            self.inner.set_payload(chunk_ids, values)

    def search(self, *, flt: SearchFilter, dense: Sequence[float] | None = None, sparse: SparseVec | None = None,
               mode: SearchMode = "hybrid", limit: int = 10, prefetch_limit: int = 50,
               fusion: Literal["rrf", "dbsf"] = "rrf", weights: tuple[float, float] | None = None) -> list[Hit]:
        with self._lock:
            return self.inner.search(flt=flt, dense=dense, sparse=sparse, mode=mode, limit=limit,
                                     prefetch_limit=prefetch_limit, fusion=fusion, weights=weights)

    def get(self, chunk_ids: Sequence[str], flt: SearchFilter) -> list[Hit]:
        with self._lock:
            return self.inner.get(chunk_ids, flt)

    def doc_chunks(self, doc_id: str, flt: SearchFilter) -> list[Hit]:
        with self._lock:
            return self.inner.doc_chunks(doc_id, flt)

    def optimize(self) -> bool:
        with self._lock:
            return self.inner.optimize()

    def count(self) -> int:
        with self._lock:
            return self.inner.count()

    def clear(self) -> None:
        with self._lock:
            self.inner.clear()

    def close(self) -> None:
        with self._lock:
            self.inner.close()
