"""Must-match for warehouse reports: a question that names a reporting period is answered only from a
report of that period.

Why: the nearest report to "tỷ lệ tiêm chủng quý II năm 2025" is the quý III/2026 one; quoting its figures
answers a different question with confidence. Periods are compared as (year, quarter); a report's
period is read from its ``period`` field ("Quý III/2026", "2026-01..2026-09") or, failing that, its title.
"""

from __future__ import annotations

import re

from assistant.answer.records import RecordReply
from assistant.answer.types import Source
from assistant.search.question import Question
from core.access import Principal
from core.vietnamese import fold

_YEAR = re.compile(r"\b(20\d\d)\b")
_QUARTER = re.compile(r"\bquy\s*(iv|iii|ii|i|[1-4])\b")
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
NOT_FOUND = "Báo cáo của kỳ bạn hỏi chưa có trong hệ thống (không có trong các nguồn bạn được xem)."
MAX_SUGGESTIONS = 3


def periods(text: str) -> tuple[set[int], set[int]]:
    """(years, quarters) a text names: "quý III năm 2026" → ({2026}, {3}); "quy 2/2025" → ({2025}, {2})."""
    return folded_periods(fold(text))


def folded_periods(plain: str) -> tuple[set[int], set[int]]:
    """``periods`` of a text already folded (``Question.folded``)."""
    years = {int(y) for y in _YEAR.findall(plain)}
    quarters = {_QUARTERS[q] for q in _QUARTER.findall(plain)}
    return years, quarters


def _report_period(source: Source) -> tuple[set[int], set[int]]:
    fields = source.payload.get("fields") or {}
    period = str(fields.get("period") or "")
    years, quarters = periods(period) if period else (set(), set())
    if not years:
        years, quarters = periods(str(source.payload.get("title") or source.title))
    return years, quarters


def same_period(folded: str, source: Source) -> bool:
    """True unless the question (its fold) names a year or quarter that the report does not cover."""
    asked_years, asked_quarters = folded_periods(folded)
    years, quarters = _report_period(source)
    if asked_years and years and not asked_years & years:
        return False
    return not (asked_quarters and quarters and not asked_quarters & quarters)


def warehouse_not_found(folded: str, sources: list[Source]) -> tuple[str, list[str]] | None:
    """When the best-ranked source is a warehouse report and no retrieved report is of the period the question
    (its fold, ``Question.folded``) asks: the "not in the system" text and the closest reports' ids
    (suggestions, not an answer); else None."""
    if not sources or sources[0].payload.get("kind") != "warehouse" or folded_periods(folded) == (set(), set()):
        return None
    reports = [s for s in sources if s.payload.get("kind") == "warehouse"]
    if any(same_period(folded, s) for s in reports):
        return None
    closest = list(dict.fromkeys(s.doc_id for s in reports))[:MAX_SUGGESTIONS]
    titles = {s.doc_id: s.payload.get("title") or s.title for s in reports}
    lines = [f"- {titles[d]}" for d in closest]
    return NOT_FOUND + "\nCác báo cáo gần nhất (chỉ để tham khảo):\n" + "\n".join(lines), closest


class ReportAnswerer:
    """Must-match for warehouse reports as a :class:`~assistant.answer.records.RecordAnswerer`: a question
    that names a reporting period the retrieved reports do not cover is "not in the system", with the closest
    reports as suggestions (never an answer from another period)."""

    def reply(self, question: Question, principal: Principal, sources: list[Source]) -> RecordReply | None:
        report = warehouse_not_found(question.folded, sources)
        if report is None:
            return None
        return RecordReply("warehouse", report[0], [], {"status": "not_found", "kind": "warehouse",
                                                         "suggestions": report[1]})
