"""The two VectorStore engines and the factory that picks one from settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from indexing.store import VectorStore

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

    from core.settings import Settings

__all__ = ["local_index_dir", "open_qdrant_client", "open_store"]


def local_index_dir(settings: Settings) -> Path:
    """The folder an embedded engine (edge, qdrant-client local mode) keeps its index in."""
    if settings.vector_store == "edge":
        return settings.index_dir / "edge"
    return Path(settings.qdrant_path or settings.index_dir / "qdrant")


def open_qdrant_client(settings: Settings) -> QdrantClient:
    """qdrant-client for the configured Qdrant: the server by URL, else local mode in ``local_index_dir``."""
    from qdrant_client import QdrantClient

    if settings.qdrant_url:
        return QdrantClient(url=settings.qdrant_url, api_key=settings.qdrant_api_key)
    path = local_index_dir(settings)
    path.mkdir(parents=True, exist_ok=True)
    return QdrantClient(path=str(path))


def open_store(settings: Settings) -> VectorStore:
    """``edge``: the embedded shard under index_dir; ``qdrant``: a server by URL, else client local mode."""
    if settings.vector_store == "edge":
        from indexing.stores.edge_store import EdgeStore

        return EdgeStore(local_index_dir(settings), on_disk=settings.qdrant_on_disk,
                         scalar_quantization=settings.qdrant_scalar_quantization)

    from indexing.stores.qdrant_store import QdrantStore

    return QdrantStore(
        open_qdrant_client(settings),
        settings.collection,
        shard_number=settings.qdrant_shard_number,
        replication_factor=settings.qdrant_replication_factor,
        write_consistency_factor=settings.qdrant_write_consistency_factor,
        on_disk=settings.qdrant_on_disk,
        scalar_quantization=settings.qdrant_scalar_quantization,
        directory=None if settings.qdrant_url else local_index_dir(settings),
    )
