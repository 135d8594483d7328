"""The API docs (``/docs``) served from an installed package, not a CDN: an air-gapped province server has no
internet, and FastAPI's default page loads Swagger UI from jsDelivr (a blank page offline).

The assets come from the ``swagger-ui-bundle`` wheel (PyPI), mounted under ``/docs/assets``. Its Swagger UI
(4.15, the newest that wheel carries) reads OpenAPI 3.0 only and shows "Unable to render this definition" for
FastAPI's 3.1 description, so the page is given the same description labelled 3.0.3 (``/docs/openapi.json``);
``/openapi.json`` itself stays 3.1 for clients and generators. A real browser test reads the rendered page.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"
DOCS_SCHEMA = "/docs/openapi.json"
SWAGGER_UI_READS = "3.0.3"  # the OpenAPI version the bundled Swagger UI renders


def install_offline_docs(app: FastAPI, title: str) -> None:
    """``/docs`` (Swagger UI) and its assets, both local; the page reads the API's description labelled for it."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    async def swagger_ui(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=DOCS_SCHEMA, title=f"{title} — tài liệu API",
                                   swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS}/favicon-32x32.png")

    async def docs_schema(request: Request) -> JSONResponse:
        return JSONResponse({**app.openapi(), "openapi": SWAGGER_UI_READS})

    # Plain routes, like FastAPI's own docs route: the API description is open on purpose.
    app.add_route("/docs", swagger_ui, include_in_schema=False)
    app.add_route(DOCS_SCHEMA, docs_schema, include_in_schema=False)
