"""A legal document's status (còn / hết / chưa có hiệu lực, or not known), computed in one place.

Two inputs, one rule: what the source's own status line says (a website's "Tình trạng: Còn hiệu lực") and the
dates and changes recorded on the document's payload by the relations (``assistant.validity``: ``hieu_luc_tu``,
``thay_the_boi``, ``nguon_ghi``). The indexer stores the first reading when it writes a chunk
(``status_of_metadata``); the relations observer later stores the computed one, and every reader — retrieval
preference, notes, answers, history — asks ``status_of`` for a date. Nothing else decides a status.
"""

from __future__ import annotations

from datetime import date
from typing import Any

VALIDITY_IN_FORCE = "con_hieu_luc"
VALIDITY_EXPIRED = "het_hieu_luc"
VALIDITY_NOT_YET = "chua_co_hieu_luc"
VALIDITY_UNKNOWN = "chua_ro"
# How a status is said to a person (the codes above are data, never shown).
STATUS_WORDS = {VALIDITY_IN_FORCE: "còn hiệu lực", VALIDITY_EXPIRED: "hết hiệu lực",
                VALIDITY_NOT_YET: "chưa có hiệu lực", VALIDITY_UNKNOWN: "chưa rõ hiệu lực"}


def stated_status(status_line: str) -> str:
    """What a source's status line says ("Hết hiệu lực toàn bộ" → expired); unknown when it says none."""
    status = (status_line or "").lower()
    if "hết hiệu lực" in status or "het hieu luc" in status:
        return VALIDITY_EXPIRED
    if "chưa có hiệu lực" in status:
        return VALIDITY_NOT_YET
    if "còn hiệu lực" in status or "có hiệu lực" in status:
        return VALIDITY_IN_FORCE
    return VALIDITY_UNKNOWN


def status_of_metadata(metadata: dict[str, Any], today: date) -> str:
    """The status a document's own fields give: its status line wins; a future effective date means not yet
    in force; otherwise unknown (the relations decide later)."""
    stated = stated_status(str(metadata.get("tinh_trang_hieu_luc") or ""))
    if stated != VALIDITY_UNKNOWN:
        return stated
    effective = metadata.get("ngay_hieu_luc")
    if effective:
        try:
            if date.fromisoformat(str(effective)) > today:
                return VALIDITY_NOT_YET
        except ValueError:
            pass
    return VALIDITY_UNKNOWN


def _in_effect(change: dict[str, Any], day: str) -> bool:
    return not change.get("from") or change["from"] <= day


def status_at(payload: dict[str, Any], as_of: date | None, today: date) -> str:
    """The status on ``as_of`` (None: today, where the source's own status line also counts) from the validity
    fields the relations wrote on the payload.

    "In force" is said only when something confirms it: the source's own status line, or relation data that
    covers the document up to the day asked (``xac_minh_den``: the relations held were checked through that
    date — a Pháp điển import or the operator's ``validity_verified_through`` setting). An effective date that
    has passed with no repeal *on record* is not that: the record may simply lack the repealing document, and an
    official copying a căn cứ from the answer must not be told it is in force. That case is unknown
    (``unverified_reason`` says why)."""
    day = (as_of or today).isoformat()
    effective = payload.get("hieu_luc_tu")
    if effective and effective > day:
        return VALIDITY_NOT_YET
    if any(_in_effect(c, day) for c in payload.get("thay_the_boi") or []):
        return VALIDITY_EXPIRED
    if payload.get("nguon_ghi"):
        stated = stated_status(payload["nguon_ghi"])
        if as_of is None and stated != VALIDITY_UNKNOWN:
            return stated
        if stated == VALIDITY_IN_FORCE:  # in force today and not replaced since: in force on the day asked
            return VALIDITY_IN_FORCE
    verified = str(payload.get("xac_minh_den") or "")
    return VALIDITY_IN_FORCE if effective and verified and verified >= day else VALIDITY_UNKNOWN


def unverified_reason(payload: dict[str, Any]) -> str:
    """Why a status is unknown, in the words an answer uses."""
    effective = str(payload.get("hieu_luc_tu") or "")
    if effective:
        shown = "/".join(reversed(effective.split("-"))) if len(effective) == 10 else effective
        return f"không có dữ liệu về văn bản sửa đổi, thay thế sau ngày có hiệu lực {shown}"
    return "không có dữ liệu về ngày có hiệu lực và văn bản sửa đổi, thay thế"


def status_of(payload: dict[str, Any], as_of: date | None, today: date) -> str:
    """The status of a stored chunk's document on ``as_of``: computed when the relations wrote their fields,
    else the status stored at indexing."""
    if "thay_the_boi" not in payload and "hieu_luc_tu" not in payload:
        return str(payload.get("validity") or "")
    return status_at(payload, as_of, today)


def changes_in_effect(changes: list[dict[str, Any]], day: str) -> list[dict[str, Any]]:
    """The recorded changes that have taken effect on ``day`` (ISO)."""
    return [c for c in changes if _in_effect(c, day)]
