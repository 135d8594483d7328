"""Answers read from records rather than written from chunks: a procedure's fields (TTHC), a unit's assigned
tasks, a warehouse report of the period asked. Each capability implements :class:`RecordAnswerer`; the
Runtime gives the answerer the list, and the first reply wins.

Why a seam: these answers are exact (never generated) and must-match (never from another record), so they
pass the evidence gate on their own terms; the answerer needs to know only what a reply is, not which
capability made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from assistant.answer.types import Source
from assistant.search.question import Question
from core.access import Principal


@dataclass
class RecordReply:
    """What a record answerer says.

    ``sources`` are the chunks (or records) the text cites; none for a "not in the system" reply or an
    ask-back, which then refuses with ``text`` as its answer. ``own_sources`` marks a reply read from records
    of its own (the task records) rather than the retrieved chunks: its sources replace them, and it stands
    even when the question names a document that is not in the system. ``facts`` are for the eval and the API
    (``AnswerResult.record``)."""

    kind: str  # tthc | tasks | warehouse
    text: str
    sources: list[Source] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    own_sources: bool = False

    @property
    def found(self) -> bool:
        return bool(self.sources)


class RecordAnswerer(Protocol):
    """One capability's exact answers: a reply for a question about its records, None for any other."""

    def reply(self, question: Question, principal: Principal, sources: list[Source]) -> RecordReply | None:
        """``sources`` are the retrieved chunks the asker may see, numbered as the answer will cite them."""
        ...


@runtime_checkable
class CitedRecords(Protocol):
    """A record answerer whose replies cite records of its own (not index chunks): it says which of the cited
    ids the asker may see now, so a stored answer reopens through that record's own access check."""

    def visible(self, ids: list[str], principal: Principal) -> set[str]:
        """The ids among ``ids`` that are this capability's records and that ``principal`` may read now."""
        ...
