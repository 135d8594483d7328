"""Exact answers about assigned tasks, read from the task records the asker may see — never generated: a
unit's tasks (lead, support, or both), who leads a task, the tasks due in a period, overdue or due soon.

Each task is one line cited to its row ("Phụ lục, dòng 1.1"): its source is the row itself, so the citation
check holds the line to the row's text. A unit or plan that is not there is said to be not there
(must-match), with no citation.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from assistant.answer.records import RecordReply
from assistant.answer.types import Source
from assistant.search.question import Question
from assistant.tasks.answer_table import STATUS_WORDS, TABLE_FROM, table_of
from assistant.tasks.questions import TaskQuestion, parse_task_question
from assistant.tasks.store import DUE_SOON_DAYS, TaskFilter, TaskStore, TaskView
from core.access import Principal
from core.deadlines import today_in_vietnam
from core.vietnamese import fold

MAX_LISTED = 40
ROLE_WORDS = {"lead": "chủ trì", "support": "phối hợp"}
_STOP = set("ai don vi nao co quan so chu tri phoi hop phu trach nhiem vu viec cong la cua cac nhung trong ke hoach"
            " quyet dinh nay do duoc giao thuc hien hoan thanh han".split())


def _reply(text: str, sources: list[Source], facts: dict[str, Any]) -> RecordReply:
    """A task reply: one cited line per task, read from the task records (they replace the retrieved chunks)."""
    return RecordReply("tasks", text, sources, facts, own_sources=True)


def _row_text(view: TaskView) -> str:
    t = view.task
    parts = [f"Nhiệm vụ: {t.nhiem_vu}", f"Đơn vị chủ trì: {t.lead_text}" if t.lead_text else "",
             f"Đơn vị phối hợp: {t.support_text}" if t.support_text else "",
             f"Sản phẩm: {t.san_pham}" if t.san_pham else "",
             f"Thời hạn: {t.deadline.text}" if t.deadline.text else ""]
    return "\n".join(p for p in parts if p)


def _source(marker: int, view: TaskView) -> Source:
    t = view.task
    name = t.so_hieu or t.doc_title or t.doc_id
    return Source(marker=marker, chunk_id=t.task_id, doc_id=t.doc_id, citation=f"{t.citation} — {name}",
                  text=_row_text(view), title=t.doc_title, so_hieu=t.so_hieu, score=1.0,
                  payload={"kind": "task", "citation": t.citation, "fields": {"task_id": t.task_id}})


def _of_plan(view: TaskView, number: str) -> bool:
    t = view.task
    return bool(number) and (t.so_hieu.startswith(f"{number}/") or re.search(rf"(?<!\d){number}/", t.doc_title)
                             is not None or re.search(rf"(?<!\d){number}(?!\d)", t.doc_id) is not None)


def _terms(folded: str) -> set[str]:
    """The content words of a folded text (a task's wording, the question's fold)."""
    return {w for w in re.findall(r"\w+", folded) if w not in _STOP and len(w) > 1}


def _row(marker: int, view: TaskView) -> dict[str, Any]:
    """One task as a table row: the facts its cited line states, with the line's marker."""
    t = view.task
    return {"marker": marker, "citation": t.citation, "nhiem_vu": t.nhiem_vu,
            "thoi_han": t.deadline.text or "không ghi thời hạn", "trang_thai": STATUS_WORDS.get(view.status, ""),
            "vai_tro": ROLE_WORDS.get(view.role, ""), "chu_tri": t.lead_text, "task_id": t.task_id,
            "doc_id": t.doc_id}


def _line(marker: int, view: TaskView, asked: TaskQuestion) -> str:
    t = view.task
    role = ROLE_WORDS.get(view.role, "")
    via = f" qua «{view.via}»" if view.via else ""
    status = {"overdue": ", QUÁ HẠN", "due_soon": ", sắp đến hạn"}.get(view.status, "")
    who = f"; {role}{via}" if role and not asked.role else (f"; qua «{view.via}»" if view.via else "")
    lead = f"; chủ trì: {t.lead_text}" if asked.intent == "who" or not asked.unit else ""
    support = f"; phối hợp: {t.support_text}" if asked.intent == "who" and t.support_text else ""
    deadline = t.deadline.text or "không ghi thời hạn"
    return f"- {t.citation}: {t.nhiem_vu} [{marker}] (thời hạn: {deadline}{status}{who}{lead}{support})"


class TaskAnswerer:
    """Task questions answered from a :class:`TaskStore`, under the asker's access."""

    def __init__(self, store: TaskStore) -> None:
        self.store = store

    def reply(self, question: Question, principal: Principal, sources: list[Source]) -> RecordReply | None:
        """As a :class:`~assistant.answer.records.RecordAnswerer`: a question that names a procedure is never
        read as one about assigned tasks; the context is the question with its marks back."""
        if question.names_procedure:
            return None
        return self.answer(question, principal)

    def visible(self, ids: list[str], principal: Principal) -> set[str]:
        """As a :class:`~assistant.answer.records.CitedRecords`: the task ids among ``ids`` the asker may read."""
        return self.store.visible(ids, principal)

    def answer(self, question: Question, principal: Principal, today: date | None = None) -> RecordReply | None:
        """The answer to a task question, a "not there" reply, or None when ``question`` is about something else.
        The question's own words decide; what a follow-up leaves out is read from the question with its marks
        back (``marked``, the condensed question)."""
        asked = parse_task_question(question.typed, question.typed_folded, self.store.units, question.marked,
                                    question.folded)
        if asked is None:
            return None
        if asked.unknown_unit and not asked.unit:
            return _reply(f"Đơn vị «{asked.unknown_unit}» không có trong danh mục đơn vị của hệ thống.", [],
                             {"status": "not_found", "kind": "tasks", "unit": asked.unknown_unit, "task_ids": []})
        day = asked.as_of or today or today_in_vietnam()
        views = self.store.find(principal, TaskFilter(unit=asked.unit, role=asked.role, today=day))
        if asked.plan:
            views = [v for v in views if _of_plan(v, asked.plan)]
            if not views and not [v for v in self.store.find(principal, TaskFilter(today=day))
                                  if _of_plan(v, asked.plan)]:
                return _reply(f"Văn bản số {asked.plan} không có trong hệ thống (không có nhiệm vụ nào của văn "
                                 "bản này trong các văn bản bạn được xem).", [],
                                 {"status": "not_found", "kind": "tasks", "plan": asked.plan, "task_ids": []})
        views = [v for v in self._filtered(views, asked, day) if not asked.source or v.task.source == asked.source]
        if asked.intent == "who":
            views = self._best_match(views, asked.topic)
        if not views:
            return _reply(self._none_text(asked, day), [], {"status": "not_found", "kind": "tasks",
                                                               "task_ids": []})
        named = [v for v in views if not v.via]  # named beats a group: "các sở, ban, ngành" names no one
        grouped = len(views) - len(named)
        if not named:
            return _reply(f"Không có nhiệm vụ nào nêu tên {asked.unit} phù hợp với câu hỏi; có {grouped} nhiệm vụ "
                             "giao chung cho một nhóm có đơn vị này: xem trang «Nhiệm vụ của đơn vị».", [],
                             {"status": "not_found", "kind": "tasks", "grouped": grouped, "task_ids": []})
        views = named
        shown = views[:MAX_LISTED]
        sources = [_source(i + 1, v) for i, v in enumerate(shown)]
        lines = [_line(i + 1, v, asked) for i, v in enumerate(shown)]
        more = f"\n(và {len(views) - len(shown)} nhiệm vụ khác: xem trang «Nhiệm vụ của đơn vị».)" \
            if len(views) > len(shown) else ""
        if grouped:
            more += (f"\nNgoài ra có {grouped} nhiệm vụ giao chung cho một nhóm có {asked.unit} (như «các sở, ban, "
                     "ngành»), không nêu tên đơn vị: xem trang «Nhiệm vụ của đơn vị».")
        text = self._header(asked, len(views), day) + "\n" + "\n".join(lines) + more
        facts: dict[str, Any] = {"status": "answered", "kind": "tasks", "unit": asked.unit, "role": asked.role,
                                 "grouped": grouped, "task_ids": [v.task.task_id for v in views],
                                 "citations": [v.task.citation for v in views],
                                 "tasks": [[v.task.doc_id, v.task.citation] for v in views]}
        if len(views) >= TABLE_FROM:  # a long answer is a table (the UI and CLI render it), the page linked
            docs = {v.task.doc_id for v in shown}
            facts["table"] = table_of([_row(i + 1, v) for i, v in enumerate(shown)], asked.unit, asked.role,
                                      next(iter(docs)) if len(docs) == 1 else "")
            facts["table"]["total"] = len(views)
        return _reply(text, sources, facts)

    @staticmethod
    def _filtered(views: list[TaskView], asked: TaskQuestion, day: date) -> list[TaskView]:
        if asked.overdue:
            views = [v for v in views if v.due is not None and v.due < day]
        elif asked.due_soon:
            views = [v for v in views if v.due is not None and day <= v.due <= day + timedelta(days=DUE_SOON_DAYS)]
        if asked.start and asked.end:  # the task's own period lies inside the one asked about
            views = [v for v in views if v.task.deadline.start is not None and v.task.deadline.end is not None
                     and asked.start <= v.task.deadline.start and v.task.deadline.end <= asked.end]
        return views

    @staticmethod
    def _best_match(views: list[TaskView], topic: str) -> list[TaskView]:
        wanted = _terms(topic)
        if not wanted:
            return []
        scored = [(len(wanted & _terms(fold(v.task.nhiem_vu))) / len(wanted), v) for v in views]
        best = max((s for s, _ in scored), default=0.0)
        return [v for s, v in scored if s >= 0.6 and s >= best - 0.05]

    @staticmethod
    def _header(asked: TaskQuestion, count: int, day: date) -> str:
        whose = f"{asked.unit} {ROLE_WORDS[asked.role]}" if asked.unit and asked.role else (
            f"Nhiệm vụ của {asked.unit}" if asked.unit else "Các nhiệm vụ")
        when = ""
        if asked.overdue:
            when = f" đã quá hạn (tính đến {day.strftime('%d/%m/%Y')})"
        elif asked.due_soon:
            when = f" đến hạn trong {DUE_SOON_DAYS} ngày tới (tính từ {day.strftime('%d/%m/%Y')})"
        elif asked.start and asked.end:
            when = f" có hạn từ {asked.start.strftime('%d/%m/%Y')} đến {asked.end.strftime('%d/%m/%Y')}"
        if asked.intent == "who":
            return "Nhiệm vụ được hỏi và đơn vị chủ trì:"
        return f"{whose}{when}: {count} nhiệm vụ."

    @staticmethod
    def _none_text(asked: TaskQuestion, day: date) -> str:
        if asked.intent == "who":
            return "Không tìm thấy nhiệm vụ nào như vậy trong các văn bản bạn được xem."
        who = f" cho {asked.unit}" if asked.unit else ""
        return f"Không có nhiệm vụ nào{who} phù hợp với câu hỏi trong các văn bản bạn được xem."
