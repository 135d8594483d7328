"""The source panel's short history of a legal document ("có hiệu lực … → sửa đổi, bổ sung … bởi … → thay thế
bởi …"), rendered from the real API's ``GET /v1/documents/{id}/relations``: the app runs in this process
(FastAPI's TestClient on a real index), and the UI's own ApiClient reaches it through an httpx transport
that hands each request to it. A replacement the user may not read is not in the history."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from streamlit.testing.v1 import AppTest

from assistant.api.app import create_app
from assistant.service.runtime import Runtime
from core.settings import Settings
from tests.assistant.validity.validity_fixtures import RESTRICTED, amending_decision, new_decision, old_decision
from ui.api_client import ApiClient
from ui.components.legal_history import history_html, history_steps, vn_dates

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "test-cache" / "embeddings.sqlite"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("ui-history") / "data", embedding_cache_path=CACHE,
                        demo=True, rate_limit_per_minute=100_000, login_rate_limit_per_minute=100_000)
    rt = Runtime(settings)
    rt.indexer().index([old_decision(), new_decision(access=RESTRICTED), amending_decision()])
    with TestClient(create_app(runtime=rt)) as client:
        yield client
    rt.close()


def ui_client(api: TestClient, user: str) -> ApiClient:
    """The UI's client, signed in as ``user``, talking to the in-process API."""

    def forward(request: httpx.Request) -> httpx.Response:
        reply = api.request(request.method, request.url.raw_path.decode(), headers=dict(request.headers),
                            content=request.content)
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)

    client = ApiClient("http://api.test", transport=httpx.MockTransport(forward))
    client.login(user, "demo123")
    return client


def test_the_history_of_a_replaced_decision_names_its_replacement_to_who_may_read_it(api: TestClient) -> None:
    insider = ui_client(api, "stc.vuthihoa").document_relations("qd-45-2023")
    assert history_steps(insider) == ["có hiệu lực 01/06/2023", "thay thế bởi 12/2025/QĐ-UBND (01/03/2025)"]
    assert history_html(insider) == (
        '<div class="tla-source-meta" data-testid="tla-source-history"><b>Lịch sử:</b> có hiệu lực 01/06/2023 → '
        "thay thế bởi 12/2025/QĐ-UBND (01/03/2025)</div>")
    amended = ui_client(api, "stc.vuthihoa").document_relations("qd-12-2025")
    assert history_steps(amended) == ["có hiệu lực 01/03/2025",
                                      "bãi bỏ Điều 5 bởi 20/2025/QĐ-UBND (01/06/2025)",
                                      "sửa đổi, bổ sung khoản 2 Điều 3 bởi 20/2025/QĐ-UBND (01/06/2025)",
                                      "sửa đổi, bổ sung một số điều bởi 20/2025/QĐ-UBND (01/06/2025)"]
    outsider = ui_client(api, "syt.lethicuc").document_relations("qd-45-2023")
    assert outsider["validity"] == "het_hieu_luc"  # the status is a fact about the public text …
    assert history_steps(outsider) == [] and history_html(outsider) == ""  # … who replaced it is not told
    assert vn_dates("sửa đổi bởi 45/2019/QH14 (2021-01-01)") == "sửa đổi bởi 45/2019/QH14 (01/01/2021)"


def _panel_script() -> None:
    import streamlit as st

    from ui.components.citations import render_source_panel

    render_source_panel(st.session_state["citation"], st.session_state["client"], key="k")


@pytest.mark.parametrize(("user", "shown"), [
    ("stc.vuthihoa", "Lịch sử:</b> có hiệu lực 01/06/2023 → thay thế bởi 12/2025/QĐ-UBND (01/03/2025)"),
    ("syt.lethicuc", None),
])
def test_the_source_panel_shows_the_history(api: TestClient, user: str, shown: str | None,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # Streamlit's script runner leaves its script as sys.modules["__main__"]; put ours back afterwards, or a
    # later test's spawned child (the file extractor) would re-run that script and die.
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    at = AppTest.from_function(_panel_script, default_timeout=60)
    at.session_state["client"] = ui_client(api, user)
    at.session_state["citation"] = {"marker": 1, "doc_id": "qd-45-2023", "citation": "Điều 2",
                                    "title": "Quyết định 45/2023/QĐ-UBND", "quote": "10 ngày làm việc"}
    at.run()
    assert not at.exception, at.exception
    panel = "\n".join(m.value for m in at.markdown)
    assert "tla-source-panel" in panel and "Số hiệu:" in panel
    if shown:
        assert shown in panel
    else:
        assert "Lịch sử" not in panel and "12/2025" not in panel
