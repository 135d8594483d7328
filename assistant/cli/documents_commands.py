"""``assistant documents list|show``: the indexed documents with every header field, source format, pages,
OCR confidence, chunk count and access label; from this process or through the service that owns the index.

Without ``--user`` the operator of this machine sees every document (the manifest is on this disk); with
``--user X`` only what X may see, so a hidden document and a missing one give the same answer."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from assistant.cli.common import fail, local_runtime, print_json, reported, service_client
from assistant.cli.query_commands import check_user
from assistant.cli.relations_commands import import_relations, relations
from assistant.cli.relations_commands import show as show_relations
from assistant.documents import document_record, record_lines, record_row, visible_documents
from assistant.service.index_owner import IN_PROCESS_VIA, OPERATOR
from assistant.validity import document_relations
from core.settings import Settings

documents_app = typer.Typer(help="Văn bản đã lập chỉ mục và các trường của chúng.", no_args_is_help=True)

UserOption = Annotated[str | None, typer.Option("--user", help="Chỉ những văn bản người này được xem")]


def _records(user: str | None) -> list[dict[str, Any]]:
    settings = Settings()
    if user:
        check_user(settings, user)
    client = service_client(settings)
    if client is not None:
        with client, reported():
            return client.documents(user)
    with local_runtime(settings) as runtime:
        principal = runtime.principal(user) if user else OPERATOR
        return [document_record(e) for e in visible_documents(runtime.manifest, principal)]


@documents_app.command("list")
def list_documents(user: UserOption = None,
                   as_json: Annotated[bool, typer.Option("--json", help="In JSON")] = False) -> None:
    """Mỗi văn bản đã lập chỉ mục một dòng: mã · loại số hiệu · ngày · cơ quan · định dạng · số đoạn · quyền."""
    records = _records(user)
    if as_json:
        print_json(records)
        return
    if not records:
        typer.echo("Chưa có văn bản nào.")
    for record in records:
        typer.echo(record_row(record))


@documents_app.command("show")
def show_document(doc_id: Annotated[str, typer.Argument(help="Mã văn bản (doc_id), xem `documents list`")],
                  user: UserOption = None,
                  as_json: Annotated[bool, typer.Option("--json", help="In JSON")] = False) -> None:
    """Mọi trường của một văn bản (mã thoát 2 kèm một dòng khi người xem không có văn bản này)."""
    record = next((r for r in _records(user) if r["doc_id"] == doc_id), None)
    if record is None:
        fail(f"không tìm thấy văn bản {doc_id!r}")
    # Its relations and computed validity (SQL only: read here whether or not a service owns the index).
    with local_runtime(Settings()) as runtime:
        found = document_relations(runtime.relations, doc_id, runtime.principal(user) if user else OPERATOR,
                                   verified_through=runtime.settings.validity_verified_through)
    if as_json:
        print_json({**record, "relations": found})
        return
    for line in record_lines(record):
        typer.echo(line)
    if found is not None:
        typer.echo("Hiệu lực và quan hệ:")
        show_relations(found)


documents_app.command("relations")(relations)  # relations and validity: assistant.cli.relations_commands
documents_app.command("import-relations")(import_relations)


@documents_app.command("access")
def set_access(doc_id: Annotated[str, typer.Argument(help="Mã văn bản (doc_id), xem `documents list`")],
               label: Annotated[str, typer.Option("--set", help=(
                   'Nhãn mới, JSON như trường access của kho dữ liệu: \'"internal"\' hoặc '
                   '\'{"level":"restricted","units":["Sở Y tế"]}\' (docs/access.md)'))],
               as_json: Annotated[bool, typer.Option("--json", help="In JSON")] = False) -> None:
    """Đổi người được xem một văn bản đã lập chỉ mục: nhãn của mọi đoạn, nhiệm vụ và quan hệ của nó; không mã hoá
    lại. Mã thoát 2 kèm một dòng khi nhãn sai hoặc không có văn bản."""
    from connectors.access_labelling import parse_access

    try:
        parsed = parse_access(label, "--set")
    except ValueError as exc:
        fail(str(exc))
    settings = Settings()
    client = service_client(settings)
    if client is not None:
        with client, reported():
            result = client.set_access(doc_id, parsed.record())
    else:
        from assistant.api.audit import audited
        from assistant.documents import change_access

        with local_runtime(settings) as runtime, \
                audited(runtime.sessions, OPERATOR, IN_PROCESS_VIA, "access", doc_id) as draft:
            change = change_access(runtime, doc_id, parsed)
            draft.outcome = "relabelled" if change is not None else "document_not_found"
            draft.retrieved = [doc_id]
        if change is None:
            fail(f"không tìm thấy văn bản {doc_id!r}")
        result = change.as_dict()
    if as_json:
        print_json(result)
    else:
        typer.echo(f"{doc_id}: đổi nhãn {json.dumps(result['before'], ensure_ascii=False)} → "
                   f"{json.dumps(result['after'], ensure_ascii=False)} · {result['chunks']} đoạn · "
                   f"{result['tasks']} nhiệm vụ · {result['seconds'] * 1000:.1f} ms")
