"""What has been indexed, in SQLite next to the index: the basis for incremental runs, prune and recovery.

A document is marked ``pending`` (with the chunk ids about to be written) before its points are written,
and ``done`` after. A crash in between leaves a pending row; the next run redoes that document and
deletes every point id that either state mentions but the new version does not have.

A ``meta`` table keeps what the index was encoded with (``indexing.index_fingerprint``): the values and
their fingerprint, so a later run with other settings can be refused by name.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class ManifestEntry:
    doc_id: str
    source: str
    kind: str
    title: str
    content_hash: str | None
    chunk_ids: list[str]
    pending_hash: str | None
    pending_chunk_ids: list[str]
    updated_at: str


class Manifest:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            """CREATE TABLE IF NOT EXISTS documents (
                doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
                content_hash TEXT, chunk_ids TEXT NOT NULL DEFAULT '[]',
                pending_hash TEXT, pending_chunk_ids TEXT NOT NULL DEFAULT '[]',
                updated_at TEXT NOT NULL)"""
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._db.commit()
        self._lock = threading.Lock()  # one SQLite handle shared by the request threads and the indexer

    def index_settings(self) -> dict[str, str] | None:
        """The recorded index-shaping settings, or None for an index written before they were recorded."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'index_settings'").fetchone()
            return dict(json.loads(row[0])) if row else None

    def index_fingerprint(self) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'index_fingerprint'").fetchone()
            return row[0] if row else None

    def record_index_settings(self, values: Mapping[str, str], fingerprint: str) -> None:
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                 [("index_settings", json.dumps(dict(values), sort_keys=True, ensure_ascii=False)),
                                  ("index_fingerprint", fingerprint)])
            self._db.commit()

    def clear(self) -> None:
        """Forget every document and the recorded settings (the start of a full re-index)."""
        with self._lock:
            self._db.execute("DELETE FROM documents")
            self._db.execute("DELETE FROM meta")
            self._db.commit()

    def get(self, doc_id: str) -> ManifestEntry | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            return _entry(row) if row else None

    def entries(self) -> list[ManifestEntry]:
        with self._lock:
            return [_entry(r) for r in self._db.execute("SELECT * FROM documents ORDER BY doc_id")]

    def mark_pending(self, doc_id: str, source: str, kind: str, title: str, new_hash: str,
                     chunk_ids: list[str]) -> None:
        with self._lock:
            now = _now()
            self._db.execute(
                """INSERT INTO documents (doc_id, source, kind, title, pending_hash, pending_chunk_ids, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(doc_id) DO UPDATE SET source=excluded.source, kind=excluded.kind,
                     title=excluded.title, pending_hash=excluded.pending_hash,
                     pending_chunk_ids=excluded.pending_chunk_ids, updated_at=excluded.updated_at""",
                (doc_id, source, kind, title, new_hash, json.dumps(chunk_ids), now),
            )
            self._db.commit()

    def mark_done(self, doc_id: str) -> None:
        with self._lock:
            self._db.execute(
                """UPDATE documents SET content_hash = pending_hash, chunk_ids = pending_chunk_ids,
                   pending_hash = NULL, pending_chunk_ids = '[]', updated_at = ? WHERE doc_id = ?""",
                (_now(), doc_id),
            )
            self._db.commit()

    def remove(self, doc_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _entry(row: tuple) -> ManifestEntry:
    doc_id, source, kind, title, chash, chunks, phash, pchunks, updated = row
    return ManifestEntry(doc_id, source, kind, title, chash, json.loads(chunks), phash, json.loads(pchunks),
                         updated)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
