"""Conversations reopen as they were answered (issue 26): an answer citing task rows (whose ids are task ids,
not index chunks) and one citing a procedure's record reopen whole through their records' own access check;
once the asker may no longer see the cited tasks, the answer stays withheld. Real API, SQLite and the real
731 plan (../shared/corpus/legal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.service.history_access import WITHHELD_ANSWER, WITHHELD_REASON
from assistant.service.runtime import Runtime
from assistant.tasks.extraction import extract_tasks
from connectors.files import FolderConnector
from core.access import AccessLabel, Principal
from core.documents import Document

PLAN_ID = "test:kh-731-reopen"


@pytest.fixture
def plan(runtime: Runtime, shared_dir: Path, tmp_path: Path) -> Iterator[Document]:
    text = (shared_dir / "corpus" / "legal" / "731-KH-UBND-2025-ha-tinh.txt").read_text(encoding="utf-8")
    (tmp_path / "731.txt").write_text(text, encoding="utf-8")
    doc = next(d for d in FolderConnector([tmp_path]).documents() if isinstance(d, Document))
    doc.doc_id = PLAN_ID
    store = runtime.task_store()
    store.replace(doc.doc_id, extract_tasks(doc, runtime.units()))
    yield doc
    store.replace(doc.doc_id, [])


def _reopened(client: TestClient, conv: str, headers: dict[str, str]) -> dict:
    r = client.get(f"/v1/conversations/{conv}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["messages"][1]


def test_a_task_answer_reopens_as_answered_until_its_tasks_are_out_of_reach(
        client: TestClient, login: Callable[[str], dict[str, str]], runtime: Runtime, plan: Document) -> None:
    headers = login("ca.hoangminhduc")
    asked = client.post("/v1/ask", json={"question": "Công an tỉnh chủ trì những nhiệm vụ nào trong Kế hoạch 731?"},
                        headers=headers)
    assert asked.status_code == 200, asked.text
    body = asked.json()
    assert body["citations"] and all(c["doc_id"] == PLAN_ID for c in body["citations"])
    table = body["table"]  # 17 tasks: a table, its rows carrying the markers of the citations
    assert table and [r["marker"] for r in table["rows"]] == [c["marker"] for c in body["citations"]]
    reopened = _reopened(client, body["conversation_id"], headers)
    assert reopened["content"] == body["answer"] and not reopened["data"].get("withheld")
    assert reopened["data"]["table"] == table
    assert [c["chunk_id"] for c in reopened["data"]["citations"]] == [c["chunk_id"] for c in body["citations"]]

    # The plan relabelled to a unit the asker is not in: its tasks are out of reach, the answer is withheld.
    runtime.task_store().set_access(PLAN_ID, AccessLabel(level="restricted", units=("Sở Y tế",)))
    withheld = _reopened(client, body["conversation_id"], headers)
    assert withheld["content"] == WITHHELD_ANSWER and withheld["data"]["withheld_reason"] == WITHHELD_REASON
    assert withheld["data"]["citations"] == [] and "table" not in withheld["data"]


def test_a_procedure_answer_reopens_as_answered(client: TestClient, login: Callable[[str], dict[str, str]],
                                                shared_dir: Path) -> None:
    headers = login("ca.hoangminhduc")
    asked = client.post("/v1/ask", json={"question": "Thủ tục 1.013124 mất bao lâu?"}, headers=headers).json()
    assert asked["citations"], asked["answer"]
    reopened = _reopened(client, asked["conversation_id"], headers)
    assert reopened["content"] == asked["answer"] and not reopened["data"].get("withheld")


def test_an_unknown_cited_id_is_not_exempted(runtime: Runtime) -> None:
    principal = Principal(user_id="ca.hoangminhduc", unit="Công an tỉnh", roles=("chuyen_vien",))
    assert runtime.answerer(remember=False).cited_visible(["khong-co-nhiem-vu-hay-doan-nay"], principal) == set()
