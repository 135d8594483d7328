"""Task questions through the real answering path over the indexed 731 plan: exact sets read from the plan's
own table, each task cited to its row, follow-ups, must-match, with and without marks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from assistant.service.runtime import Runtime
from connectors.files import FolderConnector
from core.settings import Settings
from core.tables import find_flattened_tables
from core.vietnamese import normalize_text

REPO = Path(__file__).resolve().parents[3]
CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"


@pytest.fixture(scope="module")
def runtime(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    folder = tmp_path_factory.mktemp("plan")
    shutil.copy(shared_dir / "corpus" / "legal" / "731-KH-UBND-2025-ha-tinh.txt", folder / "kh-731.txt")
    rt = Runtime(Settings(data_dir=tmp_path_factory.mktemp("data"), embedding_cache_path=CACHE,
                          users_file=REPO / "data" / "users.yaml"))
    rt.indexer().index(FolderConnector([folder]).documents())
    yield rt
    rt.close()


@pytest.fixture(scope="module")
def table(shared_dir: Path) -> dict[str, tuple[str, ...]]:
    """The appendix rows by TT, read from the plan's text by the shared table reader (not by the extractor)."""
    text = normalize_text((shared_dir / "corpus" / "legal" / "731-KH-UBND-2025-ha-tinh.txt").read_text("utf-8"))
    appendix = next(t for t in find_flattened_tables(text.splitlines()) if t.header[:2] == ("TT", "Nhiệm vụ"))
    return {r[0]: r for r in appendix.rows if r[0][:1].isdigit()}


def _rows(result) -> set[str]:  # noqa: ANN001 - an AnswerResult
    return {c.removeprefix("Phụ lục, dòng ") for c in result.record["citations"] if c.startswith("Phụ lục")}


def test_tasks_due_in_a_quarter_are_the_rows_of_that_quarter(runtime: Runtime, table: dict) -> None:
    result = runtime.answerer().ask("Nhiệm vụ nào trong Kế hoạch 731 phải hoàn thành trong Quý I/2026?",
                                    runtime.principal("syt.lethicuc"))
    assert not result.refused and result.record["kind"] == "tasks"
    assert _rows(result) == {tt for tt, row in table.items() if row[5].startswith("Quý I/2026")}
    assert len(result.citations) == len(result.record["citations"])
    for citation in result.citations:  # each task cited to its own row
        tt = citation.citation.split(" — ")[0].removeprefix("Phụ lục, dòng ")
        assert citation.quote and citation.quote in next(s.text for s in result.sources if s.marker == citation.marker)
        assert table[tt][1] in result.answer


def test_a_units_lead_tasks_with_and_without_marks_and_the_follow_up(runtime: Runtime, table: dict) -> None:
    answerer, police = runtime.answerer(), runtime.principal("ca.hoangminhduc")
    first = answerer.ask("Công an tỉnh chủ trì những nhiệm vụ nào?", police)
    assert _rows(first) == {tt for tt, row in table.items() if "Công an tỉnh" in row[2]}
    assert "Mục VI.3, ý 2" in first.record["citations"]  # the section VI duties count too
    plain = answerer.ask("cong an tinh chu tri nhung nhiem vu nao", police)
    assert plain.record["citations"] == first.record["citations"]
    follow = answerer.ask("Còn những việc nào phối hợp?", police, first.conversation_id)
    assert follow.record["role"] == "support" and follow.record["unit"] == "Công an tỉnh"
    assert _rows(follow) == {tt for tt, row in table.items() if "Công an tỉnh" in row[3]}


def test_who_leads_overdue_and_must_match(runtime: Runtime) -> None:
    answerer, official = runtime.answerer(), runtime.principal("stc.vuthihoa")
    who = answerer.ask("Ai chủ trì xây dựng hệ thống cảnh báo sớm và phản ứng nhanh?", official)
    assert who.record["citations"] == ["Phụ lục, dòng 4.3"] and "chủ trì: Công an tỉnh" in who.answer
    tasks = runtime.task_store()
    late = answerer.ask("Những nhiệm vụ nào đã quá hạn tính đến ngày 15/7/2026?", official)
    expected = {v.task.citation for v in tasks.find(official) if v.due and v.due < date(2026, 7, 15)}
    assert set(late.record["citations"]) == expected and expected
    for question in ("Nhiệm vụ của Kế hoạch 999/KH-UBND là gì?", "Sở Bịa Đặt chủ trì những nhiệm vụ nào?"):
        missing = answerer.ask(question, official)
        assert missing.refused and missing.citations == [] and "không có trong" in missing.answer, question
    law = answerer.ask("Nhiệm vụ, quyền hạn của UBND cấp xã là gì?", official)
    assert (law.record or {}).get("kind") != "tasks"


def test_a_question_naming_a_procedure_is_not_read_as_one_about_tasks(shared_dir: Path,
                                                                     tmp_path: Path) -> None:
    """A procedure whose title lists groups of people ("… công nhân viên chức nhà nước, …") is answered from
    its record even beside a plan whose tasks name groups of units."""
    import json

    folder = tmp_path / "src"
    folder.mkdir()
    shutil.copy(shared_dir / "corpus" / "legal" / "731-KH-UBND-2025-ha-tinh.txt", folder / "kh-731.txt")
    shutil.copy(shared_dir / "corpus" / "tthc" / "2.002755.json", folder / "2.002755.json")
    title = json.loads((folder / "2.002755.json").read_text("utf-8"))["metadata"]["tên_thủ_tục"]
    rt = Runtime(Settings(data_dir=tmp_path / "data", embedding_cache_path=CACHE,
                          users_file=REPO / "data" / "users.yaml"))
    try:
        rt.indexer().index(FolderConnector([folder]).documents())
        name = title.removeprefix("Thủ tục ")
        result = rt.answerer(remember=False).ask(f"Khi nào có kết quả {name}?", rt.principal("syt.lethicuc"))
        assert "Không có nhiệm vụ nào" not in result.answer
        assert {c.doc_id for c in result.citations} == {"tthc:2.002755"}
    finally:
        rt.close()
