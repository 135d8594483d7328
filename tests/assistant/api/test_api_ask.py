"""Ask, streaming, search, conversations, feedback, audit and access through HTTP on the real index."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from assistant.cli import app as cli_app
from assistant.service.db import AuditEvent, Feedback

QUESTION = "Cán bộ tiếp nhận hồ sơ có trách nhiệm số hóa hồ sơ khi nào?"
EPIDEMIC = "Tình hình dịch bệnh sốt xuất huyết quý III năm 2026: bao nhiêu ca sốt xuất huyết?"
RESTRICTED_SYT_DOC = "kho:SYT-DB-2026Q3"
CITATION_KEYS = {"marker", "doc_id", "title", "so_hieu", "citation", "quote", "validity", "chunk_id", "tthc"}


def test_ask_answers_with_citations(client: TestClient, login) -> None:  # noqa: ANN001
    r = client.post("/v1/ask", json={"question": QUESTION}, headers=login("vp.nguyenvana"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert not body["refused"] and body["answer"] and body["answer_id"] and body["conversation_id"]
    assert body["citations"] and set(body["citations"][0]) == CITATION_KEYS
    assert body["citations"][0]["doc_id"] == "file:quyet-dinh-so-hoa-ho-so.md"
    assert {c["chunk_id"] for c in body["citations"]} <= {s["chunk_id"] for s in body["sources"]}
    assert body["backend"] == "extractive"


def test_ask_unrelated_question_is_refused(client: TestClient, login) -> None:  # noqa: ANN001
    r = client.post("/v1/ask", json={"question": "Giá vé máy bay từ Hà Nội đi Paris tháng sau là bao nhiêu?"},
                    headers=login("vp.nguyenvana"))
    assert r.status_code == 200 and r.json()["refused"] and r.json()["citations"] == []


def test_ask_filters_are_applied(client: TestClient, login) -> None:  # noqa: ANN001
    r = client.post("/v1/ask", json={"question": QUESTION, "filters": {"kinds": ["warehouse"]}},
                    headers=login("vp.nguyenvana"))
    assert r.status_code == 200
    assert all(s["doc_id"].startswith("kho:") for s in r.json()["sources"])


def test_ask_stream_sends_meta_tokens_and_final(client: TestClient, login, parse_sse) -> None:  # noqa: ANN001
    with client.stream("POST", "/v1/ask/stream", json={"question": QUESTION},
                       headers=login("vp.nguyenvana")) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        frames = parse_sse(r.read().decode("utf-8"))
    names = [name for name, _ in frames]
    assert names[0] == "meta" and "token" in names and names[-1] == "final"
    meta, final = json.loads(frames[0][1]), json.loads(frames[-1][1])
    assert final["answer_id"] == meta["answer_id"] and final["conversation_id"] == meta["conversation_id"]
    assert final["citations"] and not final["refused"]
    tokens = "".join(json.loads(data)["text"] for name, data in frames if name == "token")
    assert tokens.strip()


def test_ask_stream_errors_before_the_stream_are_json(client: TestClient, login) -> None:  # noqa: ANN001
    r = client.post("/v1/ask/stream", json={"question": "   "}, headers=login("vp.nguyenvana"))
    assert r.status_code == 400 and r.json()["code"] == "bad_question"
    # A degenerate question (stray combining marks) is refused before any search, on every route.
    marks = "a" + "\u0301" * 1999
    for path, body in (("/v1/ask", {"question": marks}), ("/v1/ask/stream", {"question": marks}),
                       ("/v1/search", {"query": marks})):
        r = client.post(path, json=body, headers=login("vp.nguyenvana"))
        assert r.status_code == 400 and r.json()["code"] == "bad_question" and "dấu rời" in r.json()["detail"], path
    r = client.post("/v1/ask/stream", json={"question": QUESTION, "conversation_id": "khong-co"},
                    headers=login("vp.nguyenvana"))
    assert r.status_code == 404 and r.json()["code"] == "conversation_not_found"


def test_search_returns_hits_the_user_may_see(client: TestClient, login) -> None:  # noqa: ANN001
    r = client.post("/v1/search", json={"query": "số hóa hồ sơ thủ tục hành chính", "top_k": 5},
                    headers=login("vp.nguyenvana"))
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert 0 < len(hits) <= 5
    assert {"chunk_id", "doc_id", "citation", "score", "text", "access"} <= set(hits[0])
    r = client.post("/v1/search", json={"query": "lệ phí", "top_k": 51}, headers=login("vp.nguyenvana"))
    assert r.status_code == 422


def test_restricted_syt_summary_never_reaches_a_police_officer(client: TestClient, login, api_keys,  # noqa: ANN001
                                                                parse_sse) -> None:
    police = login("ca.hoangminhduc")
    health = login("syt.lethicuc")
    # Positive control: the Sở Y tế officer finds and is cited the restricted summary.
    own = client.post("/v1/ask", json={"question": EPIDEMIC}, headers=health).json()
    assert RESTRICTED_SYT_DOC in {c["doc_id"] for c in own["citations"]}
    assert "412" in own["answer"]
    on_behalf = {"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": "ca.hoangminhduc"}
    for headers in (police, on_behalf):
        hits = client.post("/v1/search", json={"query": EPIDEMIC, "top_k": 50}, headers=headers).json()["hits"]
        assert hits and RESTRICTED_SYT_DOC not in {h["doc_id"] for h in hits}
        body = client.post("/v1/ask", json={"question": EPIDEMIC}, headers=headers).json()
        seen = {c["doc_id"] for c in body["citations"]} | {s["doc_id"] for s in body["sources"]}
        assert RESTRICTED_SYT_DOC not in seen and "412 ca" not in body["answer"]
        with client.stream("POST", "/v1/ask/stream", json={"question": EPIDEMIC}, headers=headers) as r:
            text = r.read().decode("utf-8")
        assert RESTRICTED_SYT_DOC not in text and "412 ca" not in text
        chat = client.post("/v1/chat/completions", headers=headers,
                           json={"model": "tro-ly-ao", "messages": [{"role": "user", "content": EPIDEMIC}]}).json()
        assert RESTRICTED_SYT_DOC not in json.dumps(chat, ensure_ascii=False) and "412 ca" not in json.dumps(chat)


def test_conversations_list_get_delete_and_isolation(client: TestClient, login) -> None:  # noqa: ANN001
    owner, other = login("stc.vuthihoa"), login("vp.tranthibich")
    first = client.post("/v1/ask", json={"question": QUESTION}, headers=owner).json()
    conv = first["conversation_id"]
    follow = client.post("/v1/ask", json={"question": "Thời hạn hoàn thành là khi nào?", "conversation_id": conv},
                         headers=owner).json()
    assert follow["conversation_id"] == conv
    listed = client.get("/v1/conversations", headers=owner).json()["conversations"]
    assert conv in {c["id"] for c in listed}
    detail = client.get(f"/v1/conversations/{conv}", headers=owner).json()
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant", "user", "assistant"]
    assert detail["messages"][1]["answer_id"] == first["answer_id"]
    # Another user cannot see, continue or delete it: 404, like an unknown id.
    assert conv not in {c["id"] for c in client.get("/v1/conversations", headers=other).json()["conversations"]}
    assert client.get(f"/v1/conversations/{conv}", headers=other).status_code == 404
    assert client.post("/v1/ask", json={"question": QUESTION, "conversation_id": conv},
                       headers=other).status_code == 404
    assert client.delete(f"/v1/conversations/{conv}", headers=other).status_code == 404
    assert client.delete(f"/v1/conversations/{conv}", headers=owner).status_code == 204
    assert client.get(f"/v1/conversations/{conv}", headers=owner).status_code == 404


def test_feedback_is_stored_for_own_answers_only(client: TestClient, login, runtime) -> None:  # noqa: ANN001
    owner = login("vp.nguyenvana")
    answer_id = client.post("/v1/ask", json={"question": QUESTION}, headers=owner).json()["answer_id"]
    r = client.post("/v1/feedback", headers=owner,
                    json={"answer_id": answer_id, "rating": "down", "comment": "Gọi lại 0912345678 giúp tôi"})
    assert r.status_code == 201 and r.json()["rating"] == "down"
    with runtime.sessions() as s:
        row = s.scalars(select(Feedback).where(Feedback.answer_id == answer_id)).one()
    assert row.user_id == "vp.nguyenvana" and row.rating == "down"
    assert "0912345678" not in row.comment and "0912***678" in row.comment
    r = client.post("/v1/feedback", headers=login("ca.hoangminhduc"), json={"answer_id": answer_id, "rating": "up"})
    assert r.status_code == 404
    r = client.post("/v1/feedback", headers=owner, json={"answer_id": answer_id, "rating": "meh"})
    assert r.status_code == 422


def test_audit_rows_are_written_and_masked(client: TestClient, login, runtime, api_keys) -> None:  # noqa: ANN001
    question = ("Tôi là Nguyễn Văn A, CCCD 001234567890, điện thoại 0912345678, email nguyenvana@example.com: "
                "trách nhiệm số hóa hồ sơ?")
    ask = client.post("/v1/ask", json={"question": question}, headers=login("vp.nguyenvana")).json()
    client.post("/v1/search", json={"query": question}, headers={"X-API-Key": api_keys["dms"],
                                                                  "X-On-Behalf-Of": "vp.nguyenvana"})
    with runtime.sessions() as s:
        asked = s.scalars(select(AuditEvent).where(AuditEvent.answer_id == ask["answer_id"])).one()
        searched = s.scalars(select(AuditEvent).where(AuditEvent.action == "search", AuditEvent.via == "dms")
                             .order_by(AuditEvent.id.desc())).first()
    for row in (asked, searched):
        assert "001234567890" not in row.question and "0912345678" not in row.question
        assert "nguyenvana@example.com" not in row.question
        assert "001***890" in row.question and "0912***678" in row.question and "n***@example.com" in row.question
        assert row.user_id == "vp.nguyenvana" and row.unit == "Văn phòng UBND tỉnh" and row.latency_ms > 0
        assert row.retrieved_ids
    # The outcome recorded is the answer's own: refused or answered (the PII-laden wording may be refused).
    assert asked.action == "ask" and asked.outcome == ("refused" if ask["refused"] else "answered")
    assert asked.retrieved_ids == [s["chunk_id"] for s in ask["sources"]]
    assert asked.cited_ids == [c["chunk_id"] for c in ask["citations"]]
    assert searched.via == "dms" and searched.outcome == "ok"


def test_failed_actions_are_audited_with_their_outcome(client: TestClient, login, runtime) -> None:  # noqa: ANN001
    r = client.post("/v1/ask", json={"question": QUESTION, "conversation_id": "nguoi-khac"},
                    headers=login("vp.nguyenvana"))
    assert r.status_code == 404
    with runtime.sessions() as s:
        row = s.scalars(select(AuditEvent).where(AuditEvent.action == "ask").order_by(AuditEvent.id.desc())).first()
    assert row.outcome == "conversation_not_found"


def test_audit_export_cli_writes_masked_csv(client: TestClient, login, api_settings, tmp_path) -> None:  # noqa: ANN001
    client.post("/v1/search", json={"query": "email tranb@example.com, SĐT +84912345678"},
                headers=login("vp.tranthibich"))
    out = tmp_path / "audit.csv"
    since = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    env = {"ASSISTANT_DATA_DIR": str(api_settings.data_dir), "ASSISTANT_USERS_FILE": str(api_settings.users_file)}
    result = CliRunner().invoke(cli_app, ["audit", "export", "--since", since, "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and {"at", "user_id", "action", "question", "retrieved_ids", "cited_ids", "answer_id", "latency_ms",
                     "outcome"} <= set(rows[0])
    assert {r["action"] for r in rows} >= {"ask", "search", "login"}
    assert all(re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", r["at"]) for r in rows), rows[0]["at"]  # Vietnam time
    text = out.read_text(encoding="utf-8")
    assert "tranb@example.com" not in text and "0912345678" not in text and "t***@example.com" in text
    future = CliRunner().invoke(cli_app, ["audit", "export", "--since", "2999-01-01"], env=env)
    assert future.exit_code == 0 and len(list(csv.reader(io.StringIO(future.stdout)))) == 1
