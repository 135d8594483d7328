"""What an answer says about the validity of what it cites, and which text retrieval prefers.

- ``question_date``: "năm 2020 quy định thế nào", "vào ngày 15/3/2024" → the date the question asks about.
- ``prefer_in_force``: among the candidates, the text in force on that date (today by default) comes first;
  expired or not-yet text stays, behind it.
- ``source_notes``: for a cited source, "đã hết hiệu lực từ …, được thay thế bởi …" and "khoản 2 Điều 3 đã
  được sửa đổi bởi khoản 1 Điều 1 Quyết định …", with the amending clause's chunk to cite beside it. A change
  read from a document the asker may not see is told without its số hiệu or clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.validity.compute import changes_at, changes_of_unit
from assistant.validity.relations import KIND_LABELS
from core.access import Principal
from core.dates import DAY_MONTH_YEAR, NGAY, first_date
from core.legal_status import VALIDITY_EXPIRED, VALIDITY_NOT_YET, VALIDITY_UNKNOWN, status_of, unverified_reason
from core.so_hieu import CONSOLIDATED_KIND, is_consolidated, parse_so_hieu
from indexing.store import Hit
from indexing.stores.filters import payload_allows

_YEAR = re.compile(r"(?:^|[,;]\s*|\b(?:vao|trong|tai|thoi diem|den|truoc|o|cuoi|dau)\s+)nam\s+((?:19|20)\d\d)\b")
_EXACT = re.compile(rf"\b{NGAY}\s+(?:{DAY_MONTH_YEAR}|\d{{1,2}}/\d{{1,2}}/\d{{4}})")


def question_date(folded: str) -> date | None:
    """The date a question asks about, read on its fold (``Question.folded``): an exact "ngày …", else the last
    day of "năm YYYY" (not a year inside a số hiệu or a law's name like "Luật … năm 2015"); None when it names
    no date."""
    low = folded
    exact = _EXACT.search(low)
    if exact:
        iso = first_date(exact.group())
        if iso:
            return date.fromisoformat(iso)
    year = _YEAR.search(low)
    return date(int(year.group(1)), 12, 31) if year else None


def _replacers(hit: Hit) -> set[str]:
    return {c.get("by_doc_id") for c in hit.payload.get("thay_the_boi") or [] if c.get("by_doc_id")}


def prefer_in_force(hits: Sequence[Hit], as_of: date | None, today: date) -> list[Hit]:
    """Text in force on ``as_of`` ahead of the text it replaced (or, for a past date, of the text that later
    replaced it). Only a replacing pair is reordered: an expired text never drops behind unrelated hits, so
    a question about it still finds it (with its note)."""
    out = list(hits)
    for hit in list(out):
        status = status_of(hit.payload, as_of, today)
        if status == VALIDITY_EXPIRED:
            better = _replacers(hit)
        elif status == VALIDITY_NOT_YET:
            better = {str(x.payload.get("doc_id")) for x in out if hit.payload.get("doc_id") in _replacers(x)}
        else:
            continue
        here = out.index(hit)
        later = [i for i, x in enumerate(out) if x.payload.get("doc_id") in better and i > here]
        if later:
            out.pop(here)
            out.insert(later[-1], hit)
    return out


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


_TYPE_WORDS = {"NĐ": "Nghị định", "QĐ": "Quyết định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
               "NQ": "Nghị quyết", "CT": "Chỉ thị", "PL": "Pháp lệnh", "KH": "Kế hoạch"}


def document_name(so_hieu: str) -> str:
    """"Quyết định số 20/2025/QĐ-UBND", "Luật số 45/2019/QH14" (the type read off the số hiệu)."""
    if is_consolidated(so_hieu):
        return f"{CONSOLIDATED_KIND} số {so_hieu}"
    parsed = parse_so_hieu(so_hieu) if so_hieu else None
    if parsed is None:
        return so_hieu or "văn bản khác"
    kind = _TYPE_WORDS.get(parsed.type_code or "") or ("Luật" if (parsed.issuer or "").startswith("QH") else "")
    return f"{kind} số {so_hieu}" if kind else f"văn bản số {so_hieu}"


def _by(change: dict[str, Any]) -> str:
    clause = change.get("clause") if change.get("clause") not in ("trích yếu", "phần mở đầu", "căn cứ") else ""
    return f"{clause} của {document_name(change.get('by') or '')}" if clause else document_name(change.get("by") or "")


@dataclass
class SourceNotes:
    """The notes for one source, and the chunks of the amending clauses the asker may read."""

    notes: list[str] = field(default_factory=list)
    amending_chunks: list[str] = field(default_factory=list)


def source_notes(payload: dict[str, Any], principal: Principal, as_of: date | None, today: date) -> SourceNotes:
    """Notes on the document of ``payload`` as of ``as_of`` (today when None), for ``principal``."""
    found = SourceNotes()
    name = " ".join(p for p in (str(payload.get("citation") or ""),) if p) or str(payload.get("title") or "")
    title = str(payload.get("title") or payload.get("doc_id") or "")
    if payload.get("so_hieu") and str(payload["so_hieu"]) not in title:
        title = f"{title} ({payload['so_hieu']})"
    status = status_of(payload, as_of, today)
    when = f" tại thời điểm {_day(as_of.isoformat())}" if as_of else ""
    if status == VALIDITY_EXPIRED:
        day = (as_of or today).isoformat()
        whole = [c for c in payload.get("thay_the_boi") or [] if not c.get("from") or c["from"] <= day]
        seen = [c for c in whole if payload_allows(c.get("access"), principal)]
        since = min((c["from"] for c in whole if c.get("from")), default=None)
        text = f"Lưu ý: {title} đã hết hiệu lực{f' từ ngày {_day(since)}' if since else ''}{when}"
        if seen:
            text += "; được " + "; ".join(f"{KIND_LABELS[c['kind']]} bởi {_by(c)}" for c in seen)
        elif whole:
            text += "; văn bản thay thế không thuộc phạm vi bạn được xem"
        found.notes.append(text + ".")
        found.amending_chunks += [c["chunk_id"] for c in seen if c.get("chunk_id")]
    elif status == VALIDITY_NOT_YET:
        start = payload.get("hieu_luc_tu")
        found.notes.append(f"Lưu ý: {title} chưa có hiệu lực{when}" + (f" (có hiệu lực từ ngày {_day(start)})"
                                                                         if start else "") + ".")
    fields = payload.get("fields") or {}
    for change in changes_of_unit(payload, fields, as_of, today):
        units = ", ".join(change.get("units") or []) or name
        since = f" từ ngày {_day(change.get('from'))}" if change.get("from") else ""
        if payload_allows(change.get("access"), principal):
            found.notes.append(f"Lưu ý: {units} của {title} đã được {KIND_LABELS[change['kind']]} bởi "
                               f"{_by(change)}{since}.")
            if change.get("chunk_id"):
                found.amending_chunks.append(change["chunk_id"])
        else:
            found.notes.append(f"Lưu ý: {units} của {title} đã được {KIND_LABELS[change['kind']]}{since} bởi một "
                               "văn bản không thuộc phạm vi bạn được xem.")
    unit_actors = {c.get("by") for c in changes_of_unit(payload, fields, as_of, today)}
    broad = [c for c in changes_at(payload, as_of, today) if not c.get("units") and c.get("by") not in unit_actors
             and c["kind"] == "amends"]
    shown = [c for c in broad if payload_allows(c.get("access"), principal)]
    if shown and status != VALIDITY_EXPIRED:
        listed = ", ".join(f"{document_name(c['by'])}" + (f" (từ ngày {_day(c['from'])})" if c.get("from") else "")
                           for c in shown)
        found.notes.append(f"Lưu ý: {title} đã được sửa đổi, bổ sung một số điều bởi {listed}; nội dung trích dẫn "
                           "có thể đã được sửa đổi.")
    if as_of is not None and status == VALIDITY_NOT_YET:
        found.notes.append("Lưu ý: văn bản áp dụng tại thời điểm đó (nếu có) chưa có trong hệ thống.")
    if as_of is not None and status not in (VALIDITY_NOT_YET, VALIDITY_EXPIRED):
        replaced = [c for c in payload.get("thay_the_boi") or [] if c.get("from") and c["from"] > as_of.isoformat()]
        for c in replaced:
            by = f" bởi {_by(c)}" if payload_allows(c.get("access"), principal) else ""
            found.notes.append(f"Lưu ý: {title} còn hiệu lực tại thời điểm {_day(as_of.isoformat())}, nhưng đã "
                               f"hết hiệu lực từ ngày {_day(c['from'])}{by}.")
    if as_of is not None and status != VALIDITY_NOT_YET:
        later = [c for c in payload.get("sua_doi") or [] if c.get("from") and c["from"] > as_of.isoformat()
                 and c in changes_of_unit(payload, fields, None, today)]
        if later:
            found.notes.append(f"Lưu ý: đây là nội dung {name} tại thời điểm {_day(as_of.isoformat())}; sau đó đã "
                               "được sửa đổi, bổ sung.")
    return found


_ASKS_VALIDITY = re.compile(r"\b(?:con|het|co) hieu luc\b|\bthay the\b|\bsua doi\b|\bbai bo\b|\bhieu luc tu\b")
_STATUS_WORDS = {"con_hieu_luc": "còn hiệu lực", "het_hieu_luc": "đã hết hiệu lực",
                 "chua_co_hieu_luc": "chưa có hiệu lực", "chua_ro": "chưa xác minh hiệu lực"}


def asks_validity(folded: str) -> bool:
    """"… còn hiệu lực không", "được thay thế bởi văn bản nào", "đã được sửa đổi chưa" (on the question's fold,
    ``Question.folded``)."""
    return bool(_ASKS_VALIDITY.search(folded))


def status_line(payload: dict[str, Any], as_of: date | None, today: date) -> str:
    """"Quyết định … (12/2025/QĐ-UBND): còn hiệu lực (có hiệu lực từ ngày 01/03/2025)." for the date asked."""
    title = str(payload.get("title") or payload.get("doc_id") or "")
    if payload.get("so_hieu") and str(payload["so_hieu"]) not in title:
        title = f"{title} ({payload['so_hieu']})"
    status = status_of(payload, as_of, today) or "chua_ro"
    when = f" tại thời điểm {_day(as_of.isoformat())}" if as_of else ""
    since = f" (có hiệu lực từ ngày {_day(payload['hieu_luc_tu'])})" if payload.get("hieu_luc_tu") and \
        status == "con_hieu_luc" else ""
    why = f" ({unverified_reason(payload)})" if status == VALIDITY_UNKNOWN else ""
    return f"Hiệu lực: {title} {_STATUS_WORDS.get(status, status)}{when}{since}{why}."
