"""Must-match decided against every indexed title (``ProcedureCatalogue``): rarity weights, asking words that
are part of a name, the better-fitting title, ties that must be asked back, and codes. The titles are real
ones of the portal export."""

from __future__ import annotations

import pytest

from assistant.tthc.catalogue import ProcedureCatalogue
from assistant.tthc.match import decide, match_score, title_weights
from core.vietnamese import fold

TITLES = {
    "1.013180": "Thủ tục công nhận và thực hiện chế độ ưu đãi đối với quân nhân, công nhân và viên chức quốc "
                "phòng, người làm việc trong tổ chức cơ yếu thuộc Ban Cơ yếu Chính phủ bị địch bắt tù, đày đang "
                "tại ngũ, công tác",
    "1.013190": "Thủ tục hưởng lại chế độ ưu đãi đối với người có công đang tại ngũ, công tác",
    "1.013519": "Thủ tục giải quyết tố cáo cấp Bộ Quốc phòng",
    "1.013521": "Thủ tục giải quyết tố cáo cấp Trung đoàn, Lữ đoàn, Đồn Biên phòng và cấp tương đương",
    "1.013577": "Thủ tục xuất cảnh đối với tàu quân sự nước ngoài đến Việt Nam thực hiện các chuyến thăm",
    "1.013582": "Thủ tục xuất cảnh đối với tàu quân sự nước ngoài đến Việt Nam để sửa chữa",
    "1.013620": "Thủ tục cấp lại giấy phép hoạt động khám bệnh, chữa bệnh .",
    "1.013621": "Thủ tục gia hạn giấy phép hành nghề khám bệnh, chữa bệnh.",
    "1.013632": "Thủ tục gia hạn giấy phép hành nghề khám bệnh, chữa bệnh trong giai đoạn chuyển tiếp.",
    "1.013138": "Thủ tục đăng ký nghĩa vụ quân sự tạm vắng",
}


@pytest.fixture
def catalogue() -> ProcedureCatalogue:
    return ProcedureCatalogue(lambda: [(f"tthc:{code}", title) for code, title in TITLES.items()])


def test_a_word_no_title_has_weighs_more_than_a_common_one(catalogue: ProcedureCatalogue) -> None:
    weights = catalogue.weights()
    assert weights["quyết"] > weights["thủ"]  # "giải quyết" in 2 titles, "thủ tục" in all
    assert weights[""] > weights["quyết"]  # the weight of a syllable no title has
    assert weights["quyet"] == weights["quyết"]  # questions typed without marks weigh alike
    assert title_weights([]) == {"": pytest.approx(0.693, abs=1e-3)}


def test_a_rare_unmatched_word_keeps_a_not_indexed_procedure_unnamed(catalogue: ProcedureCatalogue) -> None:
    question = "Thủ tục cấp lại giấy phép hoạt động báo in cần những giấy tờ gì?"
    fields = {"ma_thu_tuc": "1.013620", "ten_thu_tuc": TITLES["1.013620"]}
    assert match_score(question, fields, catalogue.weights()) < match_score(question, fields)  # type: ignore[arg-type]
    for q in (question, fold(question)):
        assert catalogue.naming(q).status == "none"
        assert catalogue.named(q) == []


@pytest.mark.parametrize("question", [
    "Công nhận và thực hiện chế độ ưu đãi đối với quân nhân bị địch bắt tù thì nộp hồ sơ ở đâu?",
    "cong nhan va thuc hien che do uu dai doi voi quan nhan bi dich bat tu thi nop ho so o dau?",
])
def test_asking_words_that_run_on_with_a_title_name_it(catalogue: ProcedureCatalogue, question: str) -> None:
    # "nhận", "thực hiện", "độ" (plain "do" = "đó") are asking words elsewhere; here they quote the title.
    naming = catalogue.naming(question)
    assert (naming.status, naming.codes) == ("named", ("1.013180",))
    assert catalogue.named(question) == ["tthc:1.013180"]


def test_a_shorter_title_is_not_named_when_a_better_fitting_one_is_not(catalogue: ProcedureCatalogue) -> None:
    # The question is about the "cấp Trung …" procedure (cut short): it must not be answered from the
    # "cấp Bộ Quốc phòng" one, whose whole short title it happens to contain.
    naming = catalogue.naming("Giải quyết tố cáo cấp Trung có điều kiện gì đối với người nộp?")
    assert "1.013519" not in naming.codes or naming.status != "named"


def test_equal_fits_are_asked_back_not_guessed(catalogue: ProcedureCatalogue) -> None:
    naming = catalogue.naming("Tàu quân sự nước ngoài xuất cảnh có mất phí không?")
    assert naming.status == "ambiguous" and set(naming.codes) == {"1.013577", "1.013582"}
    # A title quoted whole is not a tie: it is that procedure, not the longer one it begins.
    naming = catalogue.naming("Gia hạn giấy phép hành nghề khám bệnh, chữa bệnh mất bao lâu?")
    assert (naming.status, naming.codes) == ("named", ("1.013621",))


def test_a_code_decides_alone_and_other_questions_name_nothing(catalogue: ProcedureCatalogue) -> None:
    assert catalogue.naming("Thủ tục 1.013138 mất bao lâu?").codes == ("1.013138",)
    assert catalogue.naming("Thủ tục 1.999999 mất bao lâu?").status == "none"
    assert catalogue.naming("Hôm nay trời có mưa không?").status == "none"  # not about a procedure
    assert decide("Thủ tục gì?", []).status == "none"


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        ProcedureCatalogue(lambda: [], limit=0)
    with pytest.raises(ValueError, match="naming status"):
        from assistant.tthc.match import Naming
        Naming("maybe")
