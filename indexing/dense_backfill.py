"""Dense vectors filled in after the fact, by the process that owns the index.

A first index can be written sparse-only (``Indexer(backlog=…)``): parsing and BM25 terms take seconds where
the dense model takes minutes, so keyword search works at once. This backfill then embeds the waiting chunks
in document order, batch by batch, and gives each point its vector (``VectorStore.set_dense``); hybrid search
uses a document's vectors as soon as they are in. It runs in the index owner (``assistant serve``, or
``assistant index`` itself when no service runs), so there is one writer per data dir.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from indexing.dense_backlog import DenseBacklog
from indexing.embedders import Embedder
from indexing.store import VectorStore

log = logging.getLogger("assistant.indexing")
OPTIMIZE_EVERY = 5000  # chunks between two HNSW builds of the embedded engine while a long backlog drains


@dataclass(frozen=True)
class BackfillStatus:
    pending_chunks: int
    pending_documents: int
    filled_chunks: int  # by this process since it started
    error: str | None  # the last failure (service down…), None once a batch succeeds again


class DenseBackfill:
    """Embeds the backlog ``batch`` chunks at a time; ``start()`` runs it in a daemon thread until ``stop()``."""

    def __init__(self, backlog: DenseBacklog, store: VectorStore, embedder: Embedder, *, batch: int = 32,
                 idle_s: float = 2.0, retry_s: float = 10.0) -> None:
        if batch <= 0:
            raise ValueError(f"backfill batch must be positive, got {batch}")
        self.backlog, self.store, self.embedder = backlog, store, embedder
        self.batch, self.idle_s, self.retry_s = batch, idle_s, retry_s
        self.filled = 0
        self.error: str | None = None
        self._since_optimize = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_batch(self) -> int:
        """Embed and write one batch; the number of chunks taken from the backlog (0: nothing waits)."""
        chunks = self.backlog.take(self.batch)
        if not chunks:
            return 0
        vectors = self.embedder.embed_documents([c.text for c in chunks])  # the slow part, outside any lock
        with self.backlog.writing:  # the indexer cannot replace these chunks between the check and the write
            fresh = self.backlog.still_waiting(chunks)
            by_id = {c.chunk_id: vectors[i].tolist() for i, c in enumerate(chunks)}
            if fresh:
                self.store.set_dense({c.chunk_id: by_id[c.chunk_id] for c in fresh})
            self.backlog.done(fresh)
        self.filled += len(fresh)
        self._since_optimize += len(fresh)
        if self._since_optimize >= OPTIMIZE_EVERY:
            self.optimize()
        return len(chunks)

    def optimize(self) -> None:
        """Build the embedded engine's HNSW over the vectors written so far (a server does this itself)."""
        if self._since_optimize:
            self.store.optimize()
            self._since_optimize = 0

    def drain(self) -> int:
        """Fill everything waiting now (``assistant index`` without a service); the chunks filled."""
        before = self.filled
        while self.run_batch():
            pass
        self.optimize()
        return self.filled - before

    def status(self) -> BackfillStatus:
        return BackfillStatus(pending_chunks=self.backlog.count(), pending_documents=self.backlog.documents(),
                              filled_chunks=self.filled, error=self.error)

    # -- background thread -----------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="dense-backfill", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                taken = self.run_batch()
                self.error = None
            except Exception as exc:  # the service is down, the store is busy: keep going, say so in status
                self.error = f"{type(exc).__name__}: {str(exc)[:200]}"
                log.warning("dense backfill: %s; retrying in %.0f s", self.error, self.retry_s)
                self._stop.wait(self.retry_s)
                continue
            if not taken:
                self.optimize()
                self._stop.wait(self.idle_s)


def wait_until_filled(backfill: DenseBackfill, timeout_s: float) -> bool:
    """True once nothing waits (tests and the first-start benchmark); False after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if backfill.backlog.count() == 0:
            return True
        time.sleep(0.05)
    return False
