"""Service behaviour through HTTP: health, metrics, limits and the one JSON error shape, a crash that leaks
nothing, and OpenAI compatibility with the real ``openai`` client against a real uvicorn server."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor

import httpx
import openai
import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app

QUESTION = "Cán bộ tiếp nhận hồ sơ có trách nhiệm số hóa hồ sơ khi nào?"


def test_health_and_readiness_are_open(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "checks": {}}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"store": "ok", "database": "ok"}
    assert client.get("/v1/healthz").status_code == 200


def test_metrics_prometheus_text_for_admins(client: TestClient, login, api_keys) -> None:  # noqa: ANN001
    client.post("/v1/search", json={"query": "số hóa"}, headers=login("vp.nguyenvana"))
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=login("vp.nguyenvana")).status_code == 403
    r = client.get("/metrics", headers={"Authorization": f"Bearer {api_keys['ops']}"})  # a scraper's key
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert 'assistant_http_requests_total{method="POST",route="/v1/search",status="200"}' in r.text
    assert "assistant_http_request_seconds_bucket" in r.text


def test_json_errors_for_400_413_415_422(client: TestClient, login) -> None:  # noqa: ANN001
    user = login("vp.nguyenvana")
    r = client.post("/v1/ask", json={"question": "x" * 2001}, headers=user)
    assert r.status_code == 422 and r.json()["code"] == "validation_error"
    assert "x" * 50 not in r.text  # the value sent is never echoed
    r = client.post("/v1/ask", content=b'{"question": ', headers={**user, "Content-Type": "application/json"})
    assert r.status_code == 422 and set(r.json()) >= {"detail", "code"}
    r = client.post("/v1/ask", json={"question": "  \n "}, headers=user)
    assert r.status_code == 400 and r.json()["code"] == "bad_question"
    form = {**user, "Content-Type": "application/x-www-form-urlencoded"}
    r = client.post("/v1/search", content="query=x", headers=form)
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type"
    big = json.dumps({"question": "a" * 70_000})
    r = client.post("/v1/ask", content=big, headers={**user, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"

    def chunks():  # no Content-Length: the limit is enforced while the body streams in
        for _ in range(20):
            yield b"a" * 8192

    r = client.post("/v1/ask", content=chunks(), headers={**user, "Content-Type": "application/json"})
    assert r.status_code == 413
    r = client.get("/v1/khong-co", headers=user)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = client.put("/v1/ask", headers=user)
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


def test_rate_limit_429_with_retry_after(api_settings, runtime, users_copy, settings_for) -> None:  # noqa: ANN001
    settings = settings_for(api_settings.data_dir, users_copy, rate_limit_per_minute=3)
    with TestClient(create_app(settings, runtime)) as c:
        token = c.post("/v1/login", json={"username": "vp.nguyenvana", "password": "demo123"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        codes = [c.get("/v1/me", headers=headers).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.get("/v1/me", headers=headers)
        assert r.status_code == 429 and r.json()["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
        # Buckets are per user: another person is not affected.
        other = c.post("/v1/login", json={"username": "syt.lethicuc", "password": "demo123"}).json()["access_token"]
        assert c.get("/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


class _Exploding:
    def search(self, *args: object, **kwargs: object) -> list:
        raise RuntimeError("Traceback: bảng nội bộ lộ ra, CCCD 001234567890 của công dân")


def test_a_crash_is_a_generic_500_without_trace_and_the_log_is_masked(client: TestClient, app, login,  # noqa: ANN001
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(app.state.api, "retriever", _Exploding())
    with caplog.at_level(logging.ERROR, logger="assistant.api"):
        r = client.post("/v1/search", json={"query": "số hóa"}, headers=login("vp.nguyenvana"))
    assert r.status_code == 500
    assert r.json() == {"detail": "Lỗi hệ thống, vui lòng thử lại sau / internal error, please retry later",
                        "code": "internal_error"}
    assert "Traceback" not in r.text and "001234567890" not in r.text and "RuntimeError" not in r.text
    logged = "\n".join(rec.getMessage() + (rec.exc_text or "") for rec in caplog.records)
    assert "RuntimeError" in logged and "001***890" in logged and "001234567890" not in logged


def test_chat_completions_shape_history_and_conversation(client: TestClient, login) -> None:  # noqa: ANN001
    user = login("vp.nguyenvana")
    r = client.post("/v1/chat/completions", headers=user,
                    json={"model": "bat-ky", "messages": [{"role": "system", "content": "Bạn là trợ lý."},
                                                          {"role": "user", "content": QUESTION}]})
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "chat.completion" and body["model"] == "bat-ky"
    content = body["choices"][0]["message"]["content"]
    assert "Nguồn:" in content and body["citations"] and body["citations"][0]["citation"] in content
    assert body["conversation_id"] == ""  # nothing remembered without a conversation id
    # A conversation continues when its id is given (extra field, or the OpenAI ``user`` field).
    conv = client.post("/v1/ask", json={"question": QUESTION}, headers=user).json()["conversation_id"]
    for extra in ({"conversation_id": conv}, {"user": conv}):
        r = client.post("/v1/chat/completions", headers=user,
                        json={"model": "m", "messages": [{"role": "user", "content": "Thời hạn là khi nào?"}], **extra})
        assert r.status_code == 200 and r.json()["conversation_id"] == conv
    r = client.post("/v1/chat/completions", headers=user,
                    json={"model": "m", "user": "nguoi-dung-42", "messages": [{"role": "user", "content": QUESTION}]})
    assert r.status_code == 200 and r.json()["conversation_id"] == ""
    r = client.post("/v1/chat/completions", headers=login("ca.hoangminhduc"),
                    json={"model": "m", "conversation_id": conv, "messages": [{"role": "user", "content": QUESTION}]})
    assert r.status_code == 404
    r = client.post("/v1/chat/completions", headers=user, json={"model": "m", "messages": [
        {"role": "system", "content": "chỉ có hệ thống"}]})
    assert r.status_code == 400 and r.json()["code"] == "no_user_message"
    assert client.get("/v1/models", headers=user).json()["data"][0]["id"] == "tro-ly-ao"


def test_openai_client_non_stream_and_stream(server_url: str, login, api_keys) -> None:  # noqa: ANN001
    token = login("vp.nguyenvana")["Authorization"].split()[1]
    with openai.OpenAI(base_url=f"{server_url}/v1", api_key=token, max_retries=0, timeout=60) as ai:
        assert "tro-ly-ao" in [m.id for m in ai.models.list()]
        completion = ai.chat.completions.create(
            model="tro-ly-ao", messages=[{"role": "user", "content": QUESTION}])
        content = completion.choices[0].message.content or ""
        assert completion.object == "chat.completion" and "Nguồn:" in content
        citations = completion.model_extra["citations"]
        assert citations and citations[0]["doc_id"] == "file:quyet-dinh-so-hoa-ho-so.md"
        assert citations[0]["citation"] in content
        pieces, finish, extra = [], None, {}
        for chunk in ai.chat.completions.create(model="tro-ly-ao", stream=True,
                                                messages=[{"role": "user", "content": QUESTION}]):
            assert chunk.object == "chat.completion.chunk"
            if chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
            finish = chunk.choices[0].finish_reason or finish
            extra.update(chunk.model_extra or {})
        streamed = "".join(pieces)
        assert finish == "stop" and "Nguồn:" in streamed and extra["citations"]
        assert streamed.split("\n\nNguồn:")[0] == content.split("\n\nNguồn:")[0]
    # A service key acting for a user works the same way (the key travels as the bearer token).
    with openai.OpenAI(base_url=f"{server_url}/v1", api_key=api_keys["dms"], max_retries=0, timeout=60,
                       default_headers={"X-On-Behalf-Of": "ca.hoangminhduc"}) as ai:
        reply = ai.chat.completions.create(model="tro-ly-ao", messages=[{"role": "user", "content": QUESTION}])
        assert reply.choices[0].message.content
    with openai.OpenAI(base_url=f"{server_url}/v1", api_key="sai-khoa", max_retries=0, timeout=30) as ai:
        with pytest.raises(openai.AuthenticationError):
            ai.chat.completions.create(model="tro-ly-ao", messages=[{"role": "user", "content": QUESTION}])


def test_concurrent_asks_on_the_real_server(server_url: str, login) -> None:  # noqa: ANN001
    """16 clients at once: every ask succeeds, and health stays responsive meanwhile."""
    headers = login("vp.nguyenvana")

    def ask(i: int) -> int:
        with httpx.Client(base_url=server_url, timeout=120, headers=headers) as http:
            return http.post("/v1/ask", json={"question": f"{QUESTION} ({i})"}).status_code

    with ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(ask, i) for i in range(32)]
        health = httpx.get(f"{server_url}/healthz", timeout=30)
        codes = [f.result() for f in futures]
    assert codes == [200] * 32 and health.status_code == 200


def test_create_app_opens_nothing_before_startup(tmp_path, users_copy, settings_for) -> None:  # noqa: ANN001
    app = create_app(settings_for(tmp_path / "data", users_copy))
    assert not (tmp_path / "data").exists() and getattr(app.state, "api", None) is None


def test_real_server_sse_stream_over_http(server_url: str, login, parse_sse) -> None:  # noqa: ANN001
    with httpx.Client(base_url=server_url, timeout=60) as http:
        with http.stream("POST", "/v1/ask/stream", json={"question": QUESTION},
                         headers=login("vp.nguyenvana")) as r:
            assert r.status_code == 200
            frames = parse_sse(r.read().decode("utf-8"))
    assert [f[0] for f in frames][0] == "meta" and frames[-1][0] == "final"
