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
from collections.abc import Callable
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
                 idle_s: float = 2.0, retry_s: float = 10.0, report: Callable[[str], None] | None = None) -> None:
        if batch <= 0:
            raise ValueError(f"backfill batch must be positive, got {batch}")
        self.backlog, self.store, self.embedder = backlog, store, embedder
        self.batch, self.idle_s, self.retry_s = batch, idle_s, retry_s
        self.filled = 0
        self.error: str | None = None
        # Progress lines for the terminal of the process that fills (``assistant serve`` under ``make demo``):
        # one each tenth of the way, and one when done.
        self.report = report
        self.idle = False  # True once a batch found nothing waiting (until a new run finds some)
        self._run_total = 0
        self._reported_tenth = -1
        self._since_optimize = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_batch(self) -> int:
        """Embed and write one batch; the number of chunks taken from the backlog (0: nothing waits)."""
        chunks = self.backlog.take(self.batch)
        if not chunks:
            if not self.idle and self._run_total and self.report is not None:
                self.report(f"Vector ngữ nghĩa: đã xong {self._run_total:,} đoạn; tìm kiếm ngữ nghĩa đầy đủ."
                            .replace(",", "."))
            self.idle, self._run_total, self._reported_tenth = True, 0, -1
            return 0
        if self.idle or not self._run_total:
            self.idle, self._run_total = False, self.filled + self.backlog.count()  # this run's whole backlog
        vectors = self.embedder.embed_documents([c.text for c in chunks])  # the slow part, outside any lock
        with self.backlog.writing:  # the indexer cannot replace these chunks between the check and the write
            fresh = self.backlog.still_waiting(chunks)
            by_id = {c.chunk_id: vectors[i].tolist() for i, c in enumerate(chunks)}
            if fresh:
                self.store.set_dense({c.chunk_id: by_id[c.chunk_id] for c in fresh})
            self.backlog.done(fresh)
        self.filled += len(fresh)
        self._since_optimize += len(fresh)
        self._progress()
        if self._since_optimize >= OPTIMIZE_EVERY:
            self.optimize()
        return len(chunks)

    def _progress(self) -> None:
        if self.report is None or not self._run_total:
            return
        done = min(self.filled, self._run_total)
        tenth = done * 10 // self._run_total
        if tenth > self._reported_tenth and tenth < 10:
            self._reported_tenth = tenth
            self.report(f"Vector ngữ nghĩa: {done:,}/{self._run_total:,} đoạn ({done * 100 // self._run_total}%); "
                        "trong lúc này tìm kiếm dựa chủ yếu vào từ khoá.".replace(",", "."))

    def pending(self) -> int:
        """Chunks still without a dense vector (0 at once when the filler has found nothing waiting)."""
        return 0 if self.idle else self.backlog.count()

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
