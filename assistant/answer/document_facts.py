"""A named document's own particulars — when it was issued, by whom, who signed it — answered from its recorded
metadata, citing the document's best-ranked chunk.

Why: "Kế hoạch 731 ban hành ngày nào?" names the document and asks about the document, not about a sentence in
it. The writer looks for a line that shares the question's words, and the date an official needs sits in the
header the chunker read into the metadata (``ngay_ban_hanh``, ``co_quan_ban_hanh``, ``nguoi_ky``), not in a
line the words would find; the answer was a refusal. Only what the metadata holds is said (never a guess), and
only from a chunk the asker was allowed to retrieve.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from assistant.answer.records import RecordReply
from assistant.answer.types import Source
from assistant.search.question import Question
from core.access import Principal

# On the fold (typed with or without marks): the question asks about the document's issuing, not its content.
# "ngày ký" alone is not enough: "hợp đồng có hiệu lực từ ngày ký" asks about a contract, not the law named.
_ASKS_DATE = re.compile(r"\b(?:(?:ban hanh|ky)(?: vao)? (?:ngay nao|ngay bao nhieu|khi nao|bao gio|luc nao|nam nao)"
                        r"|ngay ban hanh\b|ngay ky (?:cua|la)\b)")
# "ai ký", "ai ban hành" only where the question ends: "Kế hoạch 731 giao ai ban hành khung kiến trúc số" asks
# about a task of the plan, not about the plan
_END = r"(?:\s+(?:vay|a|nhi|the))?\s*\W*$"
_ASKS_SIGNER = re.compile(rf"\b(?:nguoi ky (?:la ai|van ban)|(?:do )?ai ky{_END}|ky boi ai)")
_ASKS_ISSUER = re.compile(rf"\b(?:(?:co quan|don vi) nao ban hanh|co quan ban hanh la|(?:do )?ai ban hanh{_END})")


def _day(value: object) -> str | None:
    """"30/12/2025" from the metadata's ISO date; None when it is not one (never shown as read)."""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return None


def _order(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 1 << 30


class DocumentFactsAnswerer:
    """A :class:`~assistant.answer.records.RecordAnswerer` for a question that names one document (no Điều) and
    asks when it was issued, by which body, or who signed it."""

    def reply(self, question: Question, principal: Principal, sources: list[Source]) -> RecordReply | None:
        match = question.reference
        if match is None or match.doc_id is None or match.reference is not None:
            return None
        folded = question.folded
        asks = {"date": bool(_ASKS_DATE.search(folded)), "signer": bool(_ASKS_SIGNER.search(folded)),
                "issuer": bool(_ASKS_ISSUER.search(folded))}
        if not any(asks.values()):
            return None
        own = [s for s in sources if s.doc_id == match.doc_id]
        if not own:
            return None  # retrieval gave the asker nothing of it: the ordinary path answers (or refuses)
        # the retrieved chunk nearest the document's head: its opening names the document the facts are of
        head = min(own, key=lambda s: _order(s.payload.get("order")))
        payload = head.payload
        name = " ".join(p for p in (str(payload.get("loai_van_ban") or ""), str(payload.get("so_hieu") or ""))
                        if p) or match.title or head.title
        parts: list[str] = []
        issued = _day(payload.get("ngay_ban_hanh"))
        if asks["date"] and issued:
            parts.append(f"ban hành ngày {issued}")
        if asks["issuer"] and payload.get("co_quan_ban_hanh"):
            parts.append(f"do {payload['co_quan_ban_hanh']} ban hành")
        if asks["signer"] and payload.get("nguoi_ky"):
            parts.append(f"người ký: {payload['nguoi_ky']}")
        if not parts:
            return None  # the metadata does not hold what is asked: never guessed here
        title = match.title or head.title
        card = _header_card(name, title, payload)
        source = replace(head, marker=1, text=card, citation=f"Thông tin văn bản — {name}",
                         payload={**payload, "text": card})
        text = f"{name} ({title}) {', '.join(parts)} [1]."
        return RecordReply(kind="document", text=text, sources=[source], own_sources=True,
                           facts={"status": "answered", "doc_id": match.doc_id,
                                  "asked": sorted(k for k, v in asks.items() if v)})


def _header_card(name: str, title: str, payload: dict[str, object]) -> str:
    """The document's recorded header (what the connector read from its "Số hiệu | Ngày ban hành | Người ký"
    block) as the quoted source: the facts are in no chunk's body, and a citation must show where they come
    from. Its chunk id stays the retrieved chunk's, so the citation opens that document under the same access."""
    lines = [f"{name} — {title}"]
    for label, key in (("Cơ quan ban hành", "co_quan_ban_hanh"), ("Người ký", "nguoi_ky")):
        if payload.get(key):
            lines.append(f"{label}: {payload[key]}")
    issued = _day(payload.get("ngay_ban_hanh"))
    if issued:
        lines.append(f"Ngày ban hành: {issued}")
    return "\n".join(lines)
