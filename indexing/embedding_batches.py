"""Texts of many documents packed into embedding batches by size, not one model call per document.

Many small documents (an ALQAC article is one to three chunks) would each make a tiny batch; a batch here holds
at most ``max_texts`` texts and about ``max_chars`` characters (the characters stand in for tokens: a text
longer than the budget goes alone), whichever documents they come from. A document's texts may span batches;
``DocumentVectors`` puts its rows back together once every batch holding them is done.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from core.documents import Chunk, Document
from indexing.store import StoredPoint


@dataclass
class PreparedDocument:
    """A document read, checked, chunked and sparse-encoded: everything but its dense vectors."""

    doc: Document
    chunks: list[Chunk]
    texts: list[str]  # what the dense model embeds, one per chunk
    fingerprint: str
    points: list[StoredPoint]  # dense None until the vectors are in


@dataclass(eq=False)
class Batch:
    """Texts sent to the embedder in one call; ``future`` is set when it is sent."""

    texts: list[str] = field(default_factory=list)
    chars: int = 0
    future: Future[np.ndarray] | None = None


@dataclass
class Piece:
    """Rows ``start:stop`` of ``batch`` belong to one document, in its chunk order."""

    batch: Batch
    start: int
    stop: int


@dataclass
class DocumentVectors:
    """Where a document's vectors will come from."""

    pieces: list[Piece]

    def sent(self) -> bool:
        return all(p.batch.future is not None for p in self.pieces)

    def result(self) -> np.ndarray:
        """The document's (n, dim) rows; waits for its batches, raises what their embedding raised."""
        parts = []
        for piece in self.pieces:
            if piece.batch.future is None:
                raise RuntimeError("a document's batch was never sent to the embedder")
            rows = piece.batch.future.result()
            if len(rows) != len(piece.batch.texts):
                raise RuntimeError(f"the embedder returned {len(rows)} vectors for {len(piece.batch.texts)} texts")
            parts.append(rows[piece.start : piece.stop])
        return np.concatenate(parts, axis=0)


class BatchPacker:
    """Fills batches in document order; closed (full) batches wait in ``take_full()`` for sending."""

    def __init__(self, max_texts: int, max_chars: int) -> None:
        if max_texts <= 0 or max_chars <= 0:
            raise ValueError(f"batch limits must be positive, got {max_texts} texts, {max_chars} characters")
        self.max_texts, self.max_chars = max_texts, max_chars
        self._open = Batch()
        self._full: list[Batch] = []

    def add(self, texts: list[str]) -> DocumentVectors:
        pieces: list[Piece] = []
        for text in texts:
            batch = self._open
            if batch.texts and (len(batch.texts) >= self.max_texts or batch.chars + len(text) > self.max_chars):
                self._full.append(batch)
                batch = self._open = Batch()
            if pieces and pieces[-1].batch is batch:
                pieces[-1].stop += 1
            else:
                pieces.append(Piece(batch, len(batch.texts), len(batch.texts) + 1))
            batch.texts.append(text)
            batch.chars += len(text)
        if len(self._open.texts) >= self.max_texts or self._open.chars >= self.max_chars:
            self._full.append(self._open)
            self._open = Batch()
        return DocumentVectors(pieces)

    def take_full(self) -> list[Batch]:
        full, self._full = self._full, []
        return full

    def take_open(self) -> Batch | None:
        """The partly filled batch, closed now (None when empty)."""
        if not self._open.texts:
            return None
        batch, self._open = self._open, Batch()
        return batch

    @property
    def has_open(self) -> bool:
        return bool(self._open.texts)
