"""End to end in a real browser: API + Streamlit UI as subprocesses, headless Debian Chromium via Playwright.

An official of Sở Y tế asks for a restricted figure, gets the streamed answer, opens the citation (the
span is highlighted) and a screenshot is saved under build/screenshots/. An official of Công an tỉnh asks
the same question and the restricted figure never appears on the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from ui_servers import REPO, streamlit_server

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "build" / "screenshots"
DENGUE = "Có bao nhiêu ca sốt xuất huyết trong quý III năm 2026?"
RESTRICTED = "412 ca sốt xuất huyết"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
TIMEOUT_MS = 90_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed at /usr/bin/chromium "
                                                      "(apt-get install -y chromium)"),
]


@pytest.fixture(scope="module")
def ui_url(api_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with streamlit_server(api_url, tmp_path_factory.mktemp("ui-server")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def sign_in(page, username: str) -> None:  # noqa: ANN001 - playwright Page
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("demo123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator(".tla-user").wait_for(timeout=TIMEOUT_MS)


# Streamlit has finished the page's run: its script state (the attribute Streamlit's own tests read) is not
# "running" and no element of the previous run is left stale. Its status widget is not drawn in this app's
# toolbar mode, so waiting for that widget to hide waited for nothing: a test read (or dragged onto) an element
# that the end of the run then replaced.
SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute('data-test-script-state') !== 'running'
    && !document.querySelector("[data-stale='true']");
}"""


def settle(page) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished the current run, and still has half a second later (a click's rerun
    starts a moment after the click)."""
    for _ in range(20):
        page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
        page.wait_for_timeout(500)
        if page.evaluate(SETTLED):
            break
    page.mouse.move(0, 0)  # no tooltip in the screenshot
    page.wait_for_timeout(300)


def ask(page, question: str) -> None:  # noqa: ANN001
    box = page.get_by_placeholder(re.compile("Nhập câu hỏi"))
    box.fill(question)
    box.press("Enter")
    # the streamed answer is replaced by the checked one (with its citation list or the refusal box)
    page.locator("[data-testid='stChatMessage'] .tla-answer, .tla-refusal").last.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Hữu ích").last.wait_for(timeout=TIMEOUT_MS)  # feedback: the answer is final


def test_official_asks_opens_citation_and_other_unit_sees_nothing_restricted(ui_url: str, browser) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(ui_url)
        expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible(timeout=TIMEOUT_MS)

        sign_in(page, "syt.lethicuc")
        card = page.locator(".tla-user")
        expect(card).to_contain_text("Lê Thị Cúc")
        expect(card).to_contain_text("Sở Y tế")

        ask(page, DENGUE)
        answer = page.locator(".tla-answer").last
        expect(answer).to_contain_text("412")
        expect(answer.locator(".tla-cite").first).to_have_text("[1]")

        page.get_by_role("button", name=re.compile(r"\[1\]")).first.click()
        panel = page.locator(".tla-source").first
        expect(panel).to_be_visible()
        expect(panel).to_contain_text("Tình hình dịch bệnh truyền nhiễm quý III năm 2026")
        expect(panel).to_contain_text("Cơ quan ban hành: Sở Y tế")
        expect(panel.locator(".tla-badge")).to_have_text("chưa xác minh hiệu lực")
        expect(panel.locator("mark").first).to_contain_text("412")
        settle(page)
        page.screenshot(path=str(SCREENSHOTS / "ui-answer-citation-syt.png"), full_page=True)
        assert "412" in page.locator("body").inner_text()

        page.get_by_role("button", name="Đăng xuất").click()
        expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
        assert RESTRICTED not in page.locator("body").inner_text()

        sign_in(page, "ca.hoangminhduc")
        expect(page.locator(".tla-user")).to_contain_text("Công an tỉnh")
        ask(page, DENGUE)
        markers = page.get_by_role("button", name=re.compile(r"^▸ \[\d+\]")).count()
        for marker in range(1, markers + 1):
            page.get_by_role("button", name=re.compile(rf"^▸ \[{marker}\]")).first.click()
            expect(page.locator(".tla-source-title").first).to_contain_text(f"[{marker}]")
        settle(page)
        page.screenshot(path=str(SCREENSHOTS / "ui-other-unit-ca.png"), full_page=True)
        body = page.locator("body").inner_text()
        assert RESTRICTED not in body
        assert RESTRICTED not in page.content()
        assert "Lê Thị Cúc" not in body
    finally:
        context.close()


def test_my_units_tasks_page_marks_deadlines_filters_and_exports(ui_url: str, browser) -> None:  # noqa: ANN001
    from playwright.sync_api import expect
    from ui_plans import GROUP, LATER, OVERDUE, POLICE, SOON

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(ui_url)
        sign_in(page, "syt.lethicuc")
        page.get_by_text("Nhiệm vụ của đơn vị", exact=True).click()
        table = page.locator("[data-testid='tla-tasks']")
        expect(table).to_contain_text(OVERDUE)
        rows = table.locator("tbody tr")
        texts = rows.all_inner_texts()
        order = [next(i for i, t in enumerate(texts) if name in t) for name in (OVERDUE, SOON, GROUP, LATER)]
        assert order == sorted(order), texts  # by deadline
        expect(table.locator("tr.tla-task-overdue")).to_contain_text(OVERDUE)
        expect(table.locator("tr.tla-task-overdue")).to_contain_text("Quá hạn")
        expect(table.locator("tr.tla-task-soon").first).to_contain_text(SOON)
        expect(rows.filter(has_text=GROUP)).to_contain_text("qua «Các sở, ban, ngành»")
        assert POLICE not in table.inner_text()
        settle(page)
        page.screenshot(path=str(SCREENSHOTS / "ui-tasks-syt.png"), full_page=True)

        with page.expect_download() as download:
            page.get_by_role("button", name="Tải về .csv").click()
        exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert OVERDUE in exported and "Quá hạn" in exported and POLICE not in exported

        page.get_by_label("Thời hạn").click()
        page.get_by_role("option", name="Quá hạn").click()
        expect(table.locator("tbody tr")).to_have_count(1)
        expect(table).to_contain_text(OVERDUE)

        page.get_by_role("button", name="Đăng xuất").click()
        sign_in(page, "ca.hoangminhduc")
        page.get_by_text("Nhiệm vụ của đơn vị", exact=True).click()
        expect(page.locator("[data-testid='tla-tasks']")).to_contain_text(POLICE)
        assert OVERDUE not in page.locator("[data-testid='tla-tasks']").inner_text()
    finally:
        context.close()


# The words a person sees in an element: text in a non-zero font, ::after content (how ui/components/upload_words
# draws Vietnamese over Streamlit's English), no icon ligatures, nothing hidden or visually hidden.
SEEN_WORDS = """(root) => {
  const out = [];
  const walk = (el) => {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') return;
    if (el.dataset && el.dataset.testid === 'stIconMaterial') return;
    const box = el.getBoundingClientRect();
    if (cs.display !== 'contents' && box.width <= 1 && box.height <= 1) return;
    for (const n of el.childNodes) {
      if (n.nodeType === 3) { if (parseFloat(cs.fontSize) > 0 && n.textContent.trim()) out.push(n.textContent.trim()); }
      else if (n.nodeType === 1) walk(n);
    }
    const after = getComputedStyle(el, '::after').content;
    if (after && after !== 'none' && after !== 'normal') out.push(JSON.parse(after));
  };
  walk(root);
  return out;
}"""


def test_incoming_page_shows_the_card_of_a_dropped_letter(ui_url: str, browser, tmp_path: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    from tests.assistant.correspondence.incoming.letter import LETTER

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    letter = tmp_path / "cong-van-77.txt"
    letter.write_text(LETTER, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(ui_url)
        sign_in(page, "syt.lethicuc")
        page.get_by_text("Văn bản đến", exact=True).click()
        page.locator("input[type='file']").set_input_files(str(letter))
        page.get_by_role("button", name="Lập phiếu xử lý").click()
        requests = page.locator("[data-testid='tla-incoming-requests']")
        expect(requests).to_contain_text("Chủ trì: Sở Y tế")
        expect(requests).to_contain_text("20/01/2026")
        expect(page.locator("[data-testid='tla-incoming-header']")).to_contain_text("77/UBND-KT")
        expect(page.locator("[data-testid='tla-incoming-units']")).to_contain_text("Sở Tài chính")
        settle(page)
        page.screenshot(path=str(SCREENSHOTS / "ui-incoming-syt.png"), full_page=True)
    finally:
        context.close()
