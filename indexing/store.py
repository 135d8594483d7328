"""The vector-store seam: one Protocol, two engines (qdrant-edge-py in-process, qdrant-client for servers).

Access control lives here, inside the query: every search takes a ``SearchFilter`` that carries the
principal, and each implementation turns it into a Qdrant filter applied in every prefetch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from core.access import Principal

SearchMode = Literal["hybrid", "dense", "sparse"]
DENSE = "dense"
SPARSE = "sparse"

# Payload fields that get a keyword index (every field a filter can use).
KEYWORD_FIELDS: tuple[str, ...] = (
    "doc_id",
    "kind",
    "so_hieu",
    "loai_van_ban",
    "co_quan_ban_hanh",
    "linh_vuc",
    "validity",
    "access_level",
    "access_units",
    "access_roles",
    "access_unit_roles",
    "access_groups",
    "access_trees",
    "content_hash",
)



@dataclass(frozen=True)
class SparseVec:
    indices: list[int]
    values: list[float]


@dataclass
class StoredPoint:
    id: str  # UUID string, stable from doc id + citation path
    dense: list[float] | None  # None: written sparse-only, its vector comes later (``set_dense``)
    sparse: SparseVec
    payload: dict[str, Any]


@dataclass(frozen=True)
class SearchFilter:
    """What a search may return: always scoped to a principal, optionally narrowed by metadata.

    ``in_force_only`` drops chunks of documents known to be expired or not yet in force.
    """

    principal: Principal
    kinds: tuple[str, ...] = ()
    loai_van_ban: tuple[str, ...] = ()
    linh_vuc: tuple[str, ...] = ()
    co_quan_ban_hanh: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    in_force_only: bool = False


@dataclass
class Hit:
    chunk_id: str
    score: float
    payload: dict[str, Any] = field(default_factory=dict)


class VectorStore(Protocol):
    """Both implementations pass the same contract tests (tests/indexing/test_stores.py)."""

    def ensure_collection(self, dense_dim: int) -> None:
        """Create the collection (named dense + IDF sparse vectors, payload indexes) if it is missing."""

    def upsert(self, points: Sequence[StoredPoint]) -> None: ...

    def delete(self, chunk_ids: Sequence[str]) -> None: ...

    def set_dense(self, vectors: Mapping[str, Sequence[float]]) -> list[str]:
        """Give existing points their dense vector (payload and sparse vector kept); returns the ids skipped
        because no such point exists (removed meanwhile)."""

    def set_payload(self, chunk_ids: Sequence[str], values: dict[str, Any]) -> None:
        """Overwrite these payload keys of these points, keeping their vectors and other keys (a document's
        validity changes when another document replaces it: no re-embedding)."""

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
        """Hybrid = dense and sparse prefetches fused inside the engine; the filter is in every prefetch.

        ``weights`` (dense, sparse) weight the two prefetches in RRF. A hybrid query whose sparse vector has
        no terms runs dense-only; results are re-checked against the principal's labels before returning.
        """

    def get(self, chunk_ids: Sequence[str], flt: SearchFilter) -> list[Hit]:
        """Fetch chunks by id, still under the principal's filter (a hidden id returns nothing)."""

    def doc_chunks(self, doc_id: str, flt: SearchFilter) -> list[Hit]:
        """All chunks of one document the principal may see, in document order."""

    def optimize(self) -> bool:
        """Build search indexes after a bulk write (the embedded engine has no background optimizer)."""

    def count(self) -> int: ...

    def clear(self) -> None:
        """Drop every point and the collection itself (a full re-index may change the dense size)."""

    def close(self) -> None: ...
