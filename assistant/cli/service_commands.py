"""``assistant serve`` (the API, owner of the data dir's index) and ``assistant ui`` (its web client)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import fail, reported
from core.settings import Settings


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Start the HTTP API (OpenAPI docs at /docs). It owns the data dir's index: while it runs, the other
    commands on the same data dir (ask, search, index) become its clients. With ASSISTANT_INDEX_READ_ONLY=true
    (a replica serving its own copy of the index) it claims nothing and refuses uploads."""
    import uvicorn

    from assistant.api.app import create_app
    from assistant.api.startup_checks import refuse_demo_accounts
    from assistant.service.credentials import jwt_secret
    from assistant.service.index_owner import find_owner

    settings = Settings()
    with reported():
        refuse_demo_accounts(settings)
        jwt_secret(settings)
        running = find_owner(settings)
    if running is not None:
        fail(f"{settings.data_dir} đã có dịch vụ giữ (pid {running.pid}, {running.url})")
    reachable = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://[{reachable}]:{port}" if ":" in reachable else f"http://{reachable}:{port}"
    # X-Forwarded-For is read by the app from ASSISTANT_TRUSTED_PROXIES only (uvicorn would trust 127.0.0.1).
    uvicorn.run(create_app(settings, owner_url=url), host=host, port=port, workers=1, proxy_headers=False)


def ui(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port of the web UI")] = 8501,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    api_url: Annotated[str | None, typer.Option("--api-url", help="The API's base URL (default: "
                                                "$ASSISTANT_API_URL or http://127.0.0.1:8000)")] = None,
) -> None:
    """Start the web UI (Streamlit). It talks to the API over HTTP only, like any other client."""
    import importlib.util
    import os
    import subprocess

    spec = importlib.util.find_spec("ui")
    if spec is None or not spec.submodule_search_locations:
        fail("không tìm thấy gói giao diện 'ui'")
    script = Path(next(iter(spec.submodule_search_locations))) / "app.py"
    env = dict(os.environ)
    env["ASSISTANT_API_URL"] = api_url or env.get("ASSISTANT_API_URL") or "http://127.0.0.1:8000"
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.port", str(port), "--server.address", host, "--browser.gatherUsageStats", "false",
               "--client.showErrorDetails", "none", "--client.toolbarMode", "minimal"]
    typer.echo(f"Giao diện: http://{host}:{port}  (API: {env['ASSISTANT_API_URL']})", err=True)
    try:
        code = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code)
