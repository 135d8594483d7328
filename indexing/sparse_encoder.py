"""BM25-style sparse vectors for Vietnamese text; the IDF half of BM25 is applied by Qdrant (Modifier.IDF).

Documents carry the term-frequency half (saturation and length normalisation); queries carry 1.0 per
distinct term, so the engine's dot product with IDF reproduces BM25 without a vocabulary file. Term
indices come from a stable hash, so an index built by one process is searchable from any other.

Two fields share the one sparse vector (no second named vector, so both stores keep their schema): the
marked terms (segmented words, syllables and, with ``bigrams``, adjacent syllable pairs "a+b") and, with
``mark_free``, the same syllables and pairs without diacritics, prefixed "~" ("~luat", "~vien+chuc"). A
query typed with its marks searches the marked field only ("bán" does not match "ban"); one typed without
(fewer than half its syllables marked) searches the mark-free field. Abbreviations ("UBND") add the terms
of their full form on both sides (``core.aliases``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import lru_cache

from core.aliases import AliasTable
from core.vietnamese import has_marks, normalize_text, sparse_terms, strip_marks
from indexing.store import SparseVec

MARK_FREE_PREFIX = "~"
BIGRAM_JOIN = "+"
# A query is "typed with marks" when at least this share of its syllables carry one (ALQAC's questions: ≥ 0.55).
MARKED_QUERY_SHARE = 0.5
_CLAUSE = re.compile(r"[^\w\s]+|\n")
_SYLLABLE = re.compile(r"\w+", re.UNICODE)
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)


def typed_with_marks(text: str) -> bool:
    """True when the text looks typed with a Vietnamese IME (at least half its syllables carry a mark)."""
    words = _LETTERS.findall(normalize_text(text))
    return bool(words) and sum(map(has_marks, words)) >= MARKED_QUERY_SHARE * len(words)


def syllable_bigrams(text: str) -> list[str]:
    """Adjacent lower-cased syllables "a+b" within each clause (punctuation breaks a pair)."""
    out: list[str] = []
    for clause in _CLAUSE.split(text.lower()):
        syl = _SYLLABLE.findall(clause)
        out.extend(f"{a}{BIGRAM_JOIN}{b}" for a, b in zip(syl, syl[1:], strict=False))
    return out


def mark_free_terms(text: str, bigrams: bool) -> list[str]:
    """"~"-prefixed syllables (and pairs) of the text with every diacritic removed."""
    plain = strip_marks(normalize_text(text)).lower()
    terms = _SYLLABLE.findall(plain) + (syllable_bigrams(plain) if bigrams else [])
    return [MARK_FREE_PREFIX + t for t in terms]

_INDEX_MASK = 0x7FFFFFFF  # 31 bits: a non-negative int32 on every engine


@lru_cache(maxsize=1 << 18)  # terms repeat: a chunk has hundreds, a corpus a few hundred thousand distinct
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
        self, segmenter: str = "underthesea", k1: float = 1.2, b: float = 0.75, avgdl: float = 180.0, *,
        bigrams: bool = False, mark_free: bool = False, aliases: AliasTable | None = None,
    ):
        if k1 < 0 or not 0.0 <= b <= 1.0 or avgdl <= 0:
            raise ValueError(f"invalid BM25 parameters k1={k1}, b={b}, avgdl={avgdl}")
        self.segmenter = segmenter
        self.k1 = k1
        self.b = b
        self.avgdl = avgdl
        self.bigrams = bigrams
        self.mark_free = mark_free
        self.aliases = aliases

    def _expanded(self, text: str) -> str:
        if self.aliases is None:
            return text
        extra = self.aliases.expansions(text)
        return text + "\n" + "\n".join(extra) if extra else text

    def terms(self, text: str) -> list[str]:
        """The marked field: segmented words and syllables (plus syllable pairs with ``bigrams``)."""
        text = self._expanded(text)
        terms = sparse_terms(text, self.segmenter)
        return terms + syllable_bigrams(normalize_text(text)) if self.bigrams else terms

    def query_terms(self, text: str) -> list[str]:
        """The field a query searches: marked terms when typed with marks, else the mark-free ones."""
        if not self.mark_free or typed_with_marks(text):
            return self.terms(text)
        return mark_free_terms(self._expanded(text), self.bigrams)

    def encode_document(self, text: str) -> SparseVec:
        """w = tf*(k1+1) / (tf + k1*(1 - b + b*dl/avgdl)), dl = number of marked terms (both fields);
        colliding terms add up."""
        # terms() and mark_free_terms() of the same expanded, normalised text, each computed once (normalize_text
        # is idempotent): a third of the indexer's own time per chunk went to normalising the same text again.
        expanded = normalize_text(self._expanded(text))
        terms = sparse_terms(expanded, self.segmenter)
        if self.bigrams:
            terms += syllable_bigrams(expanded)
        if not terms:
            return SparseVec(indices=[], values=[])
        norm = self.k1 * (1.0 - self.b + self.b * len(terms) / self.avgdl)
        weights: dict[int, float] = {}
        every = terms + (mark_free_terms(expanded, self.bigrams) if self.mark_free else [])
        for term, tf in Counter(every).items():
            idx = term_index(term)
            weights[idx] = weights.get(idx, 0.0) + tf * (self.k1 + 1.0) / (tf + norm)
        return _to_sparse(weights)

    def encode_query(self, text: str) -> SparseVec:
        """1.0 per distinct term (BM25 ignores query term frequency); colliding terms add up."""
        weights: dict[int, float] = {}
        for term in dict.fromkeys(self.query_terms(text)):
            idx = term_index(term)
            weights[idx] = weights.get(idx, 0.0) + 1.0
        return _to_sparse(weights)
