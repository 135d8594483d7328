"""The province-scale path on real engines: PostgreSQL 15 (initdb + pg_ctl in a temp dir, as an unprivileged
user), two ``assistant serve`` replicas sharing it, each on its own read-only copy of the embedded index, and
nginx with ``deploy/nginx/nginx.conf`` (rendered for loopback) in front. Answers come from a paced
OpenAI-compatible stand-in for vLLM (``paced_model.py``: word by word, so buffering and a kill mid-answer show).

Skipped, naming the package, where Debian's postgresql or nginx is missing (``make engines`` installs them).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engines import NGINX_CONF, PROXY_ADDRESS, PostgresCluster, missing_engines, render_nginx
from province_stack import Stack, start_stack

pytestmark = [pytest.mark.engines, pytest.mark.slow]
PASSWORD = "demo123"
QUESTION = "Quý III/2026 tỉnh tiếp nhận bao nhiêu hồ sơ thủ tục hành chính?"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, PostgresCluster]]:
    reason = missing_engines()
    if reason:
        pytest.skip(reason)
    cluster = PostgresCluster()
    try:
        cluster.start()
        url = cluster.create_database("assistant")
        stack = start_stack(tmp_path_factory.mktemp("province"), url, model_delay=0.06)
        try:
            yield stack, cluster
        finally:
            stack.close()
    finally:
        cluster.stop()


def login(client: httpx.Client, username: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
    return client.post("/v1/login", json={"username": username, "password": password}, headers=headers)


def bearer(client: httpx.Client, username: str) -> dict[str, str]:
    response = login(client, username)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def sse_events(response: httpx.Response, arrivals: list[tuple[float, str, dict[str, Any]]]) -> Iterator[str]:
    """Parse the stream as it arrives, recording (arrival time, event, data); yields each event name."""
    event = None
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event:
            arrivals.append((time.monotonic(), event, json.loads(line[6:])))
            yield event


def served_by(stack: Stack, path: str, before: dict[str, int]) -> list[str]:
    return [r.name for r in stack.replicas if r.served(path) > before[r.name]]


def test_the_rendered_config_changes_only_addresses_logs_and_temp_paths(tmp_path: Path) -> None:
    shipped = NGINX_CONF.read_text(encoding="utf-8")
    text = render_nginx(shipped, listen=18080, upstreams={"api": [1, 2], "indexer": [3], "ui": [4]}, root=tmp_path)
    assert "resolve" not in text.replace("# Docker's DNS; \"resolve\"", "")
    assert "server 127.0.0.1:1 max_fails=3 fail_timeout=10s;" in text and "server 127.0.0.1:2 max_fails" in text
    assert f"proxy_bind {PROXY_ADDRESS};" in text and "listen 127.0.0.1:18080;" in text
    for directive in ("proxy_buffering off;", "proxy_next_upstream error timeout http_502 http_503;",
                      "proxy_set_header X-Forwarded-For $remote_addr;", "proxy_read_timeout 300s;"):
        assert text.count(directive) == shipped.count(directive) > 0, directive


def test_migrations_ran_once_when_both_replicas_started_together(province) -> None:
    stack, cluster = province
    from sqlalchemy import create_engine, text

    from assistant.service.migrations import head_revisions

    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as conn:
            applied = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
            assert sorted(applied) == list(head_revisions())
    finally:
        engine.dispose()
    log = cluster.logged()
    assert log.count("CREATE TABLE alembic_version") == 1, log[-3000:]
    assert log.count("CREATE TABLE conversations") == 1
    assert all(r.proc.poll() is None for r in stack.replicas)


def test_read_only_replicas_claim_nothing_and_refuse_uploads(province) -> None:
    stack, _ = province
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from assistant.service.db import ApiKey
    from assistant.service.index_owner import LOCAL_KEY_PREFIX, OWNER_FILE

    document = ("quyet-dinh.md", "# QUYẾT ĐỊNH\n\nĐiều 1. Văn bản thử.\n".encode(), "text/markdown")
    for replica in stack.replicas:
        assert not (stack.root / replica.name / "data" / OWNER_FILE).exists()  # not the owner of its copy
        with httpx.Client(base_url=replica.url, timeout=60) as client:
            admin = bearer(client, "admin")
            upload = client.post("/v1/documents", headers=admin, files={"file": document})
            assert upload.status_code == 409 and upload.json()["code"] == "read_only_index", upload.text
            assert client.delete("/v1/documents/kho:VP-TTHC-2026Q3", headers=admin).status_code == 409
            assert client.post("/v1/search", headers=admin, json={"query": "hồ sơ trực tuyến"}).json()["hits"]
    engine = create_engine(stack.database_url)
    try:
        with Session(engine) as s:  # no local owner keys minted (nor revoked from each other) in the shared database
            local = select(func.count()).select_from(ApiKey).where(ApiKey.name.startswith(LOCAL_KEY_PREFIX))
            assert s.scalar(local) == 0
    finally:
        engine.dispose()


def test_sign_in_stream_continue_on_the_other_replica_feedback_and_audit_through_nginx(province) -> None:
    stack, _ = province
    with httpx.Client(base_url=stack.url, timeout=120) as client:
        auth = bearer(client, "vp.nguyenvana")
        before = {r.name: r.served("/v1/ask/stream") for r in stack.replicas}
        arrivals: list[tuple[float, str, dict[str, Any]]] = []
        with client.stream("POST", "/v1/ask/stream", headers=auth, json={"question": QUESTION}) as response:
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
            events = list(sse_events(response, arrivals))
        assert events[0] == "meta" and events[-1] == "final" and events.count("token") >= 2, events
        tokens = [t for t, e, _ in arrivals if e == "token"]
        # Passed on as it comes: the first sentence arrived while the model was still writing the last one. (nginx
        # 1.22 also relays small chunks as they come with proxy_buffering on; the app sends X-Accel-Buffering: no.)
        assert tokens[-1] - tokens[0] > 0.5, tokens
        final = arrivals[-1][2]
        assert not final["refused"] and final["citations"], final
        [first_replica] = served_by(stack, "/v1/ask/stream", before)

        before = {r.name: r.served("/v1/ask") for r in stack.replicas}
        follow = client.post("/v1/ask", headers=auth, json={"question": "Còn tỷ lệ nộp trực tuyến thì sao?",
                                                            "conversation_id": final["conversation_id"]})
        assert follow.status_code == 200, follow.text
        [second_replica] = served_by(stack, "/v1/ask", before)
        assert second_replica != first_replica  # round robin: the conversation went on on the other replica
        assert "Quý III/2026" in follow.json()["standalone_question"]  # its history came from PostgreSQL

        detail = client.get(f"/v1/conversations/{final['conversation_id']}", headers=auth).json()
        assert [m["role"] for m in detail["messages"]] == ["user", "assistant", "user", "assistant"]
        feedback = client.post("/v1/feedback", headers=auth, json={"answer_id": final["answer_id"], "rating": "up"})
        assert feedback.status_code == 201, feedback.text

        admin = bearer(client, "admin")
        rows = client.get("/v1/audit", headers=admin).json()["rows"]
        asks = [r for r in rows if r["action"] == "ask" and r["user_id"] == "vp.nguyenvana"]
        assert {final["answer_id"], follow.json()["answer_id"]} <= {r["answer_id"] for r in asks}
        assert client.get("/v1/audit", headers=auth).status_code == 403  # not an administrator


def test_login_throttle_holds_across_replicas_and_ignores_forwarded_for_from_clients(province) -> None:
    stack, _ = province
    with httpx.Client(base_url=stack.url, timeout=60) as client:
        for i in range(5):  # five wrong passwords, each "from" another address, spread over both replicas
            wrong = login(client, "syt.lethicuc", "sai-mat-khau", **{"X-Forwarded-For": f"203.0.113.{i}"})
            assert wrong.status_code == 401, wrong.text
        right = login(client, "syt.lethicuc", **{"X-Forwarded-For": "198.51.100.7"})
        assert right.status_code == 429 and right.json()["code"] == "login_locked", right.text
    logins = [line.split()[3] for line in stack.nginx.access_lines() if line.startswith("POST /v1/login 401")]
    assert {f"127.0.0.1:{r.port}" for r in stack.replicas} <= set(logins)  # both replicas counted the failures
    for replica in stack.replicas:  # the lock is in PostgreSQL: every replica refuses the right password
        with httpx.Client(base_url=replica.url, timeout=60) as direct:
            assert login(direct, "syt.lethicuc").status_code == 429

    # Per-address limit (10 a minute per replica): a client at 127.0.0.3 rotating X-Forwarded-For, through nginx
    # and straight to a replica, is still 127.0.0.3; a neighbour at 127.0.0.4 is not affected.
    def client_at(address: str, url: str) -> httpx.Client:
        return httpx.Client(base_url=url, timeout=60, transport=httpx.HTTPTransport(local_address=address))

    codes = []
    with client_at("127.0.0.3", stack.url) as proxied, client_at("127.0.0.3", stack.replicas[0].url) as direct:
        for i in range(30):
            target = direct if i % 4 == 3 else proxied
            codes.append(login(target, f"khach{i}", "x", **{"X-Forwarded-For": f"192.0.2.{i}"}).status_code)
            if codes[-1] == 429:
                break
    assert codes[-1] == 429 and len(codes) <= 28 and set(codes[:-1]) == {401}, codes
    with client_at("127.0.0.4", stack.url) as neighbour:
        other = login(neighbour, "khach-khac", "x")
        assert other.status_code == 401, other.text


def test_a_replica_killed_mid_request(province) -> None:
    """Kill the replica streaming an answer: the streaming client gets a clean error, a read in flight on that
    replica is retried by nginx on the other one, nothing half-written is left in PostgreSQL."""
    stack, _ = province
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from assistant.service.db import Conversation, Message

    client = httpx.Client(base_url=stack.url, timeout=httpx.Timeout(60, read=30))
    auth = bearer(client, "vp.nguyenvana")
    before = {r.name: r.served("/v1/ask/stream") for r in stack.replicas}
    arrivals: list[tuple[float, str, dict[str, Any]]] = []
    reads: list[int] = []
    failure: list[BaseException] = []
    with client.stream("POST", "/v1/ask/stream", headers=auth, json={"question": QUESTION}) as response:
        events = sse_events(response, arrivals)
        while next(events) != "token":
            pass
        [name] = served_by(stack, "/v1/ask/stream", before)
        victim = next(r for r in stack.replicas if r.name == name)
        os.kill(victim.proc.pid, signal.SIGSTOP)  # frozen mid-answer: what it has not sent yet, it never will

        def read() -> None:
            with httpx.Client(base_url=stack.url, timeout=60) as reader:
                reads.append(reader.get("/v1/conversations", headers=auth).status_code)

        readers = [threading.Thread(target=read) for _ in range(2)]  # round robin: one lands on the frozen one
        for t in readers:
            t.start()
        time.sleep(1.5)
        victim.kill()
        try:
            for _ in events:
                pass
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            failure.append(exc)
        for t in readers:
            t.join(60)
    client.close()
    assert failure and "final" not in [e for _, e, _ in arrivals], arrivals  # an error, not a truncated "answer"
    assert reads == [200, 200]
    retried = [line for line in stack.nginx.access_lines() if line.startswith("GET /v1/conversations 200")
               and f"127.0.0.1:{victim.port}, " in line]
    assert retried, stack.nginx.access_lines()[-6:]  # the frozen replica's read was answered by the other
    streamed = [line for line in stack.nginx.access_lines() if line.startswith("POST /v1/ask/stream")][-1]
    assert "," not in streamed.split(" ", 3)[3]  # a POST is never replayed on another replica

    conversation_id = arrivals[0][2]["conversation_id"]
    engine = create_engine(stack.database_url)
    try:
        with Session(engine) as s:
            assert s.get(Conversation, conversation_id) is None  # no empty conversation left behind
            assert s.scalar(select(func.count()).select_from(Message)
                            .where(Message.conversation_id == conversation_id)) == 0
            roles = s.execute(select(Message.conversation_id, Message.role)).all()
            users = [c for c, role in roles if role == "user"]
            assert sorted(users) == sorted(c for c, role in roles if role == "assistant")  # whole exchanges only
    finally:
        engine.dispose()
    survivor = next(r for r in stack.replicas if r is not victim)
    with httpx.Client(base_url=stack.url, timeout=60) as after:
        search = after.post("/v1/search", headers=auth, json={"query": "hồ sơ trực tuyến", "top_k": 3})
        assert search.status_code == 200 and search.json()["hits"]
    assert survivor.proc.poll() is None
