"""What has been indexed, in SQLite next to the index: the basis for incremental runs, prune and recovery.

A document is marked ``pending`` (with the chunk ids about to be written) before its points are written,
and ``done`` after. A crash in between leaves a pending row; the next run redoes that document and
deletes every point id that either state mentions but the new version does not have.

Each document row also keeps what ``assistant documents`` shows without opening the store: the parsed
metadata (header fields, source format, pages), the access label, and the số hiệu key (an index, so a
reference "QĐ 1234/QĐ-UBND" resolves by number). Older manifests get these columns added on open.

A ``meta`` table keeps what the index was encoded with (``indexing.index_fingerprint``): the values and
their fingerprint, so a later run with other settings can be refused by name.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.so_hieu import SoHieu

_COLUMNS = ("doc_id", "source", "kind", "title", "content_hash", "chunk_ids", "pending_hash", "pending_chunk_ids",
            "updated_at", "metadata", "access", "so_hieu_key")
_ADDED = {"metadata": "TEXT NOT NULL DEFAULT '{}'", "access": "TEXT", "so_hieu_key": "TEXT"}


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
    metadata: dict[str, Any] = field(default_factory=dict)
    access: dict[str, Any] | None = None  # AccessLabel.payload(); None for a row written before it was kept
    so_hieu_key: str | None = None


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
        have = {row[1] for row in self._db.execute("PRAGMA table_info(documents)")}
        for name, decl in _ADDED.items():  # a manifest written before these columns existed
            if name not in have:
                self._db.execute(f"ALTER TABLE documents ADD COLUMN {name} {decl}")
        self._db.execute("CREATE INDEX IF NOT EXISTS documents_so_hieu ON documents (so_hieu_key)")
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

    def generation(self) -> tuple[int, int]:
        """A token that changes whenever the manifest may have: a commit through another connection or process
        (SQLite's ``data_version``) or a change through this one (``total_changes``). Readers that derive
        something from every entry (the procedure catalogue) rebuild it only when this changes."""
        with self._lock:
            return int(self._db.execute("PRAGMA data_version").fetchone()[0]), self._db.total_changes

    def get(self, doc_id: str) -> ManifestEntry | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_SELECT} FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
            return _entry(row) if row else None

    def entries(self) -> list[ManifestEntry]:
        with self._lock:
            return [_entry(r) for r in self._db.execute(f"SELECT {_SELECT} FROM documents ORDER BY doc_id")]

    def by_so_hieu(self, key: str) -> list[ManifestEntry]:
        """Indexed documents whose số hiệu has this key (``SoHieu.key``: "1234/QD-UBND"), by doc id."""
        with self._lock:
            rows = self._db.execute(f"SELECT {_SELECT} FROM documents WHERE so_hieu_key = ? AND content_hash IS NOT "
                                    "NULL ORDER BY doc_id", (key,))
            return [_entry(r) for r in rows]

    def numbered(self, so_hieu: SoHieu) -> list[tuple[str, str]]:
        """(doc_id, title) of indexed documents whose số hiệu matches ``so_hieu`` where both state a part
        ("NĐ 30/2020" matches "30/2020/NĐ-CP"); the number itself is looked up in the index."""
        from core.so_hieu import parse_so_hieu

        prefix = so_hieu.number.lstrip("0") or "0"
        with self._lock:
            rows = self._db.execute("SELECT doc_id, title, so_hieu_key FROM documents WHERE content_hash IS NOT NULL "
                                    "AND (so_hieu_key LIKE ? OR so_hieu_key LIKE ?) ORDER BY doc_id",
                                    (f"{prefix}/%", f"0{prefix}/%")).fetchall()
        return [(doc_id, title) for doc_id, title, key in rows
                if (parsed := parse_so_hieu(key)) is not None and parsed.matches(so_hieu)]

    def mark_pending(self, doc_id: str, source: str, kind: str, title: str, new_hash: str,
                     chunk_ids: list[str], metadata: dict[str, Any] | None = None,
                     access: dict[str, Any] | None = None) -> None:
        """``metadata`` (JSON-able header fields) and ``access`` (``AccessLabel.payload()``) are kept for
        ``assistant documents``; the số hiệu key is derived from ``metadata["so_hieu"]``."""
        meta_json = json.dumps(metadata or {}, ensure_ascii=False, sort_keys=True, default=str)
        access_json = json.dumps(access) if access is not None else None
        with self._lock:
            now = _now()
            self._db.execute(
                """INSERT INTO documents (doc_id, source, kind, title, pending_hash, pending_chunk_ids, updated_at,
                                          metadata, access, so_hieu_key)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(doc_id) DO UPDATE SET source=excluded.source, kind=excluded.kind,
                     title=excluded.title, pending_hash=excluded.pending_hash,
                     pending_chunk_ids=excluded.pending_chunk_ids, updated_at=excluded.updated_at,
                     metadata=excluded.metadata, access=excluded.access, so_hieu_key=excluded.so_hieu_key""",
                (doc_id, source, kind, title, new_hash, json.dumps(chunk_ids), now, meta_json, access_json,
                 _so_hieu_key(metadata or {})),
            )
            self._db.commit()

    def set_access(self, doc_id: str, access: dict[str, Any]) -> None:
        """A document relabelled by an administrator; its content hash is kept, so re-reading the unchanged
        file with the same given label leaves the administrator's label in place (docs/access.md)."""
        with self._lock:
            self._db.execute("UPDATE documents SET access = ?, updated_at = ? WHERE doc_id = ?",
                             (json.dumps(access), _now(), doc_id))
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


_SELECT = ", ".join(_COLUMNS)


def _so_hieu_key(metadata: dict[str, Any]) -> str | None:
    """The key the indexer put in the fields (``so_hieu_key``), else made from ``so_hieu`` (a caller that passes
    bare header fields); None when there is no number to look up."""
    from core.so_hieu import parse_so_hieu

    if metadata.get("so_hieu_key"):
        return str(metadata["so_hieu_key"])
    parsed = parse_so_hieu(str(metadata.get("so_hieu") or ""))
    return parsed.key if parsed else None


def _entry(row: tuple) -> ManifestEntry:
    doc_id, source, kind, title, chash, chunks, phash, pchunks, updated, meta, access, key = row
    return ManifestEntry(doc_id, source, kind, title, chash, json.loads(chunks), phash, json.loads(pchunks),
                         updated, json.loads(meta or "{}"), json.loads(access) if access else None, key)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
