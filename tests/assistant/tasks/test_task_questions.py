"""Which questions are about assigned tasks: "việc" asks for tasks, "làm việc" (a working day, a work contract)
does not; a law question about a contract's end is not a question about overdue tasks."""

from __future__ import annotations

from assistant.tasks.questions import parse_task_question
from core.units import unit_directory


def test_work_contract_and_working_days_are_not_task_questions() -> None:
    units = unit_directory()
    for text in ("Trước khi hết hạn hợp đồng làm việc xác định thời hạn bao nhiêu ngày thì phải quyết định ký tiếp?",
                 "het han hop dong lam viec thi co duoc nghi viec khong",
                 "Quá hạn 05 ngày làm việc mà chưa trả lời thì người tố cáo làm gì?"):
        assert parse_task_question(text, units) is None, text


def test_overdue_work_is_still_a_task_question() -> None:
    units = unit_directory()
    asked = parse_task_question("Những việc nào đã quá hạn?", units)
    assert asked is not None and asked.overdue
    asked = parse_task_question("cong viec nao het han", units)
    assert asked is not None and asked.overdue


def test_who_is_given_a_task_of_a_named_plan() -> None:
    units = unit_directory()
    asked = parse_task_question("Kế hoạch 731 giao ai ban hành quy chế dữ liệu của tỉnh?", units)
    assert asked is not None and asked.intent == "who" and asked.plan == "731"
    asked = parse_task_question("theo ke hoach 12 don vi nao duoc giao lap danh muc", units)
    assert asked is not None and asked.intent == "who"
    # without a plan named it is a question about a law's competence, left to retrieval
    assert parse_task_question("Cơ quan nào được giao quản lý nhà nước về khiếu nại?", units) is None
