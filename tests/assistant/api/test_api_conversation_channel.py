"""An official's history tells apart the questions they asked on the page from those a system (an API key on
their behalf) or the service's command line asked for them (issue 31): each conversation keeps the channel it
came in through, and the history names it in Vietnamese."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant.service.credentials import create_api_key

QUESTION = "Cán bộ tiếp nhận hồ sơ có trách nhiệm số hóa hồ sơ khi nào?"
OFFICIAL = "stc.vuthihoa"


def test_each_conversation_is_labelled_by_the_channel_it_came_through(client: TestClient, login, api_keys,  # noqa: ANN001
                                                                       runtime) -> None:  # noqa: ANN001
    local = create_api_key(runtime.sessions, "local-owner:test-channel", may_act_for_users=True)
    own = login(OFFICIAL)
    through = {"ui": own,
               "api": {"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": OFFICIAL},
               "cli": {"X-API-Key": local, "X-On-Behalf-Of": OFFICIAL}}
    made = {}
    for channel, headers in through.items():
        r = client.post("/v1/ask", json={"question": QUESTION}, headers=headers)
        assert r.status_code == 200, r.text
        made[r.json()["conversation_id"]] = channel
    listed = {c["id"]: c for c in client.get("/v1/conversations", headers=own).json()["conversations"]}
    labels = {"ui": "Giao diện", "api": "Qua API", "cli": "Qua dòng lệnh"}
    for conv_id, channel in made.items():
        assert (listed[conv_id]["channel"], listed[conv_id]["channel_label"]) == (channel, labels[channel])
    # The page's conversation continued by the system stays a page conversation; that turn says it came by API.
    ui_conv = next(c for c, ch in made.items() if ch == "ui")
    r = client.post("/v1/ask", json={"question": "Thời hạn là khi nào?", "conversation_id": ui_conv},
                    headers=through["api"])
    assert r.status_code == 200, r.text
    detail = client.get(f"/v1/conversations/{ui_conv}", headers=own).json()
    assert detail["channel"] == "ui"
    assert [m["data"]["channel"] for m in detail["messages"] if m["role"] == "user"] == ["ui", "api"]


def test_the_stream_and_the_openai_route_carry_the_channel_too(client: TestClient, login, api_keys) -> None:  # noqa: ANN001
    on_behalf = {"X-API-Key": api_keys["dms"], "X-On-Behalf-Of": OFFICIAL}
    with client.stream("POST", "/v1/ask/stream", json={"question": QUESTION}, headers=login(OFFICIAL)) as r:
        body = "".join(r.iter_text())
    assert r.status_code == 200 and "event: final" in body
    listed = client.get("/v1/conversations", headers=login(OFFICIAL)).json()["conversations"]
    assert listed[0]["channel"] == "ui"  # the most recent one: the stream's
    first = client.post("/v1/ask", json={"question": QUESTION}, headers=on_behalf).json()
    r = client.post("/v1/chat/completions", headers=on_behalf,
                    json={"model": "tro-ly-ao", "conversation_id": first["conversation_id"],
                          "messages": [{"role": "user", "content": "Thời hạn là khi nào?"}]})
    assert r.status_code == 200, r.text
    detail = client.get(f"/v1/conversations/{first['conversation_id']}", headers=login(OFFICIAL)).json()
    assert detail["channel_label"] == "Qua API"
    assert [m["data"]["channel"] for m in detail["messages"] if m["role"] == "user"] == ["api", "api"]
