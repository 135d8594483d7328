"""The ``assistant`` command line: index, search, ask, users, serve, ui, eval."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from core.errors import AssistantError
from core.settings import Settings
from evals.cli import eval_app

app = typer.Typer(help="Trợ lý ảo: chỉ mục, tìm kiếm và hỏi đáp có trích dẫn.", no_args_is_help=True,
                  add_completion=False)
app.add_typer(eval_app, name="eval")

EXIT_REJECTED = 3  # index: something was rejected; the rest was indexed


def _runtime():
    from assistant.runtime import Runtime

    return Runtime(Settings())


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"lỗi: {message}", err=True)
    raise typer.Exit(code)


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def index(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index")],
    kind: Annotated[str, typer.Option(help="auto|legal|tthc|warehouse|articles")] = "auto",
    prune: Annotated[bool, typer.Option("--prune", help="Remove indexed documents no longer under PATHs")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Index files, folders, TTHC exports, warehouse summaries or article JSONL (incremental)."""
    from connectors.auto import iter_sources

    if kind not in ("auto", "legal", "tthc", "warehouse", "articles"):
        _fail(f"--kind {kind!r} không hợp lệ; chọn auto|legal|tthc|warehouse|articles")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _fail(f"không tìm thấy: {', '.join(missing)}")
    runtime = _runtime()
    try:
        sources = iter_sources(list(paths), kind=kind, max_bytes=runtime.settings.max_file_bytes)
        report = runtime.indexer().index(sources, prune_roots=list(paths) if prune else None,
                                         progress=not as_json and sys.stderr.isatty())
    except AssistantError as exc:
        _fail(str(exc))
    finally:
        runtime.close()
    if as_json:
        _print_json(report.as_dict())
    else:
        typer.echo(
            f"thêm mới {report.added} · cập nhật {report.updated} · không đổi {report.unchanged} · "
            f"gỡ bỏ {report.removed} · từ chối {len(report.rejected)} · {report.chunks} đoạn · "
            f"{report.seconds:.1f} giây"
        )
        for rejection in report.rejected:
            typer.echo(f"từ chối: {rejection.path}: {rejection.reason}", err=True)
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Câu hỏi / từ khoá")],
    user: Annotated[str, typer.Option("--user", help="User id from the users file")],
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=100)] = 5,
    mode: Annotated[str, typer.Option(help="hybrid|dense|sparse")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search the index as USER: results are limited to what that user may see."""
    from assistant.retrieval import Retriever

    if mode not in ("hybrid", "dense", "sparse"):
        _fail(f"--mode {mode!r} không hợp lệ; chọn hybrid|dense|sparse")
    runtime = _runtime()
    try:
        principal = runtime.principal(user)
        retriever = Retriever(runtime.store, runtime.embedder, runtime.sparse,
                              prefetch_limit=runtime.settings.prefetch_limit, fusion=runtime.settings.fusion)
        hits = retriever.search(query, principal, top_k=top_k, mode=mode)  # type: ignore[arg-type]
    except AssistantError as exc:
        _fail(str(exc))
    finally:
        runtime.close()
    rows = [
        {"chunk_id": h.chunk_id, "doc_id": h.payload.get("doc_id"), "citation": h.payload.get("citation"),
         "score": round(h.score, 4), "text": h.payload.get("text"), "access": h.payload.get("access_level")}
        for h in hits
    ]
    if as_json:
        _print_json({"hits": rows})
        return
    if not rows:
        typer.echo("Không tìm thấy kết quả phù hợp.")
    for i, row in enumerate(rows, 1):
        snippet = " ".join(str(row["text"]).split())[:240]
        typer.echo(f"[{i}] {row['citation']}  (điểm {row['score']}, {row['access']})\n    {snippet}")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Câu hỏi")],
    user: Annotated[str, typer.Option("--user", help="User id from the users file")],
    conversation: Annotated[str | None, typer.Option("--conversation", help="Continue a conversation")] = None,
    in_force_only: Annotated[bool, typer.Option("--in-force-only")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Ask a question as USER; the answer cites the exact document, article and clause."""
    from assistant.retrieval import Filters

    runtime = _runtime()
    try:
        principal = runtime.principal(user)
        answerer = runtime.answerer()
        result = answerer.ask(question, principal, conversation, Filters(in_force_only=in_force_only))
    except AssistantError as exc:
        _fail(str(exc))
    finally:
        runtime.close()
    if as_json:
        data = result.as_dict()
        data["citations"] = [{"marker": c.marker, "doc_id": c.doc_id, "citation": c.citation, "quote": c.quote,
                              "title": c.title, "so_hieu": c.so_hieu, "validity": c.validity}
                             for c in result.citations]
        _print_json(data)
        return
    typer.echo(result.answer)
    if result.citations:
        typer.echo("\nNguồn:")
        for c in result.citations:
            typer.echo(f"[{c.marker}] {c.citation}\n    «{c.quote}»")
    elif result.refused and result.sources:
        typer.echo("\nNguồn gần nhất:")
        for s in result.sources[:5]:
            typer.echo(f"- {s.citation}")
    typer.echo(f"\n(hội thoại: {result.conversation_id})", err=True)


users_app = typer.Typer(help="Users of the users file; without a sub-command, list them.", add_completion=False)
app.add_typer(users_app, name="users")


@users_app.callback(invoke_without_command=True)
def users(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the users of the users file."""
    if ctx.invoked_subcommand is not None:
        return
    from core.access import load_users

    settings = Settings()
    try:
        records = load_users(settings.users_file)
    except AssistantError as exc:
        _fail(str(exc))
    rows = [r.public_dict() for r in records.values()]
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']:<16} {row['name']:<28} {row['unit']:<24} {', '.join(row['roles'])}")


@users_app.command("hash-password")
def hash_password() -> None:
    """Read a password (prompt, or one line on stdin) and print its argon2id hash for the users file."""
    from assistant.api.auth import hash_password as _hash

    if sys.stdin.isatty():
        password = typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        _fail("mật khẩu trống")
    typer.echo(_hash(password))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Start the HTTP API (OpenAPI docs at /docs). One process: the embedded store is opened once."""
    import uvicorn

    uvicorn.run("assistant.api.app:create_app", factory=True, host=host, port=port, workers=1)


def _sessions():  # noqa: ANN202 - sqlalchemy sessionmaker; no store, no model: usable while the API runs
    from assistant.db import make_engine, make_sessionmaker

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_sessionmaker(make_engine(settings.sql_url))


apikey_app = typer.Typer(help="Service API keys (stored hashed).", no_args_is_help=True, add_completion=False)
app.add_typer(apikey_app, name="apikey")


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Argument(help="Key name, e.g. the calling system: dms")],
    on_behalf: Annotated[bool, typer.Option("--on-behalf", help="May act for users (X-On-Behalf-Of)")] = False,
    user: Annotated[str | None, typer.Option("--user", help="The key's own user id (its unit and roles)")] = None,
) -> None:
    """Create a key and print it once; only its sha256 is stored."""
    from sqlalchemy.exc import IntegrityError

    from assistant.api.auth import create_api_key
    from core.access import load_users

    if user is not None and user not in load_users(Settings().users_file):
        _fail(f"không có người dùng {user!r} trong tệp người dùng")
    try:
        key = create_api_key(_sessions(), name, may_act_for_users=on_behalf, user_id=user)
    except IntegrityError:
        _fail(f"đã có khoá tên {name!r}")
    typer.echo(key)
    typer.echo("Lưu khoá này ngay: nó không được hiển thị lại.", err=True)


@apikey_app.command("revoke")
def apikey_revoke(name: Annotated[str, typer.Argument(help="Key name")]) -> None:
    """Revoke a key by name (the row stays, for the audit trail)."""
    from sqlalchemy import select

    from assistant.db import ApiKey

    with _sessions().begin() as s:
        row = s.scalars(select(ApiKey).where(ApiKey.name == name)).first()
        if row is None:
            _fail(f"không có khoá tên {name!r}")
        row.revoked = True
    typer.echo(f"đã thu hồi khoá {name}")


audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True, add_completion=False)
app.add_typer(audit_app, name="audit")


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
        _fail(f"--since {since!r} không phải ngày ISO (YYYY-MM-DD)")
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    if out is None:
        n = export_csv(_sessions(), start, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as fh:
            n = export_csv(_sessions(), start, fh)
    typer.echo(f"{n} dòng nhật ký", err=True)


@app.command()
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
        _fail("không tìm thấy gói giao diện 'ui'")
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


@app.command("pull-warehouse")
def pull_warehouse(
    url: Annotated[str | None, typer.Option("--url", help="API URL (default: $ASSISTANT_WAREHOUSE_API_URL)")] = None,
    full: Annotated[bool, typer.Option("--full", help="Ignore the stored updated_at; fetch everything")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Pull records changed since the last run from the warehouse / LGSP REST API and index them."""
    from connectors.warehouse_api import WarehouseApiConnector

    runtime = _runtime()
    try:
        connector = WarehouseApiConnector.from_settings(runtime.settings, full=full, url=url)
        try:
            report = runtime.indexer().index(connector.documents(), progress=False)
            advanced = connector.commit()
        finally:
            connector.close()
    except AssistantError as exc:
        _fail(str(exc))
    finally:
        runtime.close()
    data = {**report.as_dict(), "pages": connector.pages, "records": connector.records,
            "complete": connector.complete, "updated_since": connector.since,
            "watermark": connector.high_water if advanced else connector.since}
    if as_json:
        _print_json(data)
    else:
        typer.echo(
            f"{connector.pages} trang · {connector.records} bản ghi · thêm mới {report.added} · cập nhật "
            f"{report.updated} · không đổi {report.unchanged} · từ chối {len(report.rejected)} · "
            f"mốc updated_at: {data['watermark'] or '—'}"
        )
        for rejection in report.rejected:
            typer.echo(f"từ chối: {rejection.path}: {rejection.reason}", err=True)
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


snapshot_app = typer.Typer(help="Back up and restore the index (edge, local mode or Qdrant server) and its "
                           "manifest as one .tar.gz.", no_args_is_help=True, add_completion=False)
app.add_typer(snapshot_app, name="snapshot")


@snapshot_app.command("create")
def snapshot_create(
    out: Annotated[Path | None, typer.Option("--out", help="Archive path (default: "
                                             "DATA_DIR/snapshots/<collection>-<time>.tar.gz)")] = None,
    keep_on_server: Annotated[bool, typer.Option("--keep-on-server", help="Qdrant server: keep its copy")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Snapshot the index. Embedded engines: stop the API first (the engine allows one process)."""
    from dataclasses import asdict

    from assistant.snapshot import create_snapshot

    try:
        info = create_snapshot(Settings(), out, keep_on_server=keep_on_server)
    except AssistantError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(asdict(info))
    else:
        typer.echo(f"đã lưu {info.points} điểm ({info.engine}, {info.collection}) vào {info.path}")


@snapshot_app.command("restore")
def snapshot_restore(
    archive: Annotated[Path, typer.Argument(help="A .tar.gz written by 'snapshot create'")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing index (kept beside it)")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Restore the index and manifest from an archive, then check the point count."""
    from assistant.snapshot import restore_snapshot

    try:
        result = restore_snapshot(Settings(), archive, force=force)
    except AssistantError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(result)
    else:
        typer.echo(f"đã khôi phục {result['points']} điểm ({result['engine']}, {result['collection']})")
        for key in ("previous_index", "previous_manifest"):
            if result.get(key):
                typer.echo(f"bản cũ giữ tại {result[key]}", err=True)


collection_app = typer.Typer(help="Qdrant collections and the alias the API reads through (blue/green "
                             "re-index).", no_args_is_help=True, add_completion=False)
app.add_typer(collection_app, name="collection")


@collection_app.command("list")
def collection_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Collections and aliases of the configured Qdrant (server or local mode)."""
    from assistant.snapshot import list_collections, open_client

    try:
        client = open_client(Settings())
    except AssistantError as exc:
        _fail(str(exc))
    try:
        data = list_collections(client)
    finally:
        client.close()
    if as_json:
        _print_json(data)
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
    from assistant.snapshot import open_client, point_alias

    settings = Settings()
    name = alias or settings.collection
    try:
        client = open_client(settings)
        try:
            previous = point_alias(client, name, target)
        finally:
            client.close()
    except AssistantError as exc:
        _fail(str(exc))
    typer.echo(f"{name} -> {target}" + (f" (trước: {previous})" if previous else ""))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
