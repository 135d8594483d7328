"""Which questions are about assigned tasks: "việc" asks for tasks, "làm việc" (a working day, a work contract)
does not; a law question about a contract's end is not a question about overdue tasks."""

from __future__ import annotations

from assistant.tasks.questions import TaskQuestion, parse_task_question
from core.units import unit_directory
from core.vietnamese import fold

UNITS = unit_directory()


def parse(text: str) -> TaskQuestion | None:
    """A first question, folded once as the retriever folds it."""
    return parse_task_question(text, fold(text), UNITS)


def test_work_contract_and_working_days_are_not_task_questions() -> None:
    for text in ("Trước khi hết hạn hợp đồng làm việc xác định thời hạn bao nhiêu ngày thì phải quyết định ký tiếp?",
                 "het han hop dong lam viec thi co duoc nghi viec khong",
                 "Quá hạn 05 ngày làm việc mà chưa trả lời thì người tố cáo làm gì?"):
        assert parse(text) is None, text


def test_overdue_work_is_still_a_task_question() -> None:
    asked = parse("Những việc nào đã quá hạn?")
    assert asked is not None and asked.overdue
    asked = parse("cong viec nao het han")
    assert asked is not None and asked.overdue


def test_who_is_given_a_task_of_a_named_plan() -> None:
    asked = parse("Kế hoạch 731 giao ai ban hành quy chế dữ liệu của tỉnh?")
    assert asked is not None and asked.intent == "who" and asked.plan == "731"
    asked = parse("theo ke hoach 12 don vi nao duoc giao lap danh muc")
    assert asked is not None and asked.intent == "who"
    # without a plan named it is a question about a law's competence, left to retrieval
    assert parse("Cơ quan nào được giao quản lý nhà nước về khiếu nại?") is None


def test_a_follow_up_takes_the_unit_from_the_question_it_follows() -> None:
    """The follow-up's own words decide the role; the unit comes from the condensed context, read through the
    context's fold with the follow-up's span cut from both forms at the same place."""
    follow_up = "còn những việc nào phối hợp?"
    context = "Sở Khoa học và Công nghệ chủ trì những nhiệm vụ nào? " + follow_up
    asked = parse_task_question(follow_up, fold(follow_up), UNITS, context, fold(context))
    assert asked is not None and asked.unit == "Sở Khoa học và Công nghệ" and asked.role == "support"
    assert parse_task_question(follow_up, fold(follow_up), UNITS) is None  # alone it names no unit
