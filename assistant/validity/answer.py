"""Validity in the answering path: the amending clause sits beside the source it amends, and the notes of
every cited source are added to the answer with the amending clause cited next to them.

The answerer asks two things (``with_validity`` while preparing the sources, ``cited_validity`` once the
citations are checked); the rules live in ``assistant.validity.notes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from assistant.answer.types import Citation, Source
from assistant.search.visible import VisibleChunks
from assistant.validity.notes import source_notes
from core.access import Principal
from core.legal_status import status_of


@dataclass
class ValidityNotes:
    """Per source marker: its notes, and the markers of the amending clauses added beside it."""

    notes: dict[int, list[str]] = field(default_factory=dict)
    companions: dict[int, list[int]] = field(default_factory=dict)
    lead: str = ""  # "Hiệu lực: … còn hiệu lực …" when the question asks about the named document's validity


def with_validity(sources: list[Source], principal: Principal, as_of: date | None, today: date,
                  visible: VisibleChunks, limit: int = 3) -> tuple[list[Source], ValidityNotes]:
    """``sources`` plus up to ``limit`` amending clauses the principal may read (``visible`` reads chunks
    through the principal's filter), numbered after them."""
    found = ValidityNotes()
    out = list(sources)
    have = {s.chunk_id: s.marker for s in sources}
    for source in sources:
        # the status on the date asked about (today when none), computed now by the one rule
        # (core.legal_status), never the value stored when the chunk was written
        source.validity = status_of(source.payload, as_of, today) or source.validity
        notes = source_notes(source.payload, principal, as_of, today)
        if notes.notes:
            found.notes[source.marker] = notes.notes
        wanted = [c for c in dict.fromkeys(notes.amending_chunks) if c not in have][:limit]
        for hit in visible.get(wanted):
            marker = len(out) + 1
            out.append(Source.of(marker, hit))
            have[hit.chunk_id] = marker
        companions = [have[c] for c in notes.amending_chunks if c in have and have[c] != source.marker]
        if companions:
            found.companions[source.marker] = list(dict.fromkeys(companions))
    return out, found


def cited_validity(citations: Sequence[Citation], sources: Sequence[Source],
                   found: ValidityNotes) -> tuple[list[str], list[Citation]]:
    """The notes of the cited sources (each once) and citations of the amending clauses beside them."""
    by_marker = {s.marker: s for s in sources}
    cited = {c.marker for c in citations}
    notes: list[str] = []
    extra: list[Citation] = []
    for marker in sorted(cited):
        companions = [m for m in found.companions.get(marker, []) if m not in cited and m in by_marker]
        suffix = "".join(f" [{m}]" for m in companions)
        for note in found.notes.get(marker, []):
            text = note if not suffix or "không thuộc phạm vi" in note else note[:-1] + suffix + "."
            if text not in notes:
                notes.append(text)
        for m in companions:
            if m in cited or any(e.marker == m for e in extra):
                continue
            s = by_marker[m]
            extra.append(Citation(marker=m, chunk_id=s.chunk_id, doc_id=s.doc_id, title=s.title, so_hieu=s.so_hieu,
                                  citation=s.citation, quote=" ".join(s.text.split())[:300], validity=s.validity))
    return notes, extra
