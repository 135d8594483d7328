"""Files held for review: kept by name (personal data masked), sha256, uploader, page, stamp and reason; never
the file. Why: a file that may bear a state-secret stamp must not be stored, yet an administrator must see that
it came, who sent it and why it was stopped, and decide.

Deciding is a re-submission of the very same file (the same sha256) with a stated override reason: it is
indexed with the access the administrator states, restricted to administrators when none is stated (never
public unless stated), and a stamp in the header zone stays refused (``indexing.pipeline.Indexer.release_held``).
Both the hold and the override are audited: who, when, the reason and the file's digest, never its text.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import select

from assistant.service.db import AuditEvent, HeldDocumentRow, Sessions, utcnow
from assistant.service.pii import mask_and_cut, mask_pii
from connectors.base import Rejection
from core.access import AccessLabel
from core.documents import Document

# What a released file is labelled when the administrator states no label: administrators only.
OVERRIDE_DEFAULT_ACCESS = AccessLabel("restricted", roles=("admin",))
MIN_OVERRIDE_REASON = 10  # characters: "ok" or "." is not a stated reason
MAX_OVERRIDE_REASON = 2000


class OverrideRefused(ValueError):
    """An override that cannot be accepted; the message is Vietnamese and safe to show."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def override_reason(text: str | None) -> str:
    """The stated reason, NFC, trimmed and with personal data masked (it is stored in the job, the held row and
    the audit); OverrideRefused when it is too short to be a reason."""
    reason = mask_pii(unicodedata.normalize("NFC", (text or "").strip()))
    if len(reason) < MIN_OVERRIDE_REASON:
        raise OverrideRefused(f"lý do vượt quyền giữ lại cần ít nhất {MIN_OVERRIDE_REASON} ký tự (nhận "
                              f"{len(reason)})")
    if len(reason) > MAX_OVERRIDE_REASON:
        raise OverrideRefused(f"lý do vượt quyền giữ lại dài quá {MAX_OVERRIDE_REASON} ký tự")
    return reason


def audit_event(sessions: Sessions, *, user_id: str, action: str, digest: str, text: str, outcome: str,
                unit: str = "", via: str = "", doc_ids: list[str] | None = None) -> None:
    """One audit row for a hold or an override: the text masked, then the digest (written after masking, so a
    run of hex digits is never mistaken for a phone number), the documents it concerns."""
    with sessions.begin() as s:
        s.add(AuditEvent(user_id=user_id, unit=unit, via=via, action=action,
                         question=f"{mask_and_cut(text, 3800)} · sha256 {digest}", retrieved_ids=list(doc_ids or []),
                         cited_ids=[], latency_ms=0.0, outcome=outcome[:64]))


def record_held(sessions: Sessions, *, filename: str, sha256: str, uploader: str, job_id: str | None,
                held: list[dict[str, object]], via: str = "") -> int:
    """One row per held document of a file, and one audit row ``hold`` per file; returns how many were held."""
    if not held:
        return 0
    with sessions.begin() as s:
        for item in held:
            s.add(HeldDocumentRow(filename=mask_pii(filename)[:300], sha256=sha256, uploader=uploader, job_id=job_id,
                                  page=int(item.get("page") or 0), stamp=str(item.get("stamp") or "")[:32],
                                  reason=str(item.get("reason") or "")))
    reasons = "; ".join(dict.fromkeys(str(i.get("reason") or "") for i in held))
    audit_event(sessions, user_id=uploader, via=via, action="hold", digest=sha256, outcome="held",
                text=f"{filename}: {reasons}", doc_ids=[str(i.get("doc_id") or "") for i in held])
    return len(held)


def held_ids(sessions: Sessions, sha256: str) -> list[int]:
    """The rows still held for a file with this digest (an override needs at least one)."""
    with sessions.begin() as s:
        return list(s.scalars(select(HeldDocumentRow.id).where(HeldDocumentRow.sha256 == sha256,
                                                                HeldDocumentRow.status == "held")))


def check_override(sessions: Sessions, sha256: str, filename: str) -> list[int]:
    """The held rows this re-submission overrides; OverrideRefused when the file matches no held one (a changed
    file passes the gate afresh: an override releases exactly what an administrator was shown)."""
    ids = held_ids(sessions, sha256)
    if not ids:
        raise OverrideRefused(f"tệp «{mask_pii(filename)}» (sha256 {sha256[:12]}…) không khớp văn bản nào đang bị "
                              "giữ chờ duyệt; chỉ tệp bị giữ mới được gửi lại kèm lý do vượt quyền")
    return ids


def mark_overridden(sessions: Sessions, ids: list[int], *, by: str, reason: str, job_id: str | None) -> None:
    """The held rows of a file released and indexed: who, why, when, by which job."""
    with sessions.begin() as s:
        for row in s.scalars(select(HeldDocumentRow).where(HeldDocumentRow.id.in_(ids))):
            row.status, row.override_by, row.override_reason = "overridden", by, mask_pii(reason)
            row.overridden_at, row.override_job_id = utcnow(), job_id


def list_held(sessions: Sessions, status: str = "held", limit: int = 500) -> list[dict[str, object]]:
    """The held (or released) files for the administrators' list, newest first."""
    with sessions.begin() as s:
        rows = s.scalars(select(HeldDocumentRow).where(HeldDocumentRow.status == status)
                         .order_by(HeldDocumentRow.id.desc()).limit(limit)).all()
        return [{"id": r.id, "held_at": r.held_at.isoformat(), "filename": r.filename, "sha256": r.sha256,
                 "uploader": r.uploader, "page": r.page, "stamp": r.stamp, "reason": r.reason, "status": r.status,
                 "override_by": r.override_by, "override_reason": r.override_reason,
                 "overridden_at": r.overridden_at.isoformat() if r.overridden_at else None}
                for r in rows]


def prepare_release(sessions: Sessions, paths: list[Path], reason_text: str | None) -> tuple[str, str, list[int]]:
    """``assistant index FILE --override-hold REASON``: (reason, digest, held rows) for the one file given;
    OverrideRefused naming what is wrong (not one file, no reason, a file matching no held one)."""
    if len(paths) != 1 or not paths[0].is_file():
        raise OverrideRefused("vượt quyền giữ lại nhận đúng một tệp (tệp đã bị giữ), không nhận thư mục hay nhiều tệp")
    reason = override_reason(reason_text)
    digest = file_sha256(paths[0])
    return reason, digest, check_override(sessions, digest, paths[0].name)


def released(items: Iterable[Document | Rejection], label: AccessLabel,
             doc_ids: list[str]) -> Iterator[Document | Rejection]:
    """A released file's documents, each with the administrator's label (a record's own label included: what
    it may be read by is what the administrator stated, nothing the file says); their ids noted in ``doc_ids``."""
    for item in items:
        if isinstance(item, Document):
            item = dataclasses.replace(item, access=label)
            doc_ids.append(item.doc_id)
        yield item


def record_local_holds(sessions: Sessions, held: list[dict[str, object]], uploader: str, via: str) -> int:
    """Holds of a run over local paths (``assistant index``), kept like an upload's, one file at a time."""
    by_source: dict[str, list[dict[str, object]]] = {}
    for item in held:
        by_source.setdefault(str(item.get("source") or ""), []).append(item)
    count = 0
    for source, items in by_source.items():
        path = Path(source)
        digest = file_sha256(path) if path.is_file() else hashlib.sha256(source.encode()).hexdigest()
        count += record_held(sessions, filename=path.name or source, sha256=digest, uploader=uploader, job_id=None,
                             held=items, via=via)
    return count


def finish_release(sessions: Sessions, release: tuple[str, str, list[int]], *, by: str, via: str, filename: str,
                   doc_ids: list[str], rejected: list[str], job_id: str | None = None) -> None:
    """An override's outcome: the held rows released when indexed; audited either way."""
    reason, digest, ids = release
    if doc_ids:
        mark_overridden(sessions, ids, by=by, reason=reason, job_id=job_id)
    why = "; ".join(rejected)
    audit_event(sessions, user_id=by, via=via, action="override", digest=digest, doc_ids=doc_ids,
                text=f"{filename}: {reason}" + (f" — từ chối: {why}" if why else ""),
                outcome="indexed" if doc_ids else "rejected")
