"""A question prepared once per request and handed down as data.

Every step of the answering path reads the same question in one of a few forms: as typed (stored, and a
follow-up's own words), the standalone question a follow-up condenses to (what search and must-match read),
that question with its marks restored when it was typed without them (what the dense model and the writer
read), its fold (mark-free lower case), the date it asks about, the document or unit it names and the
procedure it names. Each is computed here once; nothing downstream normalises, folds or resolves it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from assistant.search.reference_lookup import ReferenceMatch


@dataclass(frozen=True)
class Naming:
    """Which procedure a question names, decided against every indexed title (``assistant.tthc.match``):
    ``named`` (``codes[0]`` is it), ``ambiguous`` (it fits ``codes`` equally: the user must say which) or
    ``none`` (it names no indexed procedure)."""

    status: str
    codes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.status not in ("named", "ambiguous", "none"):
            raise ValueError(f"unknown naming status {self.status!r}")


@dataclass(frozen=True)
class Question:
    """One question, every form of it that a step reads.

    ``reference`` and ``procedure`` are resolved under the asker's access (a hidden document resolves to
    nothing); ``procedure`` is None when no procedure catalogue is configured."""

    typed: str  # as typed, NFC, stripped
    standalone: str  # the follow-up made standalone (the typed question itself when there is no history)
    marked: str  # ``standalone`` with its marks restored when typed without them
    folded: str  # ``core.vietnamese.fold(standalone)``
    typed_folded: str  # ``fold(typed)``: a follow-up's own words, mark-free (``folded`` when there is no history)
    as_of: date | None = None  # the date it asks about ("năm 2019", "ngày 01/7/2020"); None: today
    reference: ReferenceMatch | None = None  # the document / Điều it names ("Điều 14 Luật Viên chức")
    procedure: Naming | None = None  # the indexed procedure it names

    @property
    def names_procedure(self) -> bool:
        """True when the question names an indexed procedure (or several equally): a procedure question is
        never read as one about assigned tasks ("… đối với công nhân viên chức …")."""
        return self.procedure is not None and self.procedure.status != "none"
