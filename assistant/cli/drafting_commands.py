"""``assistant format-check FILE``: the thể thức check of a .docx, .doc or PDF against Nghị định 30/2020, each
deviation with the rule it breaks; with ``--user``, cited căn cứ are judged from the relations store as that
user may see them.

Exit codes: 0 no finding, 1 findings, 2 a file that cannot be checked (one line naming it and why)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import fail, print_json
from assistant.correspondence.drafting import RelationsLookup, check_format, read_document
from core.deadlines import today_in_vietnam
from core.errors import AssistantError, RejectedInput
from core.settings import Settings

SEVERITY = {"error": "LỖI", "warning": "lưu ý"}


def format_check(
    file: Annotated[Path, typer.Argument(help="Văn bản .docx, .doc hoặc .pdf")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    user: Annotated[str, typer.Option("--user", help="Đánh giá căn cứ với tư cách người dùng này "
                                                     "(theo kho quan hệ văn bản)")] = "",
) -> None:
    """Kiểm tra thể thức của FILE (Nghị định 30/2020, Phụ lục I–III), liệt kê từng chỗ sai kèm quy định."""
    if not file.is_file():
        fail(f"{file}: không có tệp này")
    try:
        doc = read_document(file.name, file.read_bytes())
    except RejectedInput as exc:
        fail(f"{file}: {exc}")
    lookup = None
    if user:
        from assistant.service.runtime import Runtime

        settings = Settings()
        try:
            runtime = Runtime(settings)
            lookup = RelationsLookup(runtime.relations, runtime.principal(user))
        except AssistantError as exc:
            fail(f"{file}: không đọc được căn cứ cho {user!r}: {exc}")
    findings = check_format(doc, lookup, today_in_vietnam())
    if as_json:
        print_json({"file": str(file), "source": doc.source, "findings": [f.to_dict() for f in findings],
                    "notes": doc.notes})
    else:
        typer.echo(f"{file}: {len(findings)} lỗi thể thức" if findings else f"{file}: đúng thể thức (0 lỗi)")
        for f in findings:
            typer.echo(f"- [{SEVERITY[f.severity]}] {f.message} — {f.cite}" + (f" «{f.text}»" if f.text else ""))
        for note in doc.notes:
            typer.echo(f"  (không đánh giá: {note})")
    raise typer.Exit(1 if findings else 0)
