"""Reference questions answered with the unit they name: "Điều 14 Luật Cán bộ, công chức quy định gì?" quotes
Điều 14 itself — whole, Khoản by Khoản as it is chunked, or only the Khoản asked — and cites only it.

Why a record answerer and not the writer: the unit is already resolved (``Question.reference``, once, under the
asker's access), so the answer is exact. Left to the writer, the sentences that share most words with the
question ("quy định", "cán bộ, công chức") win, and those sit in other articles. A reference to a unit the
document does not have is not answered here: the answerer says "… không có Điều 150" from ``missing``.
"""

from __future__ import annotations

import re

from assistant.answer.citations import plain, sentence_spans
from assistant.answer.records import RecordReply
from assistant.answer.types import Source
from assistant.search.question import Question
from assistant.search.reference_lookup import unit_label
from core.access import Principal


def khoan_text(text: str, khoan: str) -> str | None:
    """Khoản ``khoan`` cut out of a whole Điều's text (from its "2." line to the next Khoản); None when the text
    has no such Khoản."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(rf"\s*{re.escape(khoan)}\.\s", line)), None)
    if start is None:
        return None
    end = len(lines)
    for i in range(start + 1, len(lines)):
        m = re.match(r"\s*(\d+)\.\s", lines[i])
        if m and khoan.isdigit() and int(m.group(1)) > int(khoan):
            end = i
            break
    return "\n".join(lines[start:end])


def quote_unit(source: Source, khoan: str | None = None) -> str:
    """The chunk verbatim (only Khoản ``khoan`` when it was asked and the chunk holds the whole Điều) with its
    marker after its first sentence: the checker reads the words before a marker as its claim, and a first
    sentence is always supported by the quote it opens."""
    text = source.text.strip()
    if khoan and not (source.payload.get("fields") or {}).get("khoan"):
        text = khoan_text(text, khoan) or text
    text = plain(text)
    spans = sentence_spans(text)
    end = spans[0][1] if spans else len(text)
    return f"{text[:end]} [{source.marker}]{text[end:]}"


class ReferenceAnswerer:
    """A :class:`~assistant.answer.records.RecordAnswerer` for "Điều N [Khoản k] <văn bản>": the unit's own chunks
    are the sources and the text quotes them in document order."""

    def reply(self, question: Question, principal: Principal, sources: list[Source]) -> RecordReply | None:
        match = question.reference
        if match is None or match.reference is None or match.doc_id is None or not match.hits:
            return None  # no unit named (a bare số hiệu searches inside the document), or the unit is missing
        unit = [Source.of(i + 1, hit) for i, hit in enumerate(match.hits)]
        label = unit_label(match.reference)
        label = label[0].upper() + label[1:]
        head = f"{label} — {match.title} (trích nguyên văn):"
        text = "\n\n".join([head, *(quote_unit(s, match.reference.khoan) for s in unit)])
        return RecordReply(kind="reference", text=text, sources=unit, own_sources=True,
                           facts={"status": "answered", "doc_id": match.doc_id, "unit": label,
                                  "chunks": [s.chunk_id for s in unit]})
