"""The UI's sign-in through the province's OpenID provider, API side, against a real glewlwyd: the UI's address
must be on the allow-list, the callback sends the browser back to it with a one-time code, and the UI's server
swaps that code (with the browser's secret) for the token once. What must be refused: a replayed code, an
expired one, one brought by another browser, a callback of another state, a return address not on the list.
(The real-browser half is tests/ui/test_ui_oidc_browser.py.)"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from assistant.api.app import create_app
from assistant.service.db import OidcHandoffRow, utcnow
from assistant.service.oidc_handoff import HANDOFF_TTL
from assistant.service.runtime import Runtime
from core.settings import Settings
from tests.glewlwyd_server import CLIENT_ID, Glewlwyd, glewlwyd_with

REPO = Path(__file__).resolve().parents[4]
UI = "http://127.0.0.1:8501/"
OTHER_UI = "https://tro-ly.tinh.gov.vn/"
MAPPING_YAML = """\
name_attribute: name
unit:
  attributes: [department]
roles:
  default: [chuyen_vien]
  groups: {"lanh-dao": lanh_dao}
"""
OFFICIALS = {"an.nv": ("Nguyễn Văn An", "mat-khau-an-01", "Sở Tài chính", []),
             "binh.tt": ("Trần Thị Bình", "mat-khau-binh-02", "Sở Y tế", ["lanh-dao"])}


@pytest.fixture(scope="module")
def idp() -> Iterator[Glewlwyd]:
    with glewlwyd_with(OFFICIALS) as server:
        yield server


@pytest.fixture(scope="module")
def app(idp: Glewlwyd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("oidc-ui")
    shutil.copy(REPO / "data" / "users.yaml", folder / "users.yaml")
    (folder / "mapping.yaml").write_text(MAPPING_YAML, encoding="utf-8")
    settings = Settings(
        data_dir=folder / "data", users_file=folder / "users.yaml", demo=True,
        embedding_cache_path=REPO / "build" / "test-cache" / "embeddings.sqlite",
        rate_limit_per_minute=100_000, login_rate_limit_per_minute=100_000,
        directory_mapping_file=folder / "mapping.yaml", oidc_issuer=idp.issuer, oidc_client_id=CLIENT_ID,
        oidc_redirect_uri=idp.redirect_uri, oidc_timeout_s=3, oidc_ui_return_urls=f"{UI}, {OTHER_UI}")
    runtime = Runtime(settings)
    with TestClient(create_app(settings, runtime)) as c:
        c.runtime = runtime  # type: ignore[attr-defined]
        yield c
    runtime.close()


def browser_of(app: TestClient) -> TestClient:
    """A browser of its own (its own cookies) on the same API."""
    return TestClient(app.app)


def start(browser: TestClient, return_to: str = UI) -> str:
    r = browser.get("/v1/oidc/login", params={"return_to": return_to}, follow_redirects=False)
    assert r.status_code == 302, r.text
    return r.headers["location"]


def back_at_ui(browser: TestClient, idp: Glewlwyd, username: str, return_to: str = UI) -> dict[str, str]:
    """The whole trip: our login, the official at glewlwyd, our callback's 302 to the UI; the UI's query."""
    back = idp.redirect_back(start(browser, return_to), username, OFFICIALS[username][1])
    r = browser.get(f"/v1/oidc/callback?{urlparse(back).query}", follow_redirects=False)
    assert r.status_code == 302, r.text
    assert r.headers["location"].startswith(return_to + "?")
    assert r.headers["referrer-policy"] == "no-referrer"
    return {k: v[0] for k, v in parse_qs(urlparse(r.headers["location"]).query).items()}


def exchange(app: TestClient, code: str, browser_secret: str) -> object:
    return app.post("/v1/oidc/exchange", json={"code": code, "browser": browser_secret})


def test_the_button_is_shown_only_when_the_provider_is_configured(app: TestClient) -> None:
    assert app.get("/v1/oidc/status").json() == {"enabled": True}


def test_a_one_time_code_signs_the_ui_in_once_and_is_kept_only_hashed(app: TestClient, idp: Glewlwyd) -> None:
    browser = browser_of(app)
    query = back_at_ui(browser, idp, "binh.tt")
    code, secret = query["oidc_code"], browser.cookies.get("tla_oidc_browser")
    assert secret and set(query) == {"oidc_code"}
    with app.runtime.sessions() as s:  # type: ignore[attr-defined]
        row = s.get(OidcHandoffRow, hashlib.sha256(code.encode()).hexdigest())
        assert row is not None and row.used_at is None
        assert code not in (row.code_hash, row.browser_hash, row.person_id) and secret != row.browser_hash
        assert row.expires_at - row.created_at == HANDOFF_TTL <= timedelta(minutes=2)

    r = exchange(app, code, secret)  # the UI's server, not the browser, swaps it
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["user"]["unit"], body["user"]["roles"]) == ("Sở Y tế", ["chuyen_vien", "lanh_dao"])
    me = app.get("/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert (me["id"], me["name"], me["unit"]) == (row.person_id, "Trần Thị Bình", "Sở Y tế")

    replay = exchange(app, code, secret)
    assert replay.status_code == 400 and "đã được dùng" in replay.json()["detail"]


def test_an_expired_code_is_refused(app: TestClient, idp: Glewlwyd) -> None:
    browser = browser_of(app)
    code = back_at_ui(browser, idp, "an.nv")["oidc_code"]
    with app.runtime.sessions.begin() as s:  # type: ignore[attr-defined]
        s.execute(update(OidcHandoffRow).where(OidcHandoffRow.code_hash == hashlib.sha256(code.encode()).hexdigest())
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    r = exchange(app, code, browser.cookies.get("tla_oidc_browser"))
    assert r.status_code == 400 and "hết hạn" in r.json()["detail"]


def test_a_code_brought_by_another_browser_is_refused_and_burnt(app: TestClient, idp: Glewlwyd) -> None:
    """Login CSRF: an attacker finishes a sign-in as themselves and slips the code into a victim's UI. The
    victim's browser holds another secret (or none), so the code is refused, and spent for good."""
    attacker, victim = browser_of(app), browser_of(app)
    code = back_at_ui(attacker, idp, "an.nv")["oidc_code"]
    start(victim)  # the victim began a sign-in of their own: a secret, but another one
    for secret in (victim.cookies.get("tla_oidc_browser"), ""):
        r = exchange(app, code, secret)
        assert r.status_code == 400 and "không thuộc trình duyệt này" in r.json()["detail"]
    assert exchange(app, code, attacker.cookies.get("tla_oidc_browser")).status_code == 400  # burnt
    assert exchange(app, "ma-tu-bia-ra", attacker.cookies.get("tla_oidc_browser")).status_code == 400


def test_a_callback_of_another_state_or_without_a_flow_goes_back_with_a_reason_and_no_code(
        app: TestClient, idp: Glewlwyd) -> None:
    browser = browser_of(app)
    back = idp.redirect_back(start(browser), "an.nv", OFFICIALS["an.nv"][1])
    query = parse_qs(urlparse(back).query)
    forged = browser.get("/v1/oidc/callback", params={"code": query["code"][0], "state": "gia-mao"},
                         follow_redirects=False)
    assert forged.status_code == 302 and forged.headers["location"] == f"{UI}?oidc_error=oidc_state_mismatch"
    stranger = browser_of(app)  # a browser that never started a sign-in
    r = stranger.get("/v1/oidc/callback", params={"code": query["code"][0], "state": query["state"][0]},
                     follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == f"{UI}?oidc_error=oidc_bad_callback"
    refused = browser.get("/v1/oidc/callback", params={"error": "access_denied", "state": query["state"][0]},
                          follow_redirects=False)
    assert refused.headers["location"] == f"{UI}?oidc_error=provider_refused"
    with app.runtime.sessions() as s:  # type: ignore[attr-defined]
        live = s.scalars(select(OidcHandoffRow).where(OidcHandoffRow.used_at.is_(None),
                                                      OidcHandoffRow.expires_at > utcnow())).all()
    assert live == []  # none of the three left a code behind


@pytest.mark.parametrize("return_to", [
    "https://gia-mao.example/", "http://127.0.0.1:8501/khac", "http://127.0.0.1:8502/", "//gia-mao.example/",
    "http://127.0.0.1:8501", "http://127.0.0.1:8501/?x=1", "HTTP://127.0.0.1:8501/", "javascript:alert(1)"])
def test_a_return_address_not_on_the_allow_list_is_refused(app: TestClient, return_to: str) -> None:
    browser = browser_of(app)
    r = browser.get("/v1/oidc/login", params={"return_to": return_to}, follow_redirects=False)
    assert r.status_code == 400 and "không nằm trong danh sách được phép" in r.json()["detail"]
    assert "tla_oidc_browser" not in r.headers.get("set-cookie", "")


def test_the_second_allowed_address_is_returned_to(app: TestClient, idp: Glewlwyd) -> None:
    browser = browser_of(app)
    assert "oidc_code" in back_at_ui(browser, idp, "an.nv", OTHER_UI)
