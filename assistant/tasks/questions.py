"""What a question about assigned tasks asks: whose tasks ("nhiệm vụ của Sở Y tế", "Công an tỉnh chủ trì những
nhiệm vụ nào?"), who leads one ("ai chủ trì việc thành lập Ban chỉ đạo?"), which are due in a period ("nhiệm
vụ hạn Quý I/2026"), overdue or due soon (as of today or a given date), in which plan ("Kế hoạch 731").

Why rules: the answer is read from task records, exactly; the question only has to name the unit, role,
period and plan, which officials say in a few fixed ways, with or without marks. A follow-up ("còn những
việc nào phối hợp?") takes what it does not say from the question it follows (``context``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from core.deadlines import parse_deadline
from core.units import UnitDirectory

_TASK_WORDS = re.compile(r"\b(nhiem vu|phan cong|duoc giao|giao cho|giao nhiem vu)\b")
# "việc" asks for tasks ("những việc nào"), not inside "làm việc", "thôi việc", "nghỉ việc", "việc làm" (a law's
# "hợp đồng làm việc", "ngày làm việc"): with those a question about a contract's end is not one about overdue tasks
_WORK = re.compile(r"\b((?<!lam )(?<!thoi )(?<!nghi )viec(?! lam)|cong viec|nhung gi|cai gi)\b")
_COMPETENCE = re.compile(r"\b(quyen han|chuc nang|quyen va nghia vu|nghia vu)\b")  # a law's "nhiệm vụ, quyền hạn"
_WHO = re.compile(r"\b(ai|don vi nao|co quan nao|so nao)\b.{0,20}\b(chu tri|phu trach|phoi hop)\b")
# "giao ai …", "đơn vị nào được giao …": who is given a task, read as such only with the plan named ("Kế hoạch 731
# giao ai …"); without one, "cơ quan nào được giao quản lý …" is a question about a law
_WHO_GIVEN = re.compile(r"\bgiao (?:cho )?(?:ai|don vi nao|co quan nao|so nao)\b"
                        r"|\b(?:ai|don vi nao|co quan nao|so nao) (?:duoc giao|chiu trach nhiem)\b")
_LEAD = re.compile(r"\b(chu tri|phu trach chinh)\b")
_SUPPORT = re.compile(r"\bphoi hop\b")
_OVERDUE = re.compile(r"\b(qua han|tre han|cham tien do|het han)\b")
_SOON = re.compile(r"\b(sap den han|sap het han|sap toi han|den han)\b")
_PERIOD = re.compile(r"\b(han|hoan thanh|trong|truoc|den|vao)\b")
_AS_OF = re.compile(r"\b(?:tinh den|tai|vao|den|hom nay la)\s+(?:ngay\s+)?(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_PLAN = re.compile(r"\b(ke hoach|kh|quyet dinh|qd|chi thi|ct|cong van|cv)\s*(?:so\s*)?(\d{1,5})(?:\s*/\s*([\w\-]+))?")
_UNIT_NAME = re.compile(r"\b((?:Sở|Ban|Phòng|Trung tâm|Hội|Chi cục|Cục|Văn phòng|Công an|UBND)\s+"
                        r"(?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ&]\S*"
                        r"(?:\s+(?:và\s+)?[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ&]\S*)*))")


@dataclass(frozen=True)
class TaskQuestion:
    """``intent``: "list" (tasks of a unit, period or plan), "who" (who leads the task described by
    ``topic``, the question's fold); ``unknown_unit`` a unit-like name the directory does not know (answered as
    not there)."""

    intent: str
    unit: str = ""
    role: str = ""
    start: date | None = None
    end: date | None = None
    overdue: bool = False
    due_soon: bool = False
    as_of: date | None = None
    plan: str = ""
    topic: str = ""
    unknown_unit: str = ""
    source: str = ""  # "phu_luc" when the question names the appendix, "muc" for "Tổ chức thực hiện"


def _unit(units: UnitDirectory, text: str) -> tuple[str, str]:
    """(the unit or group named, a unit-like name that is not in the directory)."""
    found = units.spans(text)
    if found:
        return found[0][2].name, ""
    m = _UNIT_NAME.search(text)
    if m and units.canonical(m.group(1)) is None:
        return "", m.group(1).rstrip("?.,")
    return "", ""


def _period(folded: str) -> tuple[date | None, date | None]:
    if not _PERIOD.search(folded):
        return None, None
    deadline = parse_deadline(_AS_OF.sub(" ", folded))
    return deadline.start, deadline.end


def _without(context: str, context_folded: str, question: str) -> tuple[str, str]:
    """The context with the question's own words cut out, as text and as its fold (the fold keeps every
    character's place, so the same span is cut from both)."""
    at = context.find(question)
    if at < 0:
        return context, context_folded
    end = at + len(question)
    return context[:at] + " " + context[end:], context_folded[:at] + " " + context_folded[end:]


def parse_task_question(question: str, folded: str, units: UnitDirectory, context: str = "",
                        context_folded: str = "") -> TaskQuestion | None:
    """The task question ``question`` asks, or None when it is no task question. ``folded`` is its fold and
    ``context_folded`` the context's, both made once per request (``assistant.search.question.Question``).
    ``context`` is the condensed question (the follow-up with the question it follows); what ``question``
    leaves out is read there."""
    worded = _TASK_WORDS.search(folded) or (_WORK.search(folded) and (
        _LEAD.search(folded) or _SUPPORT.search(folded) or _OVERDUE.search(folded) or _SOON.search(folded)))
    who = _WHO.search(folded) or (_WHO_GIVEN.search(folded) and _PLAN.search(folded))
    if _COMPETENCE.search(folded) or not (worded or who):
        return None
    role = "support" if _SUPPORT.search(folded) and not _LEAD.search(folded) else (
        "lead" if _LEAD.search(folded) and not _SUPPORT.search(folded) else "")
    unit, unknown = _unit(units, question) if not who else ("", "")  # "ai chủ trì …" asks for the unit
    start, end = _period(folded)
    plan = _PLAN.search(folded)
    as_of = _AS_OF.search(folded)
    asked = TaskQuestion(
        intent="who" if who else "list", unit=unit, role="" if who else role, start=start, end=end,
        overdue=bool(_OVERDUE.search(folded)), due_soon=bool(_SOON.search(folded)) and not _OVERDUE.search(folded),
        as_of=date(int(as_of.group(3)), int(as_of.group(2)), int(as_of.group(1))) if as_of else None,
        plan=plan.group(2) if plan else "", topic=folded if who else "", unknown_unit=unknown,
        source="phu_luc" if "phu luc" in folded else ("muc" if "to chuc thuc hien" in folded else ""))
    if asked.intent == "list" and not (asked.unit or asked.start or asked.overdue or asked.due_soon or asked.plan
                                       or asked.unknown_unit):
        if not context or context == question:
            return None
        before = parse_task_question(*_without(context, context_folded, question), units)
        if before is None:
            return None
        return replace(before, role=asked.role or before.role, intent="list", source=asked.source or before.source)
    if context and context != question and not (asked.plan or asked.unit):
        before = parse_task_question(*_without(context, context_folded, question), units)
        if before is not None:
            asked = replace(asked, plan=asked.plan or before.plan, source=asked.source or before.source)
    return asked
