"""Which questions ask about a named document's own particulars (issue date, issuer, signer), on the fold."""

from __future__ import annotations

from assistant.answer.document_facts import _ASKS_DATE, _ASKS_ISSUER, _ASKS_SIGNER
from core.vietnamese import fold


def test_questions_about_the_document_itself_are_recognised() -> None:
    assert _ASKS_DATE.search(fold("Kế hoạch 731 ban hành ngày nào?"))
    assert _ASKS_DATE.search("ngay ban hanh cua nghi dinh 30 la ngay nao")
    assert _ASKS_SIGNER.search(fold("Luật Cán bộ, công chức do ai ký?"))
    assert _ASKS_ISSUER.search(fold("Nghị định 61 do cơ quan nào ban hành?"))


def test_a_task_of_the_plan_is_not_a_question_about_the_plan() -> None:
    # "giao ai ban hành …" asks who is assigned a task the plan lists; "thời hạn ban hành" a task's deadline
    assert not _ASKS_ISSUER.search(fold("Kế hoạch 731 giao ai ban hành, cập nhật Khung kiến trúc số của tỉnh?"))
    assert not _ASKS_DATE.search(fold("Kế hoạch 731 yêu cầu ban hành quy chế phối hợp trong quý nào?"))
    assert not _ASKS_DATE.search(fold("Theo Bộ luật Lao động, hợp đồng có hiệu lực từ ngày ký không?"))
