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


def test_the_docs_page_is_given_a_description_its_swagger_ui_renders(tmp_path) -> None:  # noqa: ANN001
    """The bundled Swagger UI (4.15) renders OpenAPI 3.0 only: its page reads the same description labelled
    3.0.3, while /openapi.json stays what FastAPI writes (3.1) for clients."""
    client = TestClient(create_app(Settings(data_dir=tmp_path / "data")))
    served = client.get("/openapi.json").json()
    for_page = client.get("/docs/openapi.json").json()
    assert served["openapi"].startswith("3.1") and for_page["openapi"] == "3.0.3"
    assert {k: v for k, v in for_page.items() if k != "openapi"} == {k: v for k, v in served.items() if k != "openapi"}
    assert "/docs/openapi.json" in client.get("/docs").text
