"""What every command shares: settings, one way to report errors and exit, JSON output, and the choice
between opening the index here and asking the service that owns it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from assistant.service.client import ServiceClient
from assistant.service.index_owner import find_owner
from assistant.service.runtime import Runtime
from core.errors import AssistantError
from core.settings import Settings

EXIT_USAGE = 2  # bad arguments, or an error the command reports in one line
EXIT_REJECTED = 3  # index: something was rejected; the rest was indexed


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.echo(f"lỗi: {message}", err=True)
    raise typer.Exit(code)


def print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@contextmanager
def reported() -> Iterator[None]:
    """Any ``AssistantError`` inside becomes one ``lỗi: …`` line on stderr and exit code 2."""
    try:
        yield
    except AssistantError as exc:
        fail(str(exc))


def service_client(settings: Settings) -> ServiceClient | None:
    """A client of the service that owns ``settings.data_dir``, or None when no service runs there."""
    with reported():
        endpoint = find_owner(settings)
    return ServiceClient(endpoint) if endpoint is not None else None


@contextmanager
def local_runtime(settings: Settings) -> Iterator[Runtime]:
    """The index opened by this process (no service owns it); closed on the way out, errors reported."""
    runtime = Runtime(settings)
    try:
        with reported():
            yield runtime
    finally:
        runtime.close()


def refuse_while_served(settings: Settings, what: str) -> None:
    """Commands that need the embedded index to themselves (snapshots) stop when a service owns it."""
    with reported():
        endpoint = find_owner(settings)
    if endpoint is not None:
        fail(f"{what} cần chỉ mục không bị giữ: dịch vụ (pid {endpoint.pid}, {endpoint.url}) đang giữ "
             f"{settings.data_dir}; dừng dịch vụ trước")
