"""VectorStore over qdrant-client: a Qdrant server (province scale) or the client's local mode (tests).

Local mode (``QdrantClient(path=...)`` / ``":memory:"``) is a brute-force Python engine: it ignores
payload indexes (we still create them, quietly, so the same code configures a server) and is slow past
a few tens of thousands of points. The store takes ownership of the client: ``close()`` closes it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from qdrant_client import QdrantClient, models

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
from indexing.stores.filters import describe, drop_leaks, to_qdrant

_SCROLL_PAGE = 256


def _sparse(vec: SparseVec) -> models.SparseVector:
    return models.SparseVector(indices=list(vec.indices), values=list(vec.values))


class QdrantStore(FilteredReads):
    """One collection with a named cosine ``dense`` vector and an IDF-weighted ``sparse`` vector.

    ``directory`` is where a local-mode client keeps its files (None for a server or ``:memory:``): what a
    snapshot copies. ``client`` and ``collection`` are public for admin work (snapshots, aliases)."""

    def __init__(
        self,
        client: QdrantClient,
        collection: str,
        shard_number: int = 1,
        replication_factor: int = 1,
        write_consistency_factor: int = 1,
        on_disk: bool = False,
        scalar_quantization: bool = False,
        directory: Path | None = None,
    ) -> None:
        self.client = client
        self.directory = Path(directory) if directory is not None else None
        self.collection = collection
        self.shard_number = shard_number
        self.replication_factor = replication_factor
        self.write_consistency_factor = write_consistency_factor
        self.on_disk = on_disk
        self.scalar_quantization = scalar_quantization
        self._known = False

    def _exists(self) -> bool:
        """Asked of the engine until it says yes once (saves a round trip per search on a server)."""
        if not self._known:
            self._known = self.client.collection_exists(self.collection)
        return self._known

    def ensure_collection(self, dense_dim: int) -> None:
        """Create the collection with the configured sharding / storage, or check the existing one's size."""
        if self._exists():
            vectors = self.client.get_collection(self.collection).config.params.vectors
            size = vectors[DENSE].size if isinstance(vectors, dict) and DENSE in vectors else None
            if size != dense_dim:
                raise ConfigurationError(
                    f"collection {self.collection!r} has dense size {size}, the embedder gives {dense_dim}"
                )
        else:
            quantization = (
                models.ScalarQuantization(
                    scalar=models.ScalarQuantizationConfig(type=models.ScalarType.INT8, always_ram=True)
                )
                if self.scalar_quantization
                else None
            )
            self.client.create_collection(
                self.collection,
                vectors_config={
                    DENSE: models.VectorParams(
                        size=dense_dim, distance=models.Distance.COSINE, on_disk=self.on_disk
                    )
                },
                sparse_vectors_config={
                    SPARSE: models.SparseVectorParams(
                        index=models.SparseIndexParams(on_disk=self.on_disk), modifier=models.Modifier.IDF
                    )
                },
                shard_number=self.shard_number,
                replication_factor=self.replication_factor,
                write_consistency_factor=self.write_consistency_factor,
                on_disk_payload=self.on_disk,
                quantization_config=quantization,
            )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Payload indexes have no effect in the local Qdrant")
            for name in KEYWORD_FIELDS:
                self.client.create_payload_index(
                    self.collection, name, field_schema=models.PayloadSchemaType.KEYWORD, wait=True
                )

    def upsert(self, points: Sequence[StoredPoint]) -> None:
        for start in range(0, len(points), UPSERT_BATCH):
            batch = [
                models.PointStruct(
                    id=p.id, payload=p.payload,
                    vector={**({DENSE: list(p.dense)} if p.dense is not None else {}), SPARSE: _sparse(p.sparse)},
                )
                for p in points[start : start + UPSERT_BATCH]
            ]
            self.client.upsert(self.collection, points=batch, wait=True)

    def set_dense(self, vectors: Mapping[str, Sequence[float]]) -> list[str]:
        found = {str(r.id) for r in self.client.retrieve(self.collection, ids=list(vectors), with_payload=False)}
        missing = [i for i in vectors if i not in found]
        present = [models.PointVectors(id=i, vector={DENSE: list(v)}) for i, v in vectors.items() if i in found]
        if present:
            self.client.update_vectors(self.collection, points=present, wait=True)
        return missing

    def delete(self, chunk_ids: Sequence[str]) -> None:
        if chunk_ids:
            self.client.delete(
                self.collection, points_selector=models.PointIdsList(points=list(chunk_ids)), wait=True
            )

    def set_payload(self, chunk_ids: Sequence[str], values: dict[str, Any]) -> None:
        if chunk_ids:
            self.client.set_payload(self.collection, payload=dict(values), points=list(chunk_ids), wait=True)

    def flush(self) -> None:
        """Nothing to do: local mode persists each write before returning, a server keeps its own files."""

    def optimize(self) -> bool:
        """Servers index in the background and local mode has no index: nothing to do."""
        return False

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
        plan = resolve_mode(mode, dense, sparse)
        if plan is None or not self._exists():
            return []
        qfilter = to_qdrant(describe(flt))
        if plan == "hybrid":
            assert dense is not None and sparse is not None
            depth = max(prefetch_limit, limit)
            query: Any = (
                models.RrfQuery(rrf=models.Rrf(k=RRF_K, weights=list(weights) if weights else None))
                if fusion == "rrf"
                else models.FusionQuery(fusion=models.Fusion.DBSF)
            )
            result = self.client.query_points(
                self.collection,
                prefetch=[
                    models.Prefetch(query=list(dense), using=DENSE, filter=qfilter, limit=depth),
                    models.Prefetch(query=_sparse(sparse), using=SPARSE, filter=qfilter, limit=depth),
                ],
                query=query,
                query_filter=qfilter,
                limit=limit,
                with_payload=True,
            )
        else:
            vector: Any = list(dense or ()) if plan == "dense" else _sparse(sparse)  # type: ignore[arg-type]
            result = self.client.query_points(
                self.collection,
                query=vector,
                using=DENSE if plan == "dense" else SPARSE,
                query_filter=qfilter,
                limit=limit,
                with_payload=True,
            )
        hits = [
            Hit(chunk_id=str(p.id), score=float(p.score), payload=dict(p.payload or {}))
            for p in result.points
        ]
        return drop_leaks(hits, flt.principal, lambda h: h.payload)

    def _scroll(self, node: Any) -> list[Hit]:
        if not self._exists():
            return []
        qfilter = to_qdrant(node)
        hits: list[Hit] = []
        offset: Any = None
        while True:
            records, offset = self.client.scroll(
                self.collection, scroll_filter=qfilter, limit=_SCROLL_PAGE, offset=offset, with_payload=True
            )
            hits.extend(Hit(chunk_id=str(r.id), score=1.0, payload=dict(r.payload or {})) for r in records)
            if offset is None:
                return hits

    def count(self) -> int:
        if not self._exists():
            return 0
        return self.client.count(self.collection, exact=True).count

    def clear(self) -> None:
        """Delete the collection; ``ensure_collection`` creates it again."""
        if self.client.collection_exists(self.collection):
            self.client.delete_collection(self.collection)
        self._known = False

    def close(self) -> None:
        self.client.close()
