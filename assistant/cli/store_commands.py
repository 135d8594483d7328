"""``assistant audit``, ``assistant snapshot`` and ``assistant collection``: operating the index and records."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import fail, print_json, refuse_while_served, reported
from assistant.cli.people_commands import sessions
from core.settings import Settings

audit_app = typer.Typer(help="Nhật ký kiểm toán.", no_args_is_help=True, add_completion=False)
snapshot_app = typer.Typer(help="Sao lưu và khôi phục chỉ mục (edge, chế độ cục bộ hoặc máy chủ Qdrant) "
                           "cùng sổ chỉ mục thành một tệp .tar.gz.", no_args_is_help=True, add_completion=False)
collection_app = typer.Typer(help="Các collection Qdrant và bí danh API đọc qua (lập chỉ mục lại "
                             "xanh/lục).", no_args_is_help=True, add_completion=False)


@audit_app.command("export")
def audit_export(
    since: Annotated[str, typer.Option("--since", help="Từ ngày (dd/mm/yyyy hoặc 2026-01-01) hoặc thời điểm ISO; "
                                                     "không ghi múi giờ thì là giờ Việt Nam, như các thời điểm "
                                                     "trong tệp xuất")],
    out: Annotated[Path | None, typer.Option("--out", help="Tệp CSV (mặc định: in ra màn hình)")] = None,
) -> None:
    """Xuất nhật ký kiểm toán từ SINCE dạng CSV (dữ liệu cá nhân được che)."""
    from datetime import datetime

    from assistant.api.audit import export_csv
    from core.deadlines import VIETNAM

    try:  # an official writes 07/12/2026 and reads the rows' times in Vietnam time: a bare date is that day there
        start = datetime.strptime(since.strip(), "%d/%m/%Y") if "/" in since else datetime.fromisoformat(since)
    except ValueError:
        fail(f"--since {since!r} không phải ngày (dd/mm/yyyy hoặc YYYY-MM-DD) hay thời điểm ISO")
    start = start if start.tzinfo else start.replace(tzinfo=VIETNAM)
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
    out: Annotated[Path | None, typer.Option("--out", help="Đường dẫn tệp lưu trữ (mặc định: "
                                             "DATA_DIR/snapshots/<collection>-<time>.tar.gz)")] = None,
    keep_on_server: Annotated[bool, typer.Option("--keep-on-server",
                                                 help="Máy chủ Qdrant: giữ bản sao trên máy chủ")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Chụp bản sao chỉ mục. Bộ máy nhúng: dừng API trước (bộ máy chỉ cho phép một tiến trình)."""
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
    archive: Annotated[Path, typer.Argument(help="Tệp .tar.gz do 'snapshot create' tạo")],
    force: Annotated[bool, typer.Option("--force", help="Thay chỉ mục hiện có (bản cũ được giữ bên cạnh)")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Khôi phục chỉ mục và sổ chỉ mục từ tệp lưu trữ, rồi kiểm tra số điểm."""
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
    """Các collection và bí danh của Qdrant đã cấu hình (máy chủ hoặc chế độ cục bộ)."""
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
    target: Annotated[str, typer.Argument(help="Collection mà bí danh trỏ tới, ví dụ tro_ly_ao_v2")],
    alias: Annotated[str | None, typer.Option("--alias", help="Bí danh (mặc định: $ASSISTANT_COLLECTION)")] = None,
) -> None:
    """Trỏ bí danh sang TARGET trong một bước: các API đang chạy đọc collection mới ngay."""
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
