"""The API docs (``/docs``) served from an installed package, not a CDN: an air-gapped province server has no
internet, and FastAPI's default page loads Swagger UI from jsDelivr (a blank page offline).

The assets come from the ``swagger-ui-bundle`` wheel (PyPI), mounted under ``/docs/assets``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"


def install_offline_docs(app: FastAPI, title: str) -> None:
    """``/docs`` (Swagger UI) and its assets, both local; the page reads ``app.openapi_url``."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    async def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=str(app.openapi_url), title=f"{title} — tài liệu API",
                                   swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS}/favicon-32x32.png")

    # A plain route, like FastAPI's own docs route: the API description is open on purpose.
    app.add_route("/docs", swagger_ui, include_in_schema=False)
