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
    paths: Annotated[list[Path], typer.Argument(help="Tệp hoặc thư mục cần lập chỉ mục")],
    kind: Annotated[str, typer.Option(help="auto|legal|tthc|warehouse|articles")] = "auto",
    prune: Annotated[bool, typer.Option("--prune", help="Gỡ khỏi chỉ mục các văn bản không còn trong PATH")] = False,
    reindex: Annotated[bool, typer.Option("--reindex", help="Xoá toàn bộ chỉ mục và mã hoá lại PATH từ đầu "
                                          "(sau khi đổi bộ tách từ, mô hình hoặc cách chia đoạn)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="In báo cáo dạng JSON")] = False,
    access: Annotated[str | None, typer.Option("--access", help=(
        "Nhãn truy cập cho các tệp, JSON như trong bản ghi kho dữ liệu: "
        "'{\"level\":\"restricted\",\"units\":[\"Sở Y tế\"]}'. Nhãn riêng của bản ghi thắng; không có "
        "--access thì theo access.yaml gần nhất, nếu không thì công khai (docs/access.md)"))] = None,
    override_hold: Annotated[str | None, typer.Option("--override-hold", help=(
        "Lý do (ít nhất 10 ký tự) cho phép lập chỉ mục đúng một tệp đang bị giữ chờ duyệt vì nghi có dấu độ mật "
        "(cùng sha256); được ghi nhật ký. Không có --access thì chỉ quản trị viên xem được"))] = None,
) -> None:
    """Lập chỉ mục tệp, thư mục, bản xuất TTHC, báo cáo kho dữ liệu hoặc JSONL điều luật (gia tăng).

    Khi `assistant serve` đang chạy trên cùng thư mục dữ liệu, dịch vụ làm việc này (nó giữ chỉ mục)."""
    if kind not in KINDS:
        fail(f"--kind {kind!r} không hợp lệ; chọn {'|'.join(KINDS)}")
    from connectors.access_labelling import labelled, parse_access

    try:
        given = parse_access(access, "--access") if access is not None else None
    except ValueError as exc:
        fail(str(exc))
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        fail(f"không tìm thấy: {', '.join(missing)}")
    settings = Settings()
    client = service_client(settings)
    if client is not None:
        with client, reported():
            report = client.index([str(p.resolve()) for p in paths], kind, prune, reindex,
                                  given.record() if given is not None else None, override_hold)
    else:
        from dataclasses import replace

        from assistant.service import held_documents
        from assistant.service.index_owner import IN_PROCESS_VIA, OPERATOR
        from connectors.auto import iter_sources
        from connectors.extraction_limits import ExtractionLimits
        from connectors.tthc import Collision

        with local_runtime(settings) as runtime:
            release = None
            if override_hold is not None:  # a held file released with a stated reason (held_documents)
                try:
                    release = held_documents.prepare_release(runtime.sessions, list(paths), override_hold)
                except held_documents.OverrideRefused as exc:
                    fail(f"{paths[0]}: {exc}")
            collisions: list[Collision] = []
            sources = labelled(iter_sources(list(paths), kind=kind, max_bytes=settings.max_file_bytes,
                                            limits=ExtractionLimits.from_settings(settings), collisions=collisions),
                               given)
            indexer = runtime.indexer()
            doc_ids: list[str] = []
            if release is not None:
                sources = held_documents.released(sources, given or held_documents.OVERRIDE_DEFAULT_ACCESS, doc_ids)
                indexer = replace(indexer, release_held=True)
            if reindex:
                indexer.reset()
            done = indexer.index(sources, prune_roots=list(paths) if prune else None,
                                 progress=not as_json and sys.stderr.isatty())
            held_documents.record_local_holds(runtime.sessions, done.held, OPERATOR.user_id, IN_PROCESS_VIA)
            if release is not None:
                held_documents.finish_release(
                    runtime.sessions, release, by=OPERATOR.user_id, via=IN_PROCESS_VIA, filename=paths[0].name,
                    doc_ids=doc_ids if done.added + done.updated + done.unchanged else [],
                    rejected=[r.reason for r in done.rejected])
            report = done.as_dict()
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
    url: Annotated[str | None, typer.Option("--url",
                                            help="Địa chỉ API (mặc định: $ASSISTANT_WAREHOUSE_API_URL)")] = None,
    full: Annotated[bool, typer.Option("--full", help="Bỏ qua mốc updated_at đã lưu; lấy lại tất cả")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="In báo cáo dạng JSON")] = False,
) -> None:
    """Lấy các bản ghi thay đổi từ lần chạy trước qua REST API của kho dữ liệu / LGSP và lập chỉ mục."""
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
