"""Uploads are indexed off the request path by one worker thread per process, from the SQL job queue.

It uses the runtime's indexer: the model runs outside every lock (so a long embedding never makes an ask
wait), and store and manifest writes are short calls, one batch at a time (see ``assistant.service.runtime``). Jobs
live in SQL (``assistant.api.job_queue``): any replica may run any queued job, never one another live
replica is running, and a job left running by a dead process is re-queued once, then failed. The upload's
document id follows ``connectors.document_identity``.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.api.job_queue import ClaimedJob, JobQueue
from assistant.api.masking import mask_pii
from assistant.service.db import Sessions
from assistant.service.held_documents import file_sha256, finish_release, record_held
from connectors.access_labelling import labelled
from connectors.auto import iter_sources
from connectors.base import Rejection
from connectors.document_identity import refuse_reserved, upload_doc_id
from connectors.extraction_limits import ExtractionLimits
from core.access import AccessLabel
from core.documents import Document
from core.errors import RejectedInput
from core.settings import Settings
from indexing.manifest import Manifest
from indexing.pipeline import Indexer

log = logging.getLogger("assistant.api.worker")


def upload_path(settings: Settings, job_id: str, filename: str) -> Path:
    """Where an upload's file waits for its job (the data dir is shared by the replicas of one machine)."""
    return settings.data_dir / "uploads" / job_id / filename


def upload_labelled(items: list[Document | Rejection], detail: dict[str, Any]) -> list[Document | Rejection]:
    """The upload's label (its ``access`` form field, else internal; a record's own label wins) and the DMS's
    header fields (``fields``: the text wins where it states one, ``indexing.metadata_merge``).

    A held file released by an override takes the administrator's label on every document, a record's own
    included: what it may be read by is what the administrator stated, nothing the file says."""
    given = AccessLabel.from_record(detail.get("access", "internal"))
    fields = dict(detail.get("fields") or {})
    if detail.get("override"):
        items = [dataclasses.replace(i, access=given) if isinstance(i, Document) else i for i in items]
    out = list(labelled(items, given, folders=False))
    return [dataclasses.replace(i, metadata={**fields, **i.metadata}) if fields and isinstance(i, Document) else i
            for i in out]


class IndexWorker:
    def __init__(self, indexer: Indexer, manifest: Manifest, sessions: Sessions, settings: Settings,
                 on_finish: Callable[[str], None] | None = None, queue: JobQueue | None = None) -> None:
        self.indexer = indexer
        self.manifest = manifest
        self.sessions = sessions
        self.settings = settings
        self.on_finish = on_finish  # callback(status) for metrics
        self.queue = queue or JobQueue(sessions, settings.job_stale_s,
                                       can_run=lambda job_id, name: upload_path(settings, job_id, name).is_file())
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-worker", daemon=True)

    def start(self) -> None:
        self.queue.recover_stale()  # jobs a previous process of this host left running
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def submit(self, job_id: str, path: Path) -> None:
        """A job was queued (its row is in SQL): wake the worker instead of waiting for the next poll."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.run_pending()
                self.queue.recover_stale()
            except Exception as exc:  # the database away for a moment must not end the worker
                log.error("index worker: %s: %s", type(exc).__name__, mask_pii(str(exc))[:300])
            self._wake.wait(self.settings.job_heartbeat_s)
            self._wake.clear()

    def run_pending(self) -> int:
        """Run queued jobs until none is left for this replica; returns how many ran."""
        ran = 0
        while not self._stopping.is_set():
            job = self.queue.claim_next()
            if job is None:
                return ran
            self.run(job)
            ran += 1
        return ran

    def run(self, job: ClaimedJob) -> str:
        """Index one claimed job with a heartbeat renewing the claim; returns its final status."""
        path = upload_path(self.settings, job.id, job.filename)
        done = threading.Event()
        beat = threading.Thread(target=self._beat, args=(job.id, done), name=f"job-heartbeat-{job.id[:8]}",
                                daemon=True)
        beat.start()
        try:
            status, detail = self._index(job, path)
        except Exception as exc:  # one bad job must not stop the worker
            log.error("index job %s failed: %s: %s", job.id, type(exc).__name__, mask_pii(str(exc))[:300])
            status, detail = "failed", {"error": "lỗi khi lập chỉ mục / indexing error"}
        finally:
            done.set()
            beat.join()
        if status != "done":  # a rejected upload (secret stamp, broken file) is not kept on disk either
            shutil.rmtree(path.parent, ignore_errors=True)
        if self.queue.finish(job.id, status, detail) and self.on_finish:
            self.on_finish(status)
        return status

    def _beat(self, job_id: str, done: threading.Event) -> None:
        while not done.wait(self.settings.job_heartbeat_s):
            try:
                self.queue.heartbeat(job_id)
            except Exception as exc:  # noqa: BLE001 - a missed beat is retried; staleness needs many
                log.warning("heartbeat of job %s: %s", job_id, type(exc).__name__)

    def _identified(self, job: ClaimedJob, items: list[Document | Rejection]) -> list[Document | Rejection]:
        """Upload ids for the file's documents; reserved namespaces refused (``connectors.document_identity``)."""
        out: list[Document | Rejection] = []
        for item in items:
            if isinstance(item, Document):
                try:
                    refuse_reserved(item.doc_id)
                    if item.doc_id.startswith("file:"):
                        item = dataclasses.replace(item, doc_id=upload_doc_id(
                            job.filename, job.user_id, job.detail.get("source_system"), job.detail.get("external_id")))
                except RejectedInput as exc:
                    item = Rejection(item.source or job.filename, str(exc))
            out.append(item)
        return out

    def _index(self, job: ClaimedJob, path: Path) -> tuple[str, dict[str, Any]]:
        limits = ExtractionLimits.from_settings(self.settings)
        items = self._identified(job, list(iter_sources([path], kind="auto", max_bytes=self.settings.max_file_bytes,
                                                        limits=limits)))
        items = upload_labelled(items, job.detail)
        doc_ids = [i.doc_id for i in items if not isinstance(i, Rejection)]
        previous = [e.source for e in map(self.manifest.get, doc_ids) if e is not None and e.source]
        override = job.detail.get("override") or None
        digest = file_sha256(path)
        if override and override.get("sha256") != digest:  # the file on disk is not the one the admin released
            return "rejected", {"doc_ids": [], "rejected": [{"file": mask_pii(job.filename), "reason": (
                "tệp không còn khớp mã băm đã được duyệt vượt quyền giữ lại")}]}
        indexer = dataclasses.replace(self.indexer, release_held=True) if override else self.indexer
        report = indexer.index(items)
        self._drop_replaced_uploads(previous, path)
        if report.held:  # kept by name and hash for the administrators; the file is removed like any rejection
            record_held(self.sessions, filename=job.filename, sha256=digest, uploader=job.user_id,
                        job_id=job.id, held=report.held)
        rejected = [{"file": mask_pii(Path(r.path).name), "reason": r.reason} for r in report.rejected]
        indexed = report.added + report.updated + report.unchanged
        if report.secret and indexed:  # its other documents are indexed, but the file holds the stamped text
            shutil.rmtree(path.parent, ignore_errors=True)
        if override:
            release = (str(override.get("reason") or ""), digest, [int(i) for i in override.get("held_ids") or []])
            finish_release(self.sessions, release, by=str(override.get("by") or job.user_id), via="", job_id=job.id,
                           filename=job.filename, doc_ids=doc_ids if indexed else [],
                           rejected=[r["reason"] for r in rejected])
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
