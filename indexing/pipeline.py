"""Incremental indexing: sources → documents → chunks → vectors → store, recorded in the manifest.

One document at a time, or pipelined (``Indexer.pipeline``): reading, parsing, chunking and sparse terms of the
next documents overlap with the dense embedding of earlier ones, and ``workers`` embedding batches run at once;
writes stay in document order.

    reader thread: items → secrecy gate → manifest check → chunks → sparse terms → batches (sent to the pool)
    embedding pool: ``workers`` threads, each one ``embed_documents`` call on one batch at a time
    caller's thread: in document order, waits for a document's vectors, then upserts + manifest + observers

What the sequential path guarantees still holds when pipelined: a document is embedded before anything of it is
written (a batch that failed is tried again one document at a time as the writer reaches its documents, so a run
stops where the sequential one would: the documents before the failing one written, it and the rest unchanged);
the manifest's pending/done protocol, the observers and the report run in the caller's thread, in document order.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from connectors.base import Rejection
from core.documents import Document, content_hash
from core.errors import HeldDocument, RejectedInput, SecretDocument
from core.secrecy import gate_decision
from core.so_hieu import so_hieu_key
from indexing.chunking import RecordParser, chunk_document
from indexing.dense_backlog import DenseBacklog
from indexing.embedders import Embedder
from indexing.embedding_batches import Batch, BatchPacker, DocumentVectors, PreparedDocument
from indexing.index_fingerprint import (
    INDEX_FORMAT_VERSION,
    encoder_settings,
    fingerprint,
    index_settings,
    refuse_if_different,
)
from indexing.index_observer import IndexObserver
from indexing.index_report import IndexReport
from indexing.manifest import Manifest
from indexing.mark_vocabulary import MarkVocabulary
from indexing.payload import build_payload
from indexing.sparse_encoder import SparseEncoder
from indexing.store import StoredPoint, VectorStore

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = ["INDEX_FORMAT_VERSION", "IndexReport", "Indexer", "PipelineLimits", "index_pipelined", "pipeline_limits"]


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


@dataclass
class Indexer:
    """Writes documents into ``store`` and records them in ``manifest``.

    ``settings`` (optional) adds the settings-only values (embedder kind, model path) to what is recorded;
    the rest is read off the components. An index recorded with other values is refused by ``index()``;
    ``reset()`` empties it for a full re-index under the current ones.
    """

    store: VectorStore
    embedder: Embedder
    sparse: SparseEncoder
    manifest: Manifest
    max_chunk_chars: int = 2400
    embedding_max_chars: int = 1200
    settings: Settings | None = None
    vocabulary: MarkVocabulary | None = None  # syllable counts for restoring marks on questions
    observers: list[IndexObserver] = field(default_factory=list)  # records kept beside the chunks
    # Parsers of record kinds a capability owns (tthc, warehouse), registered by the composition root.
    parsers: dict[str, RecordParser] = field(default_factory=dict)
    # Per document: more text or chunks than this is refused with the reason (a degenerate or hostile file
    # would otherwise hold the only index worker for many minutes).
    max_document_chars: int = 3_000_000
    max_document_chunks: int = 5000
    # Set: points are written sparse-only and their dense vectors left to the owner's backfill (a first start
    # searches by keywords at once; indexing.dense_backfill). The backlog is also kept current when not set.
    backlog: DenseBacklog | None = None
    defer_dense: bool = False
    # Set: the next documents are read, chunked and sparse-encoded while earlier ones are embedded, in batches
    # across documents, ``workers`` at once (below). None: one document at a time.
    pipeline: PipelineLimits | None = field(default_factory=PipelineLimits)
    # Set only for a file an administrator re-submitted with a stated override of its hold (issue 28,
    # ``assistant.service.held_documents``): a stamp the gate would hold for review is indexed; a stamp in the
    # header zone is still refused, since no override makes a state-secret document storable here.
    release_held: bool = False

    def __post_init__(self) -> None:
        if self.defer_dense and self.backlog is None:
            raise ValueError("defer_dense needs a backlog to record the chunks whose vectors come later")

    def current_settings(self) -> dict[str, str]:
        """What this indexer encodes with (the components win over ``settings`` where both say)."""
        given = index_settings(self.settings, self.embedder) if self.settings is not None else {}
        return {**given, **encoder_settings(self.embedder, self.sparse, self.max_chunk_chars,
                                            self.embedding_max_chars)}

    def check_settings(self) -> None:
        """Refuse (ConfigurationError naming them) if the index was written with other settings; record the
        current ones when none are recorded yet or the record lacks some of them."""
        current = self.current_settings()
        stored = self.manifest.index_settings()
        refuse_if_different(stored, current, str(self.manifest.path))
        merged = {**(stored or {}), **current}
        if merged != stored:
            self.manifest.record_index_settings(merged, fingerprint(merged))

    def reset(self) -> None:
        """Drop every point and manifest row and record the current settings: the next ``index()`` encodes
        every document again (``assistant index --reindex``)."""
        gone = [e.doc_id for e in self.manifest.entries()]
        self.store.clear()
        self.manifest.clear()
        for observer in self.observers:
            for doc_id in gone:
                observer.document_removed(doc_id)
        if self.vocabulary is not None:
            self.vocabulary.clear()
        if self.backlog is not None:
            self.backlog.clear()
        current = self.current_settings()
        self.manifest.record_index_settings(current, fingerprint(current))

    def _fingerprint(self, doc: Document) -> str:
        return content_hash(
            "\x1f".join([doc.hash, INDEX_FORMAT_VERSION, self.embedder.name, str(self.max_chunk_chars),
                         str(self.embedding_max_chars)])
        )

    def index(self, items: Iterable[Document | Rejection], prune_roots: list[Path] | None = None,
              progress: bool = False) -> IndexReport:
        started = time.perf_counter()
        report = IndexReport()
        self.check_settings()
        self.store.ensure_collection(self.embedder.dim)
        iterator = items
        if progress:
            from tqdm import tqdm

            iterator = tqdm(items, desc="Lập chỉ mục", unit=" văn bản", file=sys.stderr)
        if self.pipeline is not None:
            seen = index_pipelined(iterator, self, report, self.pipeline)
        else:
            seen = self._index_sequentially(iterator, report)
        if report.added or report.updated:
            self.store.optimize()  # HNSW for the embedded engine; a no-op for servers
        if prune_roots is not None:
            kept = {str(Path(r.path).resolve()) for r in report.rejected}
            report.removed += self.prune(prune_roots, seen, kept)
        report.seconds = time.perf_counter() - started
        return report

    def _index_sequentially(self, items: Iterable[Document | Rejection], report: IndexReport) -> set[str]:
        """One document at a time: read, embed, write (``pipeline`` None)."""
        seen: set[str] = set()
        for item in items:
            if isinstance(item, Rejection):
                report.rejected.append(item)
                continue
            seen.add(item.doc_id)
            try:
                prepared = self.prepare_document(item)
                if isinstance(prepared, int):
                    report.count("unchanged", prepared)
                    continue
                dense = None if self.defer_dense else self.embedder.embed_documents(prepared.texts)
                outcome, n_chunks = self.write_document(prepared, dense, report.conflicts)
            except SecretDocument as exc:
                # A document that now bears a stamp: its earlier, unstamped version must not stay searchable.
                if self.remove_document(item.doc_id):
                    report.removed += 1
                _refuse_secret(report, item, exc)
                continue
            except RejectedInput as exc:
                report.refuse(item, str(exc))
                continue
            report.count(outcome, n_chunks)
        return seen

    def prepare_document(self, doc: Document) -> PreparedDocument | int:
        """Everything before the dense vectors: the chunk count of a document the index already holds as it
        is, else its chunks, texts to embed and points (sparse terms, payloads; dense None).

        Raises SecretDocument for a stamped document, RejectedInput for one that cannot be indexed."""
        if len(doc.text) > self.max_document_chars:
            raise RejectedInput(f"văn bản có {len(doc.text):,} ký tự, vượt giới hạn {self.max_document_chars:,} "
                                "ký tự mỗi văn bản".replace(",", "."))
        # The one secrecy gate every document passes, whatever connector read it (files, TTHC, warehouse,
        # articles, uploads): every part, table cell, property and record string is checked.
        decision = gate_decision(doc)
        if decision and decision.action == "held":
            if not self.release_held:
                raise HeldDocument(decision.reason, decision.stamp, decision.page)
        elif decision:
            raise SecretDocument(decision.reason)
        fingerprint = self._fingerprint(doc)
        previous = self.manifest.get(doc.doc_id)
        if previous and previous.content_hash == fingerprint and previous.pending_hash is None:
            return len(previous.chunk_ids)
        doc, chunks = chunk_document(doc, self.max_chunk_chars, self.parsers)
        if doc.metadata.get("so_hieu"):  # parsed once here; the manifest, payload and validity read the key
            doc.metadata["so_hieu_key"] = so_hieu_key(str(doc.metadata["so_hieu"]))
        if len(chunks) > self.max_document_chunks:
            raise RejectedInput(f"văn bản chia ra {len(chunks):,} đoạn, vượt giới hạn {self.max_document_chunks:,} "
                                "đoạn mỗi văn bản".replace(",", "."))
        ids = [c.chunk_id for c in chunks]
        if len(set(ids)) != len(ids):
            raise RejectedInput("hai đoạn trùng đường dẫn trích dẫn (duplicate citation paths)")
        texts = [c.embedding_text()[: self.embedding_max_chars] for c in chunks]
        chash = content_hash(doc.text or repr(doc.record))
        points = [
            StoredPoint(id=chunk.chunk_id, dense=None, sparse=self.sparse.encode_document(chunk.embedding_text()),
                        payload=build_payload(doc, chunk, i, chash))
            for i, chunk in enumerate(chunks)
        ]
        return PreparedDocument(doc, chunks, texts, fingerprint, points)

    def write_document(self, prepared: PreparedDocument, dense: np.ndarray | None,
                       conflicts: list[dict[str, str]] | None = None) -> tuple[str, int]:
        """Write a prepared document with its ``dense`` rows (None: sparse-only, ``defer_dense``): pending in
        the manifest, points, stale points deleted, done, observers told. Returns (added|updated, chunks)."""
        doc, chunks, texts = prepared.doc, prepared.chunks, prepared.texts
        points = prepared.points
        if dense is not None:
            if len(dense) != len(points):
                raise ValueError(f"{len(dense)} dense vectors for {len(points)} chunks of {doc.doc_id}")
            points = [replace(p, dense=dense[i].tolist()) for i, p in enumerate(points)]
        previous = self.manifest.get(doc.doc_id)
        if self.vocabulary is not None:
            self.vocabulary.add(c.embedding_text() for c in chunks)
        new_ids = [p.id for p in points]
        self.manifest.mark_pending(doc.doc_id, doc.source, doc.kind, doc.title, prepared.fingerprint, new_ids,
                                   metadata=doc.metadata, access=doc.access.payload())
        if conflicts is not None and doc.metadata.get("metadata_conflicts"):
            conflicts.extend({"path": doc.source or doc.doc_id, **c} for c in doc.metadata["metadata_conflicts"])
        with self.backlog.writing if self.backlog is not None else nullcontext():
            for start in range(0, len(points), 256):
                self.store.upsert(points[start : start + 256])
            if self.backlog is not None:  # before done: a crash here leaves the document pending, re-indexed
                self.backlog.put(doc.doc_id, list(zip(new_ids, texts, strict=True)) if self.defer_dense else [])
        if previous:
            stale = (set(previous.chunk_ids) | set(previous.pending_chunk_ids)) - set(new_ids)
            if stale:
                self.store.delete(sorted(stale))
        self.manifest.mark_done(doc.doc_id)
        for observer in self.observers:
            observer.document_indexed(doc, chunks)
        return ("updated" if previous and previous.content_hash else "added"), len(points)

    def prune(self, roots: list[Path], seen: set[str], kept_sources: set[str] = frozenset()) -> int:
        """Remove documents whose source lies under ``roots`` but was not seen in this run.

        A file that still exists but was rejected this time keeps its last good version (``kept_sources``).
        """
        resolved = [str(Path(r).resolve()) for r in roots]
        removed = 0
        for entry in self.manifest.entries():
            if entry.doc_id in seen or not entry.source:
                continue
            source = str(Path(entry.source).resolve())
            if source in kept_sources:
                continue
            if not any(source == r or source.startswith(r.rstrip("/") + "/") for r in resolved):
                continue
            self.remove_document(entry.doc_id)
            removed += 1
        return removed

    def remove_document(self, doc_id: str) -> bool:
        entry = self.manifest.get(doc_id)
        if entry is None:
            return False
        ids = sorted(set(entry.chunk_ids) | set(entry.pending_chunk_ids))
        if ids:
            self.store.delete(ids)
        self.manifest.remove(doc_id)
        if self.backlog is not None:
            self.backlog.forget(doc_id)
        for observer in self.observers:
            observer.document_removed(doc_id)
        return True


# -- pipelined indexing ---------------------------------------------------------------------------------------
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
    def __init__(self, items: Iterable[Document | Rejection], indexer: Indexer, limits: PipelineLimits,
                 out: queue.Queue[_Entry], pool: ThreadPoolExecutor) -> None:
        super().__init__(name="index-reader", daemon=True)
        self.items, self.indexer, self.limits, self.out, self.pool = items, indexer, limits, out, pool
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
            prepared = self.indexer.prepare_document(item)
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
        if not self.indexer.defer_dense and prepared.texts:
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
        future = self.pool.submit(self.indexer.embedder.embed_documents, batch.texts)
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


def index_pipelined(items: Iterable[Document | Rejection], indexer: Indexer, report: IndexReport,
                    limits: PipelineLimits) -> set[str]:
    """Index ``items`` into ``report``; the doc ids seen (for pruning)."""
    if limits.workers <= 0 or limits.lookahead <= 0:
        raise ValueError(f"pipeline limits must be positive: {limits}")
    seen: set[str] = set()
    out: queue.Queue[_Entry] = queue.Queue(maxsize=limits.lookahead)
    pool = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="index-embed")
    reader = _Reader(items, indexer, limits, out, pool)
    reader.start()
    try:
        while (entry := out.get()).kind != "end":
            if entry.kind == "error":
                raise entry.detail
            _write(entry, indexer, report, seen)
    finally:
        reader.stop.set()
        reader.join()
        pool.shutdown(wait=True, cancel_futures=True)
    return seen


def _write(entry: _Entry, indexer: Indexer, report: IndexReport, seen: set[str]) -> None:
    if entry.kind == "rejection":
        report.rejected.append(entry.item)
        return
    doc: Document = entry.item
    seen.add(doc.doc_id)
    if entry.kind == "secret":  # now stamped: its earlier, unstamped version must not stay searchable
        if indexer.remove_document(doc.doc_id):
            report.removed += 1
        _refuse_secret(report, doc, entry.detail)
    elif entry.kind == "rejected":
        report.refuse(doc, str(entry.detail))
    elif entry.kind == "unchanged":
        report.count("unchanged", entry.detail)
    else:
        prepared: PreparedDocument = entry.detail
        dense = None if indexer.defer_dense else _vectors(entry, indexer)
        outcome, n_chunks = indexer.write_document(prepared, dense, report.conflicts)
        report.count(outcome, n_chunks)


def _refuse_secret(report: IndexReport, doc: Document, exc: SecretDocument) -> None:
    report.secret += 1
    if isinstance(exc, HeldDocument):
        report.hold(doc, str(exc), exc.stamp, exc.page)
    else:
        report.refuse(doc, str(exc))


def _vectors(entry: _Entry, indexer: Indexer) -> np.ndarray:
    if entry.vectors is None:  # a document with no text to embed
        return np.zeros((0, 1), dtype=np.float32)
    try:
        return entry.vectors.result()
    except Exception:
        # The batch failed, maybe on another document's text: this document alone, as the sequential path embeds
        # it. A second failure stops the run here, every document before this one written, this one untouched.
        return indexer.embedder.embed_documents(entry.detail.texts)
