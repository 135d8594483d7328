"""Chunks written sparse-only whose dense vector is still to come (a first start: search by keywords at once).

The indexer records each such chunk's exact embedding text here before it marks the document done; the index
owner's backfill (``indexing.dense_backfill``) embeds them in document order and removes each row once its
vector is in the store. A row is keyed by chunk id and remembers its text, so a document re-indexed meanwhile
replaces its rows and a vector computed for the old text is never taken as done for the new one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PendingChunk:
    chunk_id: str
    doc_id: str
    text: str


class DenseBacklog:
    """One SQLite file beside the manifest; safe to share between the indexing and backfill threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                         "chunk_id TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL, text TEXT NOT NULL)")
        self._db.execute("CREATE INDEX IF NOT EXISTS pending_doc ON pending (doc_id)")
        self._db.commit()
        self._lock = threading.Lock()
        # Held by the indexer while it writes a document's points and rows, and by the backfill while it checks
        # its batch and writes the vectors: a chunk re-written meanwhile is never marked done with a stale vector.
        self.writing = threading.RLock()

    def put(self, doc_id: str, chunks: Sequence[tuple[str, str]]) -> None:
        """The (chunk id, embedding text) pairs of ``doc_id`` now waiting, replacing its earlier rows."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM pending WHERE doc_id = ?", (doc_id,))
            self._db.executemany("INSERT OR REPLACE INTO pending (chunk_id, doc_id, text) VALUES (?, ?, ?)",
                                 [(cid, doc_id, text) for cid, text in chunks])

    def forget(self, doc_id: str) -> None:
        """The document was removed: nothing of it is to be embedded."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM pending WHERE doc_id = ?", (doc_id,))

    def take(self, limit: int) -> list[PendingChunk]:
        """The oldest ``limit`` waiting chunks (document order), left in place until ``done``."""
        with self._lock:
            rows = self._db.execute("SELECT chunk_id, doc_id, text FROM pending ORDER BY seq LIMIT ?",
                                    (limit,)).fetchall()
        return [PendingChunk(*row) for row in rows]

    def still_waiting(self, chunks: Sequence[PendingChunk]) -> list[PendingChunk]:
        """Those of ``chunks`` whose row is still there with the same text (not replaced or removed since)."""
        if not chunks:
            return []
        with self._lock:
            marks = ",".join("?" * len(chunks))
            rows = set(self._db.execute(f"SELECT chunk_id, text FROM pending WHERE chunk_id IN ({marks})",
                                        [c.chunk_id for c in chunks]))
        return [c for c in chunks if (c.chunk_id, c.text) in rows]

    def done(self, chunks: Sequence[PendingChunk]) -> None:
        """Remove the rows of ``chunks`` that still hold the text that was embedded."""
        with self._lock, self._db:
            self._db.executemany("DELETE FROM pending WHERE chunk_id = ? AND text = ?",
                                 [(c.chunk_id, c.text) for c in chunks])

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM pending").fetchone()[0])

    def documents(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(DISTINCT doc_id) FROM pending").fetchone()[0])

    def clear(self) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM pending")

    def close(self) -> None:
        with self._lock:
            self._db.close()
