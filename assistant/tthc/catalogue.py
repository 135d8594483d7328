"""The titles of every indexed procedure, read against the question, so that the procedure a question names
is always a candidate of the answer.

Why: the vector search ranks chunks, and among near-identical titles (twenty "giải quyết tố cáo cấp …"
procedures) or for a question typed without marks the named record is often not among the top chunks; the
answer is then "not in the system" for a procedure that is. The must-match rule (``assistant.tthc.match``)
read against all titles is cheap (a few thousand titles at most) and is the same rule that decides the
answer, so a title found here is one the answer may use. Access is not decided here: the retriever opens
the chunks of these documents through the asker's filter, so a hidden procedure adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.search.question import Naming
from assistant.tthc.fields import TthcFields
from assistant.tthc.match import decide, match_score, title_weights
from assistant.tthc.questions import mentions_procedure

TTHC_PREFIX = "tthc:"  # the doc_id of a procedure record is "tthc:<mã thủ tục>" (assistant.tthc.parser)


def _fields(doc_id: str, title: str) -> TthcFields:
    """The two fields must-match reads: the code (from the doc_id) and the title."""
    return {"ma_thu_tuc": doc_id.removeprefix(TTHC_PREFIX), "ten_thu_tuc": title}  # type: ignore[typeddict-item]


@dataclass
class ProcedureCatalogue:
    """``titles()`` gives (doc_id, title) of the indexed procedures (the manifest's ``tthc`` entries)."""

    titles: Callable[[], Sequence[tuple[str, str]]]
    limit: int = 3
    _cached: tuple[tuple[tuple[str, str], ...], dict[str, float]] = field(default=((), {}), repr=False)

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError(f"limit must be at least 1, got {self.limit!r}")

    def _current(self) -> tuple[tuple[tuple[str, str], ...], dict[str, float]]:
        """The titles now indexed and their syllable weights (recomputed only when the titles change)."""
        titles = tuple(self.titles())
        if titles != self._cached[0]:
            self._cached = (titles, title_weights(t for _, t in titles))
        return self._cached

    def weights(self) -> dict[str, float]:
        """Syllable → rarity among the indexed titles, for the answer's own must-match."""
        return self._current()[1]

    def naming(self, question: str) -> Naming:
        """Which indexed procedure the question names (``tthc_match.decide`` over every title); ``none``
        for a question that is not about a procedure."""
        if not mentions_procedure(question):
            return Naming("none")
        titles, weights = self._current()
        scored = [(fields, match_score(question, fields, weights))
                  for fields in (_fields(doc_id, title) for doc_id, title in titles)]
        return decide(question, scored)

    def doc_ids(self, naming: Naming) -> list[str]:
        """The doc_ids of the procedures to open first: the one named, or the ones it fits equally."""
        doc_ids = {_fields(doc_id, title)["ma_thu_tuc"]: doc_id for doc_id, title in self._current()[0]}
        return [doc_ids[code] for code in naming.codes[: self.limit] if code in doc_ids]

    def named(self, question: str) -> list[str]:
        """``doc_ids`` of the question's ``naming``."""
        return self.doc_ids(self.naming(question))
