"""``assistant documents relations DOC_ID`` and ``assistant documents import-relations PATH``: a legal
document's relations, validity and history as a user may see them; the Bộ pháp điển's records imported."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import fail, local_runtime, print_json, refuse_while_served, reported
from assistant.service.index_owner import OPERATOR
from assistant.validity import document_relations
from core.legal_status import STATUS_WORDS
from core.settings import Settings
from core.vietnamese import vietnamese_date, vietnamese_dates


def relations(
    doc_id: Annotated[str, typer.Argument(help="Mã văn bản (doc_id)")],
    user: Annotated[str | None, typer.Option("--user", help="Mã người dùng trong tệp người dùng; bỏ trống: như "
                                                               "người vận hành máy chủ")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Văn bản DOC_ID thay thế, sửa đổi, hướng dẫn hay căn cứ vào văn bản nào, bị văn bản nào thay thế hoặc sửa
    đổi, và hiệu lực của nó."""
    settings = Settings()
    with local_runtime(settings) as runtime:
        found = document_relations(runtime.relations, doc_id, runtime.principal(user) if user else OPERATOR,
                                   verified_through=runtime.settings.validity_verified_through)
    if found is None:
        fail(f"{doc_id}: không có văn bản pháp luật này trong hệ thống (hoặc bạn không có quyền xem)")
    if as_json:
        print_json(found)
        return
    show(found)


# Where a relation was read: the document's own text, or the Bộ pháp điển's records (``import-relations``).
SOURCE_WORDS = {"text": "theo văn bản", "phapdien": "theo Bộ pháp điển"}


def show(found: dict[str, Any]) -> None:
    status = f"hết hiệu lực từ {vietnamese_date(found['expired_from'])}" if found["expired_from"] \
        else STATUS_WORDS.get(found["validity"], found["validity"])
    typer.echo(f"{found['title']} ({found['so_hieu'] or found['doc_id']}): {status}")
    typer.echo("Lịch sử: " + " → ".join(vietnamese_dates(step) for step in found["history"]))
    for row in found["relations"]:
        arrow = {"outgoing": "→", "incoming": "←"}.get(row["direction"], "·")
        units = f" {', '.join(row['units'])}" if row["units"] else ""
        other = row["target_so_hieu"] or row["target_name"] if row["direction"] == "outgoing" else row["actor_so_hieu"]
        if row["direction"] == "reported":  # recorded in this text, done by another document to a third
            other = f"{row['target_so_hieu'] or row['target_name']} bởi {row['actor_so_hieu'] or 'văn bản khác'} " \
                    "(văn bản này ghi nhận)"
        if row["direction"] == "outgoing" and not row["target_indexed"]:
            other += " (chưa có trong hệ thống)"
        source = SOURCE_WORDS.get(row["source"], row["source"])
        typer.echo(f"  {arrow} {row['label']}{units} {other}  [{row['clause'] or '-'}; {source}"
                   + (f"; từ {vietnamese_date(row['effective'])}" if row["effective"] else "") + "]")
    for note in found["disagreements"]:
        typer.echo(f"  ! {note}")


def import_relations(
    path: Annotated[Path, typer.Argument(help="Thư mục phapdien-relations hoặc tệp TSV")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Nhập các bản ghi sửa đổi / bổ sung / bãi bỏ của Bộ pháp điển (thay lần nhập trước) và cập nhật hiệu
    lực của các văn bản đã lập chỉ mục mà chúng tác động."""
    from assistant.validity import PhapdienRelations
    from assistant.validity import import_relations as run_import

    settings = Settings()
    refuse_while_served(settings, "nhập quan hệ văn bản")
    connector = PhapdienRelations(path)
    if not connector.path.is_file():
        fail(f"{connector.path}: không tìm thấy tệp")
    with local_runtime(settings) as runtime, reported():
        report = run_import(runtime.relations_observer(), connector)
    if as_json:
        print_json(report)
        return
    typer.echo(f"Đã nhập {report['imported']} quan hệ; {len(report['rejected'])} dòng bị từ chối; "
               f"{len(report['documents'])} văn bản trong hệ thống bị tác động, "
               f"{report['points_updated']} đoạn cập nhật.")
    for row in report["rejected"][:20]:
        typer.echo(f"  {row['path']}: {row['reason']}", err=True)
    for doc_id, notes in report["disagreements"].items():
        for note in notes:
            typer.echo(f"  ! {doc_id}: {note}")
