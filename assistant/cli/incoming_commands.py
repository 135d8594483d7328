"""``assistant incoming FILE``: the processing card (phiếu xử lý) of an incoming document: header, what it asks of
which unit by when, the units suggested to lead and support, the documents it cites, a short summary, each with
its place. With ``--user``, cited documents are looked up in the relations store as that user may see them.

Exit codes: 0 the card was made, 2 a file that cannot be read (one line naming it and why)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import fail, print_json
from assistant.correspondence.incoming import IndexedLookup, build_card, read_incoming, render_card
from connectors.extraction_limits import ExtractionLimits
from core.deadlines import today_in_vietnam
from core.errors import AssistantError, RejectedInput
from core.settings import Settings
from core.units import unit_directory


def incoming(
    file: Annotated[Path, typer.Argument(help="Văn bản đến: .pdf, .docx, .doc, .txt, .html hoặc ảnh quét")],
    as_json: Annotated[bool, typer.Option("--json", help="In phiếu dạng JSON")] = False,
    user: Annotated[str, typer.Option("--user", help="tra văn bản được viện dẫn như người dùng này được xem")] = "",
    ngay_den: Annotated[str, typer.Option("--ngay-den", help="ngày văn bản đến (YYYY-MM-DD), để tính hạn "
                                                             "«kể từ ngày nhận»")] = "",
) -> None:
    """Lập phiếu xử lý văn bản đến: yêu cầu, đơn vị chủ trì, phối hợp, thời hạn, văn bản viện dẫn, tóm tắt."""
    if not file.is_file():
        fail(f"{file}: không có tệp này")
    received = None
    if ngay_den:
        try:
            received = date.fromisoformat(ngay_den)
        except ValueError:
            fail(f"{file}: --ngay-den không đọc được {ngay_den!r} (dùng YYYY-MM-DD)")
    settings = Settings()
    try:
        doc = read_incoming(file.name, file.read_bytes(), settings.max_file_bytes,
                            limits=ExtractionLimits.from_settings(settings))
    except RejectedInput as exc:
        fail(f"{file}: {exc}")
    lookup = None
    units = unit_directory(unit_list=settings.unit_list)
    llm = None
    if user:
        from assistant.service.runtime import Runtime

        try:
            runtime = Runtime(settings)
            lookup = IndexedLookup(runtime.relations, runtime.principal(user), today_in_vietnam())
            units = runtime.units()
            llm = runtime.llm
        except AssistantError as exc:
            fail(f"{file}: không tra được văn bản viện dẫn cho {user!r}: {exc}")
    card = build_card(doc, units, lookup=lookup, llm=llm, received=received, file=file.name).to_dict()
    if as_json:
        print_json(card)
    else:
        typer.echo(render_card(card))
