"""Pipelined indexing: reading, parsing, chunking and sparse terms of the next documents overlap with the dense
embedding of earlier ones, and ``workers`` embedding batches run at once; writes stay in document order.

    reader thread: items → secrecy gate → manifest check → chunks → sparse terms → batches (sent to the pool)
    embedding pool: ``workers`` threads, each one ``embed_documents`` call on one batch at a time
    caller's thread: in document order, waits for a document's vectors, then upserts + manifest + observers

What the sequential path guarantees still holds: a document is embedded before anything of it is written (a
batch that failed is tried again one document at a time as the writer reaches its documents, so a run stops where
the sequential one would: the documents before the failing one written, it and the rest unchanged); the
manifest's pending/done protocol, the observers and the report run in the caller's thread, in document order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from connectors.base import Rejection
from core.documents import Document
from core.errors import RejectedInput, SecretDocument
from indexing.embedders import Embedder
from indexing.embedding_batches import Batch, BatchPacker, DocumentVectors, PreparedDocument
from indexing.index_report import IndexReport

if TYPE_CHECKING:
    from core.settings import Settings

_POLL_S = 0.1  # how often a blocked reader looks whether the writer has given up


@dataclass(frozen=True)
class PipelineLimits:
    workers: int = 1  # embedding batches computed at once
    batch_texts: int = 32
    batch_chars: int = 16_000
    lookahead: int = 64  # documents read ahead of the writer


def pipeline_limits(settings: Settings) -> PipelineLimits | None:
    """The pipeline ``settings`` ask for (None: one document at a time)."""
    if not settings.index_pipelined:
        return None
    workers = settings.embedding_workers or (settings.embedding_concurrency if settings.embedder == "openai" else 1)
    return PipelineLimits(workers=workers, batch_texts=settings.embedding_batch_size,
                          batch_chars=settings.embedding_batch_chars)


class IndexSteps(Protocol):
    """What the indexer lends the pipeline (``indexing.pipeline.Indexer``)."""

    embedder: Embedder
    defer_dense: bool

    def prepare_document(self, doc: Document) -> PreparedDocument | int: ...

    def write_document(self, prepared: PreparedDocument, dense: np.ndarray | None,
                       conflicts: list[dict[str, str]] | None = None) -> tuple[str, int]: ...

    def remove_document(self, doc_id: str) -> bool: ...


@dataclass
class _Entry:
    kind: str  # rejection | unchanged | prepared | secret | rejected | error | end
    item: Any = None
    detail: Any = None  # chunk count, PreparedDocument or exception
    vectors: DocumentVectors | None = None

    def queueable(self) -> bool:
        return self.vectors is None or self.vectors.sent()


class _Stopped(Exception):
    """The writer gave up (an error, an interrupt): the reader ends quietly."""


class _Reader(threading.Thread):
    def __init__(self, items: Iterable[Document | Rejection], steps: IndexSteps, limits: PipelineLimits,
                 out: queue.Queue[_Entry], pool: ThreadPoolExecutor) -> None:
        super().__init__(name="index-reader", daemon=True)
        self.items, self.steps, self.limits, self.out, self.pool = items, steps, limits, out, pool
        self.stop = threading.Event()
        self.packer = BatchPacker(limits.batch_texts, limits.batch_chars)
        self.unsent: list[_Entry] = []
        self.planned: dict[str, str] = {}  # doc id → fingerprint prepared in this run (a source listed twice)
        self.slots = threading.Semaphore(limits.workers + 1)  # one batch waits ready behind the running ones
        self.running = 0
        self.lock = threading.Lock()

    def run(self) -> None:
        try:
            try:
                for item in self.items:
                    if self.stop.is_set():
                        return
                    self._take(self._entry(item))
                self._send_open()
                self._put(_Entry("end"))
            except _Stopped:
                raise
            except BaseException as exc:  # the connector or a parser failed: the writer raises it in order
                self._send_open()
                self._put(_Entry("error", detail=exc))
        except _Stopped:
            return

    def _entry(self, item: Document | Rejection) -> _Entry:
        if isinstance(item, Rejection):
            return _Entry("rejection", item)
        try:
            prepared = self.steps.prepare_document(item)
        except SecretDocument as exc:
            return _Entry("secret", item, exc)
        except RejectedInput as exc:
            return _Entry("rejected", item, exc)
        if isinstance(prepared, int):
            return _Entry("unchanged", item, prepared)
        if self.planned.get(item.doc_id) == prepared.fingerprint:  # written earlier in this run
            return _Entry("unchanged", item, len(prepared.points))
        self.planned[item.doc_id] = prepared.fingerprint
        entry = _Entry("prepared", item, prepared)
        if not self.steps.defer_dense and prepared.texts:
            entry.vectors = self.packer.add(prepared.texts)
        return entry

    def _take(self, entry: _Entry) -> None:
        self.unsent.append(entry)
        for batch in self.packer.take_full():
            self._send(batch)
        with self.lock:
            idle = self.running < self.limits.workers
        if self.packer.has_open and (idle or len(self.unsent) >= self.limits.lookahead):
            self._send_open()  # an idle worker gets what there is; a full lookahead is not held back either
        while self.unsent and self.unsent[0].queueable():
            self._put(self.unsent.pop(0))

    def _send_open(self) -> None:
        batch = self.packer.take_open()
        if batch is not None:
            self._send(batch)
        while self.unsent and self.unsent[0].queueable():
            self._put(self.unsent.pop(0))

    def _send(self, batch: Batch) -> None:
        while not self.slots.acquire(timeout=_POLL_S):
            if self.stop.is_set():
                raise _Stopped
        with self.lock:
            self.running += 1
        future = self.pool.submit(self.steps.embedder.embed_documents, batch.texts)
        future.add_done_callback(self._done)
        batch.future = future

    def _done(self, _: Future[np.ndarray]) -> None:
        with self.lock:
            self.running -= 1
        self.slots.release()

    def _put(self, entry: _Entry) -> None:
        while True:
            try:
                self.out.put(entry, timeout=_POLL_S)
                return
            except queue.Full:
                if self.stop.is_set():
                    raise _Stopped from None


def index_pipelined(items: Iterable[Document | Rejection], steps: IndexSteps, report: IndexReport,
                    limits: PipelineLimits) -> set[str]:
    """Index ``items`` into ``report``; the doc ids seen (for pruning)."""
    if limits.workers <= 0 or limits.lookahead <= 0:
        raise ValueError(f"pipeline limits must be positive: {limits}")
    seen: set[str] = set()
    out: queue.Queue[_Entry] = queue.Queue(maxsize=limits.lookahead)
    pool = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="index-embed")
    reader = _Reader(items, steps, limits, out, pool)
    reader.start()
    try:
        while (entry := out.get()).kind != "end":
            if entry.kind == "error":
                raise entry.detail
            _write(entry, steps, report, seen)
    finally:
        reader.stop.set()
        reader.join()
        pool.shutdown(wait=True, cancel_futures=True)
    return seen


def _write(entry: _Entry, steps: IndexSteps, report: IndexReport, seen: set[str]) -> None:
    if entry.kind == "rejection":
        report.rejected.append(entry.item)
        return
    doc: Document = entry.item
    seen.add(doc.doc_id)
    if entry.kind == "secret":  # now stamped: its earlier, unstamped version must not stay searchable
        if steps.remove_document(doc.doc_id):
            report.removed += 1
        report.refuse(doc, str(entry.detail))
    elif entry.kind == "rejected":
        report.refuse(doc, str(entry.detail))
    elif entry.kind == "unchanged":
        report.count("unchanged", entry.detail)
    else:
        prepared: PreparedDocument = entry.detail
        dense = None if steps.defer_dense else _vectors(entry, steps)
        outcome, n_chunks = steps.write_document(prepared, dense, report.conflicts)
        report.count(outcome, n_chunks)


def _vectors(entry: _Entry, steps: IndexSteps) -> np.ndarray:
    if entry.vectors is None:  # a document with no text to embed
        return np.zeros((0, 1), dtype=np.float32)
    try:
        return entry.vectors.result()
    except Exception:
        # The batch failed, maybe on another document's text: this document alone, as the sequential path embeds
        # it. A second failure stops the run here, every document before this one written, this one untouched.
        return steps.embedder.embed_documents(entry.detail.texts)
