"""The ``assistant`` command line: index, search, ask, users, serve, ui, eval, and operations.

One module per group of commands; ``common`` gives them one way to report errors and to choose between
opening the index here and asking the service that owns it.
"""

from __future__ import annotations

import typer

from assistant.cli import (
    drafting_commands,
    framework_words,
    incoming_commands,
    index_commands,
    query_commands,
    service_commands,
    task_commands,
)
from assistant.cli.common import EXIT_REJECTED
from assistant.cli.documents_commands import documents_app
from assistant.cli.people_commands import apikey_app, users_app
from assistant.cli.records_commands import records_app
from assistant.cli.store_commands import audit_app, collection_app, snapshot_app
from evals.cli import eval_app

__all__ = ["EXIT_REJECTED", "app", "main"]

framework_words.install()  # Click's and Typer's own words ("Usage:", "Missing argument", …) in Vietnamese

app = typer.Typer(help="Trợ lý ảo: chỉ mục, tìm kiếm và hỏi đáp có trích dẫn.", no_args_is_help=True,
                  add_completion=False)
app.command()(index_commands.index)
app.command()(query_commands.search)
app.command()(query_commands.ask)
app.command()(task_commands.tasks)
app.command()(service_commands.serve)
app.command()(service_commands.ui)
app.command("pull-warehouse")(index_commands.pull_warehouse)
app.command("format-check")(drafting_commands.format_check)
app.command("incoming")(incoming_commands.incoming)
app.add_typer(documents_app, name="documents")
app.add_typer(users_app, name="users")
app.add_typer(apikey_app, name="apikey")
app.add_typer(audit_app, name="audit")
app.add_typer(records_app, name="records")
app.add_typer(snapshot_app, name="snapshot")
app.add_typer(collection_app, name="collection")
app.add_typer(eval_app, name="eval")


def main() -> None:
    app()
