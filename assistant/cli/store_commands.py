"""``assistant audit``, ``assistant snapshot`` and ``assistant collection``: operating the index and records."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import fail, print_json, refuse_while_served, reported
from assistant.cli.people_commands import sessions
from core.settings import Settings

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True, add_completion=False)
snapshot_app = typer.Typer(help="Back up and restore the index (edge, local mode or Qdrant server) and its "
                           "manifest as one .tar.gz.", no_args_is_help=True, add_completion=False)
collection_app = typer.Typer(help="Qdrant collections and the alias the API reads through (blue/green "
                             "re-index).", no_args_is_help=True, add_completion=False)


@audit_app.command("export")
def audit_export(
    since: Annotated[str, typer.Option("--since", help="ISO date or date-time (UTC), e.g. 2026-01-01")],
    out: Annotated[Path | None, typer.Option("--out", help="CSV file (default: stdout)")] = None,
) -> None:
    """Write audit rows at or after SINCE as CSV (personal data masked)."""
    from datetime import UTC, datetime

    from assistant.api.audit import export_csv

    try:
        start = datetime.fromisoformat(since)
    except ValueError:
        fail(f"--since {since!r} không phải ngày ISO (YYYY-MM-DD)")
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    records = sessions(Settings())
    if out is None:
        n = export_csv(records, start, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as fh:
            n = export_csv(records, start, fh)
    typer.echo(f"{n} dòng nhật ký", err=True)


def _embedded(settings: Settings) -> bool:
    return settings.vector_store == "edge" or not settings.qdrant_url


@snapshot_app.command("create")
def snapshot_create(
    out: Annotated[Path | None, typer.Option("--out", help="Archive path (default: "
                                             "DATA_DIR/snapshots/<collection>-<time>.tar.gz)")] = None,
    keep_on_server: Annotated[bool, typer.Option("--keep-on-server", help="Qdrant server: keep its copy")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Snapshot the index. Embedded engines: stop the API first (the engine allows one process)."""
    from dataclasses import asdict

    from indexing.stores.snapshots import create_snapshot

    settings = Settings()
    if _embedded(settings):
        refuse_while_served(settings, "snapshot create")
    with reported():
        info = create_snapshot(settings, out, keep_on_server=keep_on_server)
    if as_json:
        print_json(asdict(info))
    else:
        typer.echo(f"đã lưu {info.points} điểm ({info.engine}, {info.collection}) vào {info.path}")


@snapshot_app.command("restore")
def snapshot_restore(
    archive: Annotated[Path, typer.Argument(help="A .tar.gz written by 'snapshot create'")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing index (kept beside it)")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Restore the index and manifest from an archive, then check the point count."""
    from indexing.stores.snapshots import restore_snapshot

    settings = Settings()
    refuse_while_served(settings, "snapshot restore")
    with reported():
        result = restore_snapshot(settings, archive, force=force)
    if as_json:
        print_json(result)
    else:
        typer.echo(f"đã khôi phục {result['points']} điểm ({result['engine']}, {result['collection']})")
        for key in ("previous_index", "previous_manifest"):
            if result.get(key):
                typer.echo(f"bản cũ giữ tại {result[key]}", err=True)


@collection_app.command("list")
def collection_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Collections and aliases of the configured Qdrant (server or local mode)."""
    from indexing.stores.snapshots import list_collections, open_client

    with reported():
        client = open_client(Settings())
    try:
        data = list_collections(client)
    finally:
        client.close()
    if as_json:
        print_json(data)
        return
    for name in data["collections"]:
        typer.echo(name)
    for alias, target in data["aliases"].items():
        typer.echo(f"{alias} -> {target}")


@collection_app.command("alias")
def collection_alias(
    target: Annotated[str, typer.Argument(help="Collection the alias should name, e.g. tro_ly_ao_v2")],
    alias: Annotated[str | None, typer.Option("--alias", help="Alias (default: $ASSISTANT_COLLECTION)")] = None,
) -> None:
    """Point the alias at TARGET in one atomic step: running APIs read the new collection at once."""
    from indexing.stores.snapshots import open_client, point_alias

    settings = Settings()
    name = alias or settings.collection
    with reported():
        client = open_client(settings)
        try:
            previous = point_alias(client, name, target)
        finally:
            client.close()
    typer.echo(f"{name} -> {target}" + (f" (trước: {previous})" if previous else ""))
