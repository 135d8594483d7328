"""A long task answer is a table (issue 26): structured rows with the citation markers of the cited lines,
the tasks page's query, and a readable text table for the CLI. Over the real 731 plan (task store only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from assistant.search.question import Question
from assistant.service.runtime import Runtime
from assistant.tasks import format_table
from assistant.tasks.answer_table import TABLE_FROM
from assistant.tasks.extraction import extract_tasks
from connectors.files import FolderConnector
from core.access import Principal
from core.documents import Document
from core.settings import Settings
from core.vietnamese import fold

REPO = Path(__file__).resolve().parents[3]
def prepared(text: str) -> Question:
    """A first question (no history) in the forms the retriever prepares."""
    return Question(typed=text, standalone=text, marked=text, folded=fold(text), typed_folded=fold(text))


OFFICIAL = Principal(user_id="vp.tester", unit="Văn phòng UBND tỉnh", roles=("chuyen_vien",))


@pytest.fixture(scope="module")
def runtime(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    folder = tmp_path_factory.mktemp("plan")
    text = (shared_dir / "corpus" / "legal" / "731-KH-UBND-2025-ha-tinh.txt").read_text(encoding="utf-8")
    (folder / "kh-731.txt").write_text(text, encoding="utf-8")
    rt = Runtime(Settings(data_dir=tmp_path_factory.mktemp("data"), users_file=REPO / "data" / "users.yaml"))
    doc = next(d for d in FolderConnector([folder]).documents() if isinstance(d, Document))
    rt.task_store().replace(doc.doc_id, extract_tasks(doc, rt.units()))
    yield rt
    rt.close()


def test_a_long_answer_carries_its_rows_with_the_markers_of_its_lines(runtime: Runtime) -> None:
    answerer = runtime.record_answerers()[1]
    reply = answerer.answer(prepared("Sở Khoa học và Công nghệ chủ trì những nhiệm vụ nào?"), OFFICIAL,
                            today=date(2026, 3, 1))
    assert reply is not None and len(reply.sources) >= TABLE_FROM
    table = reply.facts["table"]
    assert [r["marker"] for r in table["rows"]] == [s.marker for s in reply.sources]
    assert [r["citation"] for r in table["rows"]] == reply.facts["citations"][: len(table["rows"])]
    assert table["tasks_page"]["unit"] == "Sở Khoa học và Công nghệ" and table["tasks_page"]["role"] == "lead"
    for row, line in zip(table["rows"], reply.text.splitlines()[1:], strict=False):
        assert row["nhiem_vu"] in line and f"[{row['marker']}]" in line  # the rows say what the cited lines say
    text = format_table(table)
    assert text.splitlines()[0].startswith("Số") and "Nhiệm vụ" in text.splitlines()[0]
    assert all(f"[{r['marker']}]" in text for r in table["rows"])
    assert max(len(line) for line in text.splitlines()) <= 110


def test_a_short_answer_stays_lines(runtime: Runtime) -> None:
    answerer = runtime.record_answerers()[1]
    reply = answerer.answer(prepared("Ai chủ trì nhiệm vụ tổ chức hội nghị sơ kết?"), OFFICIAL, today=date(2026, 3, 1))
    assert reply is None or "table" not in reply.facts or len(reply.sources) >= TABLE_FROM
