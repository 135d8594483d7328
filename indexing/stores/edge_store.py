"""VectorStore over qdrant-edge-py: the whole index in-process, one on-disk shard directory, no server.

Quirks handled here: the shard holds a lock on its write-ahead log, so only one handle (one process) can
have it open at a time; returned ids are ``uuid.UUID`` (turned back into strings); ``retrieve`` takes no
filter (so ``get`` scrolls with a has-id condition instead); ``order_by`` needs a range index (so
``doc_chunks`` sorts in Python); the HNSW index is built only by ``optimize()``, which this store
exposes for the indexer to call after a bulk load.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import qdrant_edge as qe

from core.errors import ConfigurationError
from indexing.store import (
    DENSE,
    KEYWORD_FIELDS,
    SPARSE,
    Hit,
    SearchFilter,
    SearchMode,
    SparseVec,
    StoredPoint,
)
from indexing.stores.common import RRF_K, UPSERT_BATCH, FilteredReads, resolve_mode
from indexing.stores.filters import describe, drop_leaks, to_edge

_SCROLL_PAGE = 256
_HNSW_M, _HNSW_EF_CONSTRUCT, _FULL_SCAN_KB = 16, 100, 10_000  # Qdrant's defaults


class EdgeStore(FilteredReads):
    """Embedded Qdrant shard at ``path`` (created by ``ensure_collection``, loaded if it already exists).

    ``on_disk``: original dense vectors, the sparse index and payloads stay in memory-mapped files (read
    through the page cache) rather than in the heap; ``scalar_quantization``: an int8 copy of the dense vectors
    kept in RAM searches first and the originals rescore. Both are how one process holds a million chunks in a
    few GB (benchmarks/million_chunks.py); they apply to a new shard and are kept by an existing one.
    ``payload_links=False`` skips the extra HNSW links Qdrant builds per large payload value (every access
    level, unit and kind): at a million chunks they cost several times the main graph's build time."""

    def __init__(self, path: Path, *, on_disk: bool = False, scalar_quantization: bool = False,
                 payload_links: bool = True) -> None:
        self.path = Path(path)
        self.on_disk = on_disk
        self.scalar_quantization = scalar_quantization
        self.payload_links = payload_links
        self._shard: qe.EdgeShard | None = None
        if (self.path / "edge_config.json").exists():
            self._shard = self._open(lambda: qe.EdgeShard.load(str(self.path)))

    @property
    def directory(self) -> Path:
        """The shard's folder: the whole index, what a snapshot copies."""
        return self.path

    def flush(self) -> None:
        """Write the segments to disk. Each update is in the shard's write-ahead log when it returns (a crashed
        process loses nothing: tests/indexing/test_edge_durability.py); flushing after every document cost
        half of a sparse-only index run, so it happens at optimize, close and snapshots."""
        if self._shard is not None:
            self._shard.flush()

    def _open(self, opener: Any) -> qe.EdgeShard:
        try:
            return opener()
        except Exception as exc:  # the bindings raise a bare Exception with the engine's message
            if "WAL" in str(exc):
                raise ConfigurationError(
                    f"the index at {self.path} is open in another process (qdrant-edge allows one at a time)"
                ) from exc
            if "incompatible" in str(exc).lower():
                raise ConfigurationError(f"the index at {self.path} does not match: {exc}") from exc
            raise

    def _config(self, dense_dim: int) -> qe.EdgeConfig:
        cold = qe.Memory.Cold if self.on_disk else None
        quantization = (
            qe.ScalarQuantizationConfig(type=qe.ScalarType.Int8, quantile=0.99, memory=qe.Memory.Pinned)
            if self.scalar_quantization
            else None
        )
        return qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=dense_dim, distance=qe.Distance.Cosine, memory=cold,
                                                quantization_config=quantization)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf, memory=cold)},
            payload_memory=cold,
            hnsw_config=None if self.payload_links else qe.HnswIndexConfig(
                m=_HNSW_M, ef_construct=_HNSW_EF_CONSTRUCT, full_scan_threshold=_FULL_SCAN_KB, payload_m=0),
        )

    def _keep_persisted_options(self) -> None:
        """An existing shard keeps the storage it was made with, whatever this handle was told: the options
        are part of the dense vector's config, which a reopen must pass to check the vector size."""
        try:
            saved = json.loads((self.path / "edge_config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        dense = (saved.get("vectors") or {}).get(DENSE) or {}
        self.on_disk = self.on_disk or dense.get("memory") == "cold"
        self.scalar_quantization = self.scalar_quantization or "quantization_config" in dense
        self.payload_links = self.payload_links and (saved.get("hnsw_config") or {}).get("payload_m") != 0

    def ensure_collection(self, dense_dim: int) -> None:
        """Create the shard, or reopen it with the config so a different embedding size fails loudly."""
        self._keep_persisted_options()
        config = self._config(dense_dim)
        if self._shard is None:
            if (self.path / "edge_config.json").exists():
                self._shard = self._open(lambda: qe.EdgeShard.load(str(self.path), config))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._shard = qe.EdgeShard.create(str(self.path), config)
        else:
            self._shard.close()
            self._shard = None
            self._shard = self._open(lambda: qe.EdgeShard.load(str(self.path), config))
        existing = set(self._shard.info().payload_schema)
        for name in KEYWORD_FIELDS:
            if name not in existing:
                self._shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword))
        self._shard.flush()

    def _require(self) -> qe.EdgeShard:
        if self._shard is None:
            raise ConfigurationError(f"no index at {self.path}: call ensure_collection first")
        return self._shard

    def upsert(self, points: Sequence[StoredPoint]) -> None:
        shard = self._require()
        for start in range(0, len(points), UPSERT_BATCH):
            batch = [
                qe.Point(
                    p.id,
                    {
                        **({DENSE: list(p.dense)} if p.dense is not None else {}),
                        SPARSE: qe.SparseVector(list(p.sparse.indices), list(p.sparse.values)),
                    },
                    p.payload,
                )
                for p in points[start : start + UPSERT_BATCH]
            ]
            shard.update(qe.UpdateOperation.upsert_points(batch))

    def set_dense(self, vectors: Mapping[str, Sequence[float]]) -> list[str]:
        shard = self._require()

        def update(ids: list[str]) -> None:
            shard.update(qe.UpdateOperation.update_vectors([qe.PointVectors(i, {DENSE: list(vectors[i])})
                                                            for i in ids]))

        missing: list[str] = []
        try:
            update(list(vectors))
        except Exception:  # one id is gone (its document was removed meanwhile): the others one by one
            for chunk_id in vectors:
                try:
                    update([chunk_id])
                except Exception:
                    missing.append(chunk_id)
        return missing

    def delete(self, chunk_ids: Sequence[str]) -> None:
        if not chunk_ids:
            return
        shard = self._require()
        shard.update(qe.UpdateOperation.delete_points(list(chunk_ids)))  # kept by the WAL: flushed at optimize

    def set_payload(self, chunk_ids: Sequence[str], values: dict[str, Any]) -> None:
        if not chunk_ids:
            return
        shard = self._require()
        shard.update(qe.UpdateOperation.set_payload(list(chunk_ids), dict(values)))  # the WAL keeps it, as above

    def optimize(self) -> bool:
        """Build the HNSW / payload indexes (edge has no background optimizer). True if anything changed."""
        changed = self._require().optimize()
        self._require().flush()
        return changed

    def search(
        self,
        *,
        flt: SearchFilter,
        dense: Sequence[float] | None = None,
        sparse: SparseVec | None = None,
        mode: SearchMode = "hybrid",
        limit: int = 10,
        prefetch_limit: int = 50,
        fusion: Literal["rrf", "dbsf"] = "rrf",
        weights: tuple[float, float] | None = None,
    ) -> list[Hit]:
        if self._shard is None:
            return []
        plan = resolve_mode(mode, dense, sparse)
        if plan is None:
            return []
        edge_filter = to_edge(describe(flt))
        queries: dict[str, Any] = {}
        if plan in ("hybrid", "dense"):
            queries[DENSE] = qe.Query.Nearest(list(dense or ()), using=DENSE)
        if plan in ("hybrid", "sparse"):
            assert sparse is not None
            queries[SPARSE] = qe.Query.Nearest(
                qe.SparseVector(list(sparse.indices), list(sparse.values)), using=SPARSE
            )
        if plan == "hybrid":
            request = qe.QueryRequest(
                limit=limit,
                prefetches=[
                    qe.Prefetch(limit=max(prefetch_limit, limit), query=q, filter=edge_filter)
                    for q in queries.values()
                ],
                query=qe.Fusion.Rrf(k=RRF_K, weights=list(weights) if weights else None)
                if fusion == "rrf"
                else qe.Fusion.Dbsf(),
                filter=edge_filter,
                with_payload=True,
            )
        else:
            (query,) = queries.values()
            request = qe.QueryRequest(limit=limit, query=query, filter=edge_filter, with_payload=True)
        points = self._shard.query(request)
        hits = [Hit(chunk_id=str(p.id), score=float(p.score), payload=dict(p.payload or {})) for p in points]
        return drop_leaks(hits, flt.principal, lambda h: h.payload)

    def _scroll(self, node: Any) -> list[Hit]:
        shard = self._shard
        if shard is None:
            return []
        edge_filter = to_edge(node)
        hits: list[Hit] = []
        offset: Any = None
        while True:
            records, offset = shard.scroll(
                qe.ScrollRequest(offset=offset, limit=_SCROLL_PAGE, filter=edge_filter, with_payload=True)
            )
            hits.extend(Hit(chunk_id=str(r.id), score=1.0, payload=dict(r.payload or {})) for r in records)
            if offset is None:
                return hits

    def count(self) -> int:
        return 0 if self._shard is None else self._shard.count(qe.CountRequest(exact=True))

    def clear(self) -> None:
        """Close the shard and delete its folder; ``ensure_collection`` creates a new one."""
        if self._shard is not None:
            self._shard.close()
            self._shard = None
        shutil.rmtree(self.path, ignore_errors=True)

    def close(self) -> None:
        if self._shard is not None:
            self._shard.flush()
            self._shard.close()
            self._shard = None
