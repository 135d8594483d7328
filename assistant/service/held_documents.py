"""Files held for review: kept by name (personal data masked), sha256, uploader, page, stamp and reason; never
the file. Why: a file that may bear a state-secret stamp must not be stored, yet an administrator must see that
it came, who sent it and why it was stopped, and decide (re-submit with a stated override, audited)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select

from assistant.service.db import HeldDocumentRow, Sessions
from assistant.service.pii import mask_pii


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_held(sessions: Sessions, *, filename: str, sha256: str, uploader: str, job_id: str | None,
                held: list[dict[str, object]]) -> int:
    """One row per held document of an upload; returns how many were recorded."""
    with sessions.begin() as s:
        for item in held:
            s.add(HeldDocumentRow(filename=mask_pii(filename)[:300], sha256=sha256, uploader=uploader, job_id=job_id,
                                  page=int(item.get("page") or 0), stamp=str(item.get("stamp") or "")[:32],
                                  reason=str(item.get("reason") or "")))
    return len(held)


def list_held(sessions: Sessions, status: str = "held", limit: int = 500) -> list[dict[str, object]]:
    """The held files for the administrators' list, newest first."""
    with sessions.begin() as s:
        rows = s.scalars(select(HeldDocumentRow).where(HeldDocumentRow.status == status)
                         .order_by(HeldDocumentRow.id.desc()).limit(limit)).all()
        return [{"id": r.id, "held_at": r.held_at.isoformat(), "filename": r.filename, "sha256": r.sha256,
                 "uploader": r.uploader, "page": r.page, "stamp": r.stamp, "reason": r.reason, "status": r.status}
                for r in rows]
