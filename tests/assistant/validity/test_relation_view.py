"""A văn bản hợp nhất records the laws that amended the law it consolidates; the relations view says so as what
the text records ("reported"), never as amendments the consolidated text makes itself. On the real 28/VBHN-VPQH
and the Luật Khiếu nại 02/2011/QH13 it consolidates (../shared/corpus/laws)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from assistant.cli.relations_commands import show
from assistant.service.runtime import Runtime
from assistant.validity.view import document_relations
from core.access import ANONYMOUS
from tests.assistant.law_runtime import law_runtime

VBHN, LAW = "vbhn-28-VBHN-VPQH-2026-luat-khieu-nai.txt", "luat-khieu-nai-02-2011-QH13.txt"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    rt = law_runtime(tmp_path_factory, [VBHN, LAW])
    yield rt
    rt.close()


def _rows(rt: Runtime, name: str) -> list[dict]:
    view = document_relations(rt.relations, f"file:{name}", ANONYMOUS, date(2026, 12, 1))
    assert view is not None
    return [r for r in view["relations"] if r["kind"] != "based_on"]


def test_the_consolidated_text_consolidates_and_only_records_the_amendments(runtime: Runtime) -> None:
    rows = _rows(runtime, VBHN)
    assert [(r["direction"], r["target_so_hieu"]) for r in rows if r["kind"] == "consolidates"] == \
        [("outgoing", "02/2011/QH13")]
    amends = [r for r in rows if r["kind"] == "amends"]
    assert amends and {r["direction"] for r in amends} == {"reported"}
    assert {r["actor_so_hieu"] for r in amends} == {"42/2013/QH13", "81/2025/QH15", "84/2025/QH15", "136/2025/QH15"}


def test_the_consolidated_law_is_amended_by_the_amending_laws(runtime: Runtime) -> None:
    rows = _rows(runtime, LAW)
    amended_by = {r["actor_so_hieu"] for r in rows if r["kind"] == "amends" and r["direction"] == "incoming"}
    assert {"42/2013/QH13", "136/2025/QH15"} <= amended_by


def test_documents_relations_says_what_the_text_records(runtime: Runtime, capsys: pytest.CaptureFixture) -> None:
    view = document_relations(runtime.relations, f"file:{VBHN}", ANONYMOUS, date(2026, 12, 1))
    assert view is not None
    show(view)
    out = capsys.readouterr().out
    assert "· sửa đổi, bổ sung 02/2011/QH13 bởi 42/2013/QH13 (văn bản này ghi nhận)" in out
    assert "→ sửa đổi, bổ sung" not in out
