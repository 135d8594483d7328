"""Uploads are indexed off the request path: one worker thread per process, fed by a queue.

It uses the runtime's indexer: the model runs outside every lock (so a long embedding never makes an ask
wait), and store and manifest writes are short calls, one batch at a time (see ``assistant.runtime``).
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.api.masking import mask_pii
from assistant.db import IndexJob, Sessions, utcnow
from connectors.auto import iter_sources
from connectors.base import Rejection
from core.settings import Settings
from indexing.manifest import Manifest
from indexing.pipeline import Indexer

log = logging.getLogger("assistant.api.worker")


class IndexWorker:
    def __init__(self, indexer: Indexer, manifest: Manifest, sessions: Sessions, settings: Settings,
                 on_finish: Callable[[str], None] | None = None) -> None:
        self.indexer = indexer
        self.manifest = manifest
        self.sessions = sessions
        self.settings = settings
        self.on_finish = on_finish  # callback(status) for metrics
        self._queue: queue.Queue[tuple[str, Path] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="index-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def submit(self, job_id: str, path: Path) -> None:
        self._queue.put((job_id, path))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            job_id, path = item
            try:
                status, detail = self._index(job_id, path)
            except Exception as exc:  # one bad job must not stop the worker
                log.error("index job %s failed: %s: %s", job_id, type(exc).__name__, mask_pii(str(exc))[:300])
                status, detail = "failed", {"error": "lỗi khi lập chỉ mục / indexing error"}
            if status != "done":  # a rejected upload (secret stamp, broken file) is not kept on disk either
                shutil.rmtree(path.parent, ignore_errors=True)
            self._set(job_id, status, detail, finished=True)
            if self.on_finish:
                self.on_finish(status)

    def _index(self, job_id: str, path: Path) -> tuple[str, dict[str, Any]]:
        self._set(job_id, "running", None)
        items = list(iter_sources([path], kind="auto", max_bytes=self.settings.max_file_bytes))
        doc_ids = [i.doc_id for i in items if not isinstance(i, Rejection)]
        previous = [e.source for e in map(self.manifest.get, doc_ids) if e is not None and e.source]
        report = self.indexer.index(items)
        self._drop_replaced_uploads(previous, path)
        rejected = [{"file": Path(r.path).name, "reason": r.reason} for r in report.rejected]
        indexed = report.added + report.updated + report.unchanged
        detail = {"doc_ids": doc_ids if indexed else [], "rejected": rejected, "added": report.added,
                  "updated": report.updated, "unchanged": report.unchanged, "chunks": report.chunks,
                  "seconds": round(report.seconds, 2)}
        return ("done" if indexed else "rejected"), detail

    def _drop_replaced_uploads(self, sources: list[str], current: Path) -> None:
        """A new upload of the same document replaces the old one: remove the old upload's folder."""
        uploads = (self.settings.data_dir / "uploads").resolve()
        still_used = {e.source for e in self.manifest.entries()}
        for source in set(sources) - still_used:
            old = Path(source).resolve()
            if old.is_relative_to(uploads) and old.parent != current.resolve().parent:
                shutil.rmtree(old.parent, ignore_errors=True)

    def _set(self, job_id: str, status: str, detail: dict[str, Any] | None, finished: bool = False) -> None:
        with self.sessions.begin() as s:
            job = s.get(IndexJob, job_id)
            if job is None:
                return
            job.status = status
            if detail is not None:
                job.detail = detail
            if finished:
                job.finished_at = utcnow()
