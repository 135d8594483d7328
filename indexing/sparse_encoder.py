"""BM25-style sparse vectors for Vietnamese text; the IDF half of BM25 is applied by Qdrant (Modifier.IDF).

Documents carry the term-frequency half (saturation and length normalisation); queries carry 1.0 per
distinct term, so the engine's dot product with IDF reproduces BM25 without a vocabulary file. Term
indices come from a stable hash, so an index built by one process is searchable from any other.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from core.vietnamese import sparse_terms
from indexing.store import SparseVec

_INDEX_MASK = 0x7FFFFFFF  # 31 bits: a non-negative int32 on every engine


def term_index(term: str) -> int:
    """Stable across processes and Python versions: first 4 bytes of blake2b(utf-8), little-endian, 31 bits.

    Python's ``hash()`` is salted per process, which would make a saved index unsearchable.
    """
    digest = hashlib.blake2b(term.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "little") & _INDEX_MASK


def _to_sparse(weights: dict[int, float]) -> SparseVec:
    indices = sorted(weights)
    return SparseVec(indices=indices, values=[weights[i] for i in indices])


class SparseEncoder:
    """Turns text into term-index sparse vectors; documents and queries use the same segmenter."""

    def __init__(
        self, segmenter: str = "underthesea", k1: float = 1.2, b: float = 0.75, avgdl: float = 180.0
    ):
        if k1 < 0 or not 0.0 <= b <= 1.0 or avgdl <= 0:
            raise ValueError(f"invalid BM25 parameters k1={k1}, b={b}, avgdl={avgdl}")
        self.segmenter = segmenter
        self.k1 = k1
        self.b = b
        self.avgdl = avgdl

    def terms(self, text: str) -> list[str]:
        return sparse_terms(text, self.segmenter)

    def encode_document(self, text: str) -> SparseVec:
        """w = tf*(k1+1) / (tf + k1*(1 - b + b*dl/avgdl)), dl = number of terms; colliding terms add up."""
        terms = self.terms(text)
        if not terms:
            return SparseVec(indices=[], values=[])
        norm = self.k1 * (1.0 - self.b + self.b * len(terms) / self.avgdl)
        weights: dict[int, float] = {}
        for term, tf in Counter(terms).items():
            idx = term_index(term)
            weights[idx] = weights.get(idx, 0.0) + tf * (self.k1 + 1.0) / (tf + norm)
        return _to_sparse(weights)

    def encode_query(self, text: str) -> SparseVec:
        """1.0 per distinct term (BM25 ignores query term frequency); colliding terms add up."""
        weights: dict[int, float] = {}
        for term in dict.fromkeys(self.terms(text)):
            idx = term_index(term)
            weights[idx] = weights.get(idx, 0.0) + 1.0
        return _to_sparse(weights)
