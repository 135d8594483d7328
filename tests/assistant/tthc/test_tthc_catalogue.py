"""Must-match decided against every indexed title (``ProcedureCatalogue``): rarity weights, asking words that
are part of a name, the better-fitting title, ties that must be asked back, and codes. The titles are real
ones of the portal export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.search.question import Naming
from assistant.tthc.catalogue import ProcedureCatalogue
from assistant.tthc.match import TitleIndex, decide, match_score, title_weights
from assistant.tthc.questions import mentions_procedure
from core.vietnamese import fold

REPO = Path(__file__).resolve().parents[3]

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


def _portal_titles(shared: Path) -> list[tuple[str, str]]:
    titles = []
    for folder in ("tthc", "tthc-province"):
        for path in sorted((shared / "corpus" / folder).glob("*.json")):
            meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
            titles.append((f"tthc:{meta['mã_thủ_tục']}", meta["tên_thủ_tục"]))
    return titles


def test_the_title_index_scores_exactly_as_must_match_on_every_title(shared_dir: Path) -> None:
    """``TitleIndex.scores`` leaves out only titles that score exactly 0 and gives the others the very float
    ``match_score`` gives, so the catalogue names what it named when it scored every title, for every eval
    question (with and without marks) against the 809 titles of the portal exports."""
    titles = _portal_titles(shared_dir)
    rows = [json.loads(line) for line in (REPO / "evals" / "data" / "tthc_questions.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    questions = [r["text"] for r in rows[::4]] + [fold(r["text"]) for r in rows[2::8]] + ["thủ tục 1.013138 là gì"]
    weights = title_weights(t for _, t in titles)
    index = TitleIndex(({"ma_thu_tuc": doc_id.removeprefix("tthc:"), "ten_thu_tuc": title}, title)  # type: ignore[misc]
                       for doc_id, title in titles)
    catalogue = ProcedureCatalogue(lambda: titles, version=lambda: 1)
    for question in questions:
        full = [(f, match_score(question, f, weights)) for f in index.fields]
        fast = index.scores(question, weights)
        kept = {f["ma_thu_tuc"] for f, _ in fast}
        assert [(f, s) for f, s in full if f["ma_thu_tuc"] in kept] == fast, question
        assert all(s == 0.0 for f, s in full if f["ma_thu_tuc"] not in kept), question
        assert catalogue.naming(question) == decide(question, full) or not mentions_procedure(question), question


def test_contenders_decide_as_every_title_does_and_a_prepared_question_as_its_text(shared_dir: Path) -> None:
    """``TitleIndex.contenders`` keeps only titles that could be named or quoted whole (found from the titles'
    syllable pairs), each with its ``scores`` float; ``decide`` over them names what it names over every title,
    for questions of both eval sets (with and without marks); and the catalogue reads a prepared
    :class:`Question` (its NFC text and fold) exactly as it reads the same text."""
    from assistant.search.question import Question
    from core.vietnamese import normalize_text

    titles = _portal_titles(shared_dir)
    rows = []
    for name in ("tthc_questions.jsonl", "tthc_province_questions.jsonl"):
        rows += [json.loads(line) for line in (REPO / "evals" / "data" / name).read_text(
            encoding="utf-8").splitlines() if line.strip()]
    questions = [r["text"] for r in rows[1::5]] + [fold(r["text"]) for r in rows[3::10]]
    weights = title_weights(t for _, t in titles)
    index = TitleIndex(({"ma_thu_tuc": doc_id.removeprefix("tthc:"), "ten_thu_tuc": title}, title)  # type: ignore[misc]
                       for doc_id, title in titles)
    catalogue = ProcedureCatalogue(lambda: titles, version=lambda: 1)
    named = 0
    for question in questions:
        every = index.scores(question, weights)
        few = index.contenders(question, weights)
        scored = {f["ma_thu_tuc"]: s for f, s in every}
        assert all(scored[f["ma_thu_tuc"]] == s for f, s in few), question
        assert decide(question, few) == decide(question, every), question
        text = normalize_text(question).strip()
        prepared = Question(typed=text, standalone=text, marked=text, folded=fold(text), typed_folded=fold(text))
        assert catalogue.naming(prepared) == catalogue.naming(question), question
        named += catalogue.naming(question).status != "none"
    assert named > len(questions) // 2  # the sets' questions mostly name a procedure: the check is not vacuous


def test_titles_are_read_again_only_when_their_version_changes() -> None:
    reads: list[int] = []
    version = [1]

    def titles() -> list[tuple[str, str]]:
        reads.append(1)
        return [(f"tthc:{code}", title) for code, title in TITLES.items()]

    catalogue = ProcedureCatalogue(titles, version=lambda: version[0])
    first = catalogue.naming("Thủ tục giải quyết tố cáo cấp Bộ Quốc phòng mất bao lâu?")
    catalogue.naming("Thủ tục đăng ký nghĩa vụ quân sự tạm vắng cần giấy tờ gì?")
    assert len(reads) == 1 and first == Naming("named", ("1.013519",))
    version[0] = 2
    catalogue.naming("Thủ tục giải quyết tố cáo cấp Bộ Quốc phòng mất bao lâu?")
    assert len(reads) == 2
