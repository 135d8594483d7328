"""Small pieces both engines share, so they answer the same request the same way."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Literal

from indexing.store import Hit, SearchFilter, SearchMode, SparseVec

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


class FilteredReads:
    """``get`` and ``doc_chunks`` for an engine that can scroll an engine-neutral filter (``_scroll``):
    both go through the same access filter as search, and the Python re-check drops anything that slipped."""

    def _scroll(self, node: object) -> list[Hit]:
        raise NotImplementedError

    def get(self, chunk_ids: Sequence[str], flt: SearchFilter) -> list[Hit]:
        """Requested ids the principal may see, in the order asked for."""
        from indexing.stores.filters import describe, drop_leaks

        wanted = list(dict.fromkeys(norm_id(c) for c in chunk_ids))
        if not wanted:
            return []
        hits = drop_leaks(self._scroll(describe(flt, ids=wanted)), flt.principal, lambda h: h.payload)
        found = {h.chunk_id: h for h in hits}
        return [found[i] for i in wanted if i in found]

    def doc_chunks(self, doc_id: str, flt: SearchFilter) -> list[Hit]:
        from indexing.stores.filters import describe, drop_leaks

        hits = drop_leaks(self._scroll(describe(flt, doc_id=doc_id)), flt.principal, lambda h: h.payload)
        return sorted(hits, key=order_key)
