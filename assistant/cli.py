"""The ``assistant`` command line: index, search, ask, users, serve, ui, eval."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from core.errors import AssistantError
from core.settings import Settings

app = typer.Typer(help="Trợ lý ảo: chỉ mục, tìm kiếm và hỏi đáp có trích dẫn.", no_args_is_help=True,
                  add_completion=False)

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


@app.command()
def users(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the users of the users file."""
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
