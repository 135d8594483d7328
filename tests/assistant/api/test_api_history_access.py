"""Old answers under today's access (issue 12, item 11): after a person moves unit, the answers they were
given from a restricted report are withheld, with the reason, when history is read or used for follow-ups."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.service.credentials import hash_password
from assistant.service.history_access import WITHHELD_ANSWER, WITHHELD_REASON

REPO = Path(__file__).resolve().parents[3]
RESTRICTED_SYT_DOC = "kho:SYT-DB-2026Q3"  # restricted to Sở Y tế and Văn phòng UBND tỉnh
EPIDEMIC = "Tình hình dịch sốt xuất huyết quý III/2026 tại tỉnh như thế nào?"
PASSWORD = "Mật-khẩu-chuyển-đơn-vị"


def _write_users(path: Path, unit: str) -> None:
    raw = yaml.safe_load((REPO / "data" / "users.yaml").read_text(encoding="utf-8"))
    raw["users"].append({"id": "tt.chuyendonvi", "name": "Chuyển Đơn Vị", "unit": unit, "roles": ["chuyen_vien"],
                         "password_hash": hash_password(PASSWORD)})
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def _token(client: TestClient) -> dict[str, str]:
    r = client.post("/v1/login", json={"username": "tt.chuyendonvi", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_answers_citing_what_the_asker_may_no_longer_see_are_withheld(tmp_path: Path, runtime,  # noqa: ANN001
                                                                       settings_for) -> None:  # noqa: ANN001
    users = tmp_path / "users.yaml"
    _write_users(users, "Sở Y tế")
    settings = settings_for(runtime.settings.data_dir, users)
    with TestClient(create_app(settings, runtime)) as client:
        headers = _token(client)
        first = client.post("/v1/ask", json={"question": EPIDEMIC}, headers=headers).json()
        assert RESTRICTED_SYT_DOC in {c["doc_id"] for c in first["citations"]} and "412" in first["answer"]
        conv = first["conversation_id"]
        before = client.get(f"/v1/conversations/{conv}", headers=headers).json()["messages"]
        assert "412" in before[1]["content"]

        _write_users(users, "Công an tỉnh")  # moved: the restricted report is out of reach now
        headers = _token(client)
        messages = client.get(f"/v1/conversations/{conv}", headers=headers).json()["messages"]
        answer = messages[1]
        # nothing of the withheld answer is kept in what is shown (ids and times aside: a uuid may hold "412")
        shown = {k: v for k, v in answer.items() if not k.endswith("id") and k != "created_at"}
        assert answer["content"] == WITHHELD_ANSWER and "412" not in str(shown)
        assert answer["data"]["withheld_reason"] == WITHHELD_REASON and answer["data"]["citations"] == []
        assert messages[0]["content"] == EPIDEMIC  # the person's own question stays

        state = client.app.state.api
        principal = state.users.get("tt.chuyendonvi").principal()
        follow_up_history = state.answerer.visible_history(principal, conv)
        assert [t.content for t in follow_up_history if t.role == "assistant"] == [WITHHELD_ANSWER]
        second = client.post("/v1/ask", json={"question": "Còn số ca thì sao?", "conversation_id": conv},
                             headers=headers).json()
        assert "412" not in second["answer"] and RESTRICTED_SYT_DOC not in {c["doc_id"] for c in second["citations"]}
