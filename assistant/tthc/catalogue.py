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
from dataclasses import dataclass, field, replace

from assistant.search.question import Naming, Question
from assistant.tthc.fields import TthcFields
from assistant.tthc.match import AskedWords, TitleIndex, decide, title_weights
from assistant.tthc.questions import mentions_procedure
from core.vietnamese import fold, normalize_text

TTHC_PREFIX = "tthc:"  # the doc_id of a procedure record is "tthc:<mã thủ tục>" (assistant.tthc.parser)


def _fields(doc_id: str, title: str) -> TthcFields:
    """The two fields must-match reads: the code (from the doc_id) and the title."""
    return {"ma_thu_tuc": doc_id.removeprefix(TTHC_PREFIX), "ten_thu_tuc": title}  # type: ignore[typeddict-item]


@dataclass(frozen=True)
class _Titles:
    """The titles as last read, their syllable weights, their must-match index and the doc_id of each code
    (rebuilt together)."""

    titles: tuple[tuple[str, str], ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    index: TitleIndex = field(default_factory=lambda: TitleIndex(()))
    version: object = None
    doc_ids: dict[str, str] = field(default_factory=dict)  # mã thủ tục → doc_id


@dataclass
class ProcedureCatalogue:
    """``titles()`` gives (doc_id, title) of the indexed procedures (the manifest's ``tthc`` entries).

    ``version()``, when given, is a cheap token that changes whenever ``titles()`` may (the manifest's
    generation): the titles are then re-read only when it changes instead of on every question (reading
    every manifest entry costs more than the must-match itself). Safe to share between request threads: the
    titles, weights and index are swapped in together as one immutable value."""

    titles: Callable[[], Sequence[tuple[str, str]]]
    limit: int = 3
    version: Callable[[], object] | None = None
    _cached: _Titles = field(default_factory=_Titles, repr=False)

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError(f"limit must be at least 1, got {self.limit!r}")

    def _current(self) -> _Titles:
        """The titles now indexed, their syllable weights and index (recomputed only when the titles change)."""
        cached = self._cached
        version = self.version() if self.version is not None else None
        if version is not None and version == cached.version:
            return cached
        titles = tuple(self.titles())
        if titles != cached.titles:
            cached = _Titles(titles, title_weights(t for _, t in titles),
                             TitleIndex((_fields(doc_id, title), title) for doc_id, title in titles), version,
                             {_fields(doc_id, title)["ma_thu_tuc"]: doc_id for doc_id, title in titles})
        else:
            cached = replace(cached, version=version)
        self._cached = cached
        return cached

    def weights(self) -> dict[str, float]:
        """Syllable → rarity among the indexed titles, for the answer's own must-match."""
        return self._current().weights

    def naming(self, question: Question | str) -> Naming:
        """Which indexed procedure the question names (``tthc_match.decide`` over every title); ``none``
        for a question that is not about a procedure. A :class:`Question` is read in the forms the request
        prepared (``standalone``, NFC, and ``folded``), nothing folded again; text is prepared here. Titles
        that cannot be named or quoted whole are left out of ``decide``'s list (``TitleIndex.contenders``)."""
        if isinstance(question, Question):
            text, folded = question.standalone, question.folded
        else:
            text, folded = normalize_text(question), fold(question)
        if not mentions_procedure(text, folded):
            return Naming("none")
        current = self._current()
        asked = AskedWords.of(text, folded)
        return decide(asked, current.index.contenders(asked, current.weights))

    def doc_ids(self, naming: Naming) -> list[str]:
        """The doc_ids of the procedures to open first: the one named, or the ones it fits equally."""
        doc_ids = self._cached.doc_ids  # the titles ``naming`` just read (no second version check a request) ...
        if any(code not in doc_ids for code in naming.codes[: self.limit]):
            doc_ids = self._current().doc_ids  # ... unless they lack a code: read them as they are now
        return [doc_ids[code] for code in naming.codes[: self.limit] if code in doc_ids]

    def named(self, question: Question | str) -> list[str]:
        """``doc_ids`` of the question's ``naming``."""
        return self.doc_ids(self.naming(question))
