"""``assistant index`` and ``assistant pull-warehouse``: bring documents into the index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import (
    EXIT_REJECTED,
    fail,
    local_runtime,
    print_json,
    refuse_while_served,
    reported,
    service_client,
)
from core.settings import Settings

KINDS = ("auto", "legal", "tthc", "warehouse", "articles")


def index(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index")],
    kind: Annotated[str, typer.Option(help="auto|legal|tthc|warehouse|articles")] = "auto",
    prune: Annotated[bool, typer.Option("--prune", help="Remove indexed documents no longer under PATHs")] = False,
    reindex: Annotated[bool, typer.Option("--reindex", help="Drop the whole index and encode PATHs afresh "
                                          "(after a change of segmenter, model or chunking settings)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Index files, folders, TTHC exports, warehouse summaries or article JSONL (incremental).

    While `assistant serve` runs on the same data dir, the service does the work (it owns the index)."""
    if kind not in KINDS:
        fail(f"--kind {kind!r} không hợp lệ; chọn {'|'.join(KINDS)}")
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"không tìm thấy: {', '.join(missing)}")
    settings = Settings()
    client = service_client(settings)
    if client is not None:
        with client, reported():
            report = client.index([str(p.resolve()) for p in paths], kind, prune, reindex)
    else:
        from connectors.auto import iter_sources
        from connectors.extraction_limits import ExtractionLimits
        from connectors.tthc import Collision

        with local_runtime(settings) as runtime:
            collisions: list[Collision] = []
            sources = iter_sources(list(paths), kind=kind, max_bytes=settings.max_file_bytes,
                                   limits=ExtractionLimits.from_settings(settings), collisions=collisions)
            indexer = runtime.indexer()
            if reindex:
                indexer.reset()
            report = indexer.index(sources, prune_roots=list(paths) if prune else None,
                                             progress=not as_json and sys.stderr.isatty()).as_dict()
            report["collisions"] = [c.as_dict() for c in collisions]
            if not settings.dense_backfill:  # no service owns the index: fill what an earlier run left sparse-only
                runtime.dense_backfill().drain()
            pending = runtime.backlog.count()
            if pending:  # chunks written sparse-only (ASSISTANT_DENSE_BACKFILL): the service will fill them
                report["dense_pending"] = pending
    show_report(report, as_json)


def show_report(report: dict[str, Any], as_json: bool) -> None:
    """The index report as JSON or one line, each rejected file on stderr; exit 3 when any was rejected."""
    if as_json:
        print_json(report)
    else:
        typer.echo(
            f"thêm mới {report['added']} · cập nhật {report['updated']} · không đổi {report['unchanged']} · "
            f"gỡ bỏ {report.get('removed', 0)} · từ chối {len(report['rejected'])} · {report['chunks']} đoạn · "
            f"{report['seconds']:.1f} giây"
        )
        for c in report.get("collisions", []):
            typer.echo(f"trùng mã thủ tục {c['code']}: giữ {c['kept']} ({c['kept_decision'] or 'không ghi ngày'}), "
                       f"bỏ {c['dropped']} ({c['dropped_decision'] or 'không ghi ngày'})")
        for c in report.get("conflicts", []):
            typer.echo(f"mâu thuẫn: {c['path']}: {c['field']}: văn bản ghi «{c['text']}», "
                       f"{'bảng thông tin' if c.get('origin') == 'metadata_table' else 'nguồn'} ghi «{c['source']}» "
                       "(giữ theo văn bản)")
        if report.get("dense_pending"):
            typer.echo(f"{report['dense_pending']} đoạn chờ vector ngữ nghĩa: đã tìm được theo từ khoá; "
                       "`assistant serve` bổ sung vector ở chế độ nền (tiến độ: /readyz)")
        for rejection in report["rejected"]:
            typer.echo(f"từ chối: {rejection['path']}: {rejection['reason']}", err=True)
    if report["rejected"]:
        raise typer.Exit(EXIT_REJECTED)


def pull_warehouse(
    url: Annotated[str | None, typer.Option("--url", help="API URL (default: $ASSISTANT_WAREHOUSE_API_URL)")] = None,
    full: Annotated[bool, typer.Option("--full", help="Ignore the stored updated_at; fetch everything")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Pull records changed since the last run from the warehouse / LGSP REST API and index them."""
    from connectors.warehouse_api import WarehouseApiConnector

    settings = Settings()
    refuse_while_served(settings, "pull-warehouse")
    with local_runtime(settings) as runtime:
        connector = WarehouseApiConnector.from_settings(settings, full=full, url=url)
        try:
            report = runtime.indexer().index(connector.documents(), progress=False)
            advanced = connector.commit()
        finally:
            connector.close()
    data = {**report.as_dict(), "pages": connector.pages, "records": connector.records,
            "complete": connector.complete, "updated_since": connector.since,
            "watermark": connector.high_water if advanced else connector.since}
    if as_json:
        print_json(data)
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
