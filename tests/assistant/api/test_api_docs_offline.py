"""The API docs work on an air-gapped server: /docs and everything it loads come from this service, not a CDN."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from assistant.api.app import create_app
from core.settings import Settings


def test_docs_page_loads_only_local_assets(tmp_path) -> None:  # noqa: ANN001
    # No lifespan (no index is opened): the docs need none of the Runtime's parts.
    client = TestClient(create_app(Settings(data_dir=tmp_path / "data")))
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger" in page.text.lower()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text) + re.findall(r"url: ?'([^']+)'", page.text)
    assert urls, "the page names no asset"
    assert not [u for u in urls if re.match(r"(https?:)?//", u)], f"remote assets: {urls}"
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) > 100 or url.endswith(".json"), url
    assert "SwaggerUIBundle" in client.get("/docs/assets/swagger-ui-bundle.js").text
