"""Sign-in through the province's OpenID provider in a real browser (issue 30): headless Debian Chromium clicks
«Đăng nhập qua cổng định danh của tỉnh» on the Streamlit page, goes through glewlwyd's own login and grant pages
(the webapp of Debian's glewlwyd-common, served by the glewlwyd of tests/glewlwyd_server.py), and lands back in
the UI signed in with the unit the mapping file gives the provider's ``department``. Then, in the browser too:
the one-time code in the address replayed in the same browser, and opened in another browser, signs nobody in.

Servers: glewlwyd, the API (uvicorn, OIDC configured, an empty data folder: nothing is asked here) and the UI
(Streamlit), each a subprocess on a free port of 127.0.0.1, as the other browser tests start theirs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from ui_servers import REPO, base_env, free_port, stop, wait_http

from tests.glewlwyd_server import CLIENT_ID, Glewlwyd, glewlwyd_binary, running_glewlwyd
from tests.ui.test_ui_browser import CHROMIUM, LAUNCH_ARGS, SCREENSHOTS, TIMEOUT_MS, settle

BUTTON = "Đăng nhập qua cổng định danh của tỉnh"
MAPPING_YAML = """\
name_attribute: name
unit:
  attributes: [department]
  units: {"CA tinh": "Công an tỉnh"}
roles:
  default: [chuyen_vien]
  groups: {"lanh-dao": lanh_dao}
"""
OFFICIAL = ("hung.dq", "Đỗ Quang Hùng", "mat-khau-hung-07", "CA tinh", ["lanh-dao"])

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed at /usr/bin/chromium "
                                                      "(apt-get install -y chromium)"),
]


@dataclass
class Servers:
    idp: Glewlwyd
    api: str
    ui: str


def _serve(command: list[str], env: dict[str, str], log: Path, health: str, timeout: float) -> subprocess.Popen:
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_http(health, proc, log, timeout=timeout)
    except BaseException:
        stop(proc)
        raise
    return proc


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if glewlwyd_binary() is None:
        pytest.skip("Debian's glewlwyd is not installed (apt-get install glewlwyd; `make directory-server`)")
    work = tmp_path_factory.mktemp("ui-oidc")
    api_port, ui_port = free_port(), free_port()
    api, ui = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{ui_port}"
    with running_glewlwyd(f"{api}/v1/oidc/callback") as idp:
        if not idp.has_webapp:
            pytest.skip("glewlwyd's login pages are not installed (apt-get install glewlwyd-common)")
        uid, name, password, department, groups = OFFICIAL
        idp.add_user(uid, name, password, department, groups)
        (work / "mapping.yaml").write_text(MAPPING_YAML, encoding="utf-8")
        env = base_env(work / "data")
        env.update({"ASSISTANT_OIDC_ISSUER": idp.issuer, "ASSISTANT_OIDC_CLIENT_ID": CLIENT_ID,
                    "ASSISTANT_OIDC_REDIRECT_URI": f"{api}/v1/oidc/callback",
                    "ASSISTANT_OIDC_UI_RETURN_URLS": f"{ui}/",
                    "ASSISTANT_DIRECTORY_MAPPING_FILE": str(work / "mapping.yaml")})
        api_proc = _serve([sys.executable, "-m", "uvicorn", "--factory", "assistant.api.app:create_app",
                           "--host", "127.0.0.1", "--port", str(api_port), "--no-access-log"],
                          env, work / "api.log", f"{api}/v1/healthz", 300)
        try:
            ui_env = base_env(work / "unused-data")
            ui_env.update({"ASSISTANT_API_URL": api, "ASSISTANT_UI_PUBLIC_API_URL": api,
                           "ASSISTANT_UI_PUBLIC_URL": f"{ui}/"})
            ui_proc = _serve([sys.executable, "-m", "streamlit", "run", str(REPO / "ui" / "app.py"),
                              "--server.port", str(ui_port), "--server.address", "127.0.0.1",
                              "--server.headless", "true", "--browser.gatherUsageStats", "false",
                              "--server.fileWatcherType", "none", "--client.showErrorDetails", "none",
                              "--client.toolbarMode", "minimal"],
                             ui_env, work / "streamlit.log", f"{ui}/_stcore/health", 120)
            try:
                yield Servers(idp=idp, api=api, ui=ui)
            finally:
                stop(ui_proc)
        finally:
            stop(api_proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def new_page(browser):  # noqa: ANN001, ANN201 - playwright objects
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


def test_an_official_signs_in_through_the_providers_own_pages_and_the_code_works_only_once_in_that_browser(
        servers: Servers, browser) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    uid, name, password, _, _ = OFFICIAL
    context, page = new_page(browser)
    back_with_code: list[str] = []
    page.on("framenavigated", lambda frame: back_with_code.append(frame.url)
            if frame == page.main_frame and "oidc_code=" in frame.url else None)
    other_context = None
    try:
        page.goto(servers.ui)
        link = page.get_by_role("link", name=BUTTON)
        expect(link).to_be_visible()
        link.click()

        # glewlwyd's own login page (its webapp), then its grant dialog for this service
        page.wait_for_url(f"http://127.0.0.1:{servers.idp.port}/login.html*")
        expect(page).to_have_title("Glewlwyd login")
        page.locator("#username").fill(uid)
        page.locator("#password").fill(password)
        page.locator("#loginbut").click()
        expect(page.get_by_text(f"Hello {name}")).to_be_visible()
        expect(page.get_by_text("Client access grant")).to_be_visible()  # first sign-in: the consent dialog
        page.get_by_role("button", name="Grant access").click()
        page.get_by_role("button", name="Continue").click()

        card = page.locator(".tla-user")
        expect(card).to_contain_text(name, timeout=TIMEOUT_MS)
        expect(card).to_contain_text("Đơn vị: Công an tỉnh")  # "CA tinh" at the provider, through the mapping
        expect(card).to_contain_text("Lãnh đạo")  # the provider's group lanh-dao
        assert page.url.rstrip("/") == servers.ui and "oidc_code" not in page.url  # taken out of the address
        settle(page)
        page.screenshot(path=str(SCREENSHOTS / "ui-oidc-signed-in.png"), full_page=True)
        assert len(back_with_code) == 1, back_with_code
        code_url = back_with_code[0]

        # The same address again in this browser (history, reload): the code was used
        again = context.new_page()
        again.goto(code_url)
        expect(again.get_by_text("Đăng nhập qua cổng định danh không thành công")).to_be_visible()
        expect(again.get_by_text("đã được dùng")).to_be_visible()
        expect(again.locator(".tla-user")).to_have_count(0)

        # Another browser (no secret of this sign-in) given the address: refused, signed in as nobody
        other_context, other = new_page(browser)
        other.goto(code_url)
        expect(other.get_by_text("Đăng nhập qua cổng định danh không thành công")).to_be_visible()
        expect(other.locator(".tla-user")).to_have_count(0)
        expect(other.get_by_role("button", name="Đăng nhập")).to_be_visible()
    finally:
        context.close()
        if other_context is not None:
            other_context.close()


def test_a_refusal_at_the_provider_comes_back_as_a_vietnamese_message(servers: Servers, browser) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    context, page = new_page(browser)
    try:
        page.goto(f"{servers.ui}/?oidc_error=provider_refused")
        expect(page.get_by_text("Cổng định danh của tỉnh không xác nhận đăng nhập")).to_be_visible()
        expect(page.get_by_role("link", name=BUTTON)).to_be_visible()
        assert "oidc_error" not in page.url
    finally:
        context.close()
