"""Incremental indexing: sources → documents → chunks → vectors → store, recorded in the manifest."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from connectors.base import Rejection
from core.documents import Document, content_hash
from core.errors import RejectedInput, SecretDocument
from core.secrecy import document_stamp, secrecy_reason
from indexing.chunking import RecordParser, chunk_document
from indexing.dense_backlog import DenseBacklog
from indexing.embedders import Embedder
from indexing.embedding_batches import PreparedDocument
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
from indexing.pipelined_indexing import PipelineLimits, index_pipelined
from indexing.sparse_encoder import SparseEncoder
from indexing.store import StoredPoint, VectorStore

if TYPE_CHECKING:
    from core.settings import Settings

__all__ = ["INDEX_FORMAT_VERSION", "IndexReport", "Indexer"]


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
    # Set: points are written sparse-only and their dense vectors left to the owner's backfill (a first start
    # searches by keywords at once; indexing.dense_backfill). The backlog is also kept current when not set.
    backlog: DenseBacklog | None = None
    defer_dense: bool = False
    # Set: the next documents are read, chunked and sparse-encoded while earlier ones are embedded, in batches
    # across documents, ``workers`` at once (indexing.pipelined_indexing). None: one document at a time.
    pipeline: PipelineLimits | None = field(default_factory=PipelineLimits)

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
                report.refuse(item, str(exc))
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
        # The one secrecy gate every document passes, whatever connector read it (files, TTHC, warehouse,
        # articles, uploads): every part, table cell, property and record string is checked.
        stamp = document_stamp(doc)
        if stamp:
            raise SecretDocument(secrecy_reason(stamp))
        fingerprint = self._fingerprint(doc)
        previous = self.manifest.get(doc.doc_id)
        if previous and previous.content_hash == fingerprint and previous.pending_hash is None:
            return len(previous.chunk_ids)
        doc, chunks = chunk_document(doc, self.max_chunk_chars, self.parsers)
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
