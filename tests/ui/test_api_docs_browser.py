"""``/docs`` in a real browser with nothing outside the API reachable (an air-gapped server, issue 31): Swagger
UI loads from the service and renders the operations, not "Unable to render this definition"."""

from __future__ import annotations

from tests.ui.test_ui_browser import TIMEOUT_MS, browser  # noqa: F401


def test_the_api_docs_render_offline(api_url: str, browser) -> None:  # noqa: ANN001, F811
    page = browser.new_page()
    outside: list[str] = []

    def only_the_api(route) -> None:  # noqa: ANN001 - playwright Route
        if route.request.url.startswith(api_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_api)
    try:
        page.goto(f"{api_url}/docs")
        page.locator(".opblock").first.wait_for(timeout=TIMEOUT_MS)
        assert page.locator(".opblock").count() >= 20
        body = page.locator("body").inner_text()
        assert "Unable to render" not in body and "/v1/ask" in body
        assert outside == []
    finally:
        page.close()
