"""The two VectorStore engines and the factory that picks one from settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexing.store import VectorStore

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = ["open_store"]


def open_store(settings: Settings) -> VectorStore:
    """``edge``: the embedded shard under index_dir; ``qdrant``: a server by URL, else client local mode."""
    if settings.vector_store == "edge":
        from indexing.stores.edge_store import EdgeStore

        return EdgeStore(settings.index_dir / "edge")

    from qdrant_client import QdrantClient

    from indexing.stores.qdrant_store import QdrantStore

    if settings.qdrant_url:
        client = QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key)
    else:
        path = settings.qdrant_path or settings.index_dir / "qdrant"
        path.mkdir(parents=True, exist_ok=True)
        client = QdrantClient(path=str(path))
    return QdrantStore(
        client,
        settings.collection,
        shard_number=settings.qdrant_shard_number,
        replication_factor=settings.qdrant_replication_factor,
        write_consistency_factor=settings.qdrant_write_consistency_factor,
        on_disk=settings.qdrant_on_disk,
        scalar_quantization=settings.qdrant_scalar_quantization,
    )
