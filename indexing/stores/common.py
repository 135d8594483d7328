"""Small pieces both engines share, so they answer the same request the same way."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Literal

from indexing.store import Hit, SearchMode, SparseVec

# RRF constant, set explicitly on both engines (their defaults differ); 60 is the usual choice.
RRF_K = 60
# Points per write request: bounds the size of one engine call during a bulk load.
UPSERT_BATCH = 512


def resolve_mode(
    mode: SearchMode, dense: Sequence[float] | None, sparse: SparseVec | None
) -> Literal["hybrid", "dense", "sparse"] | None:
    """Which query to run. Hybrid with one side missing (a query of only stop-characters has no sparse
    terms) degrades to the other side; None when there is nothing to search with."""
    has_dense = dense is not None and len(dense) > 0
    has_sparse = sparse is not None and len(sparse.indices) > 0
    if mode == "dense":
        if not has_dense:
            raise ValueError("dense search needs a dense query vector")
        return "dense"
    if mode == "sparse":
        return "sparse" if has_sparse else None
    if has_dense and has_sparse:
        return "hybrid"
    if has_dense:
        return "dense"
    return "sparse" if has_sparse else None


def norm_id(chunk_id: str) -> str:
    """Canonical UUID text (engines hand ids back lower-case and hyphenated)."""
    return str(uuid.UUID(str(chunk_id)))


def order_key(hit: Hit) -> tuple[float, str]:
    """Document order by the payload's ``order``; chunks without one go last, ties broken by id."""
    order = hit.payload.get("order")
    return (float(order) if isinstance(order, int | float) else float("inf"), hit.chunk_id)
