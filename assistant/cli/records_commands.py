"""``assistant records``: the service's own records under the retention rules (Nghị định 13/2023)."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.common import print_json
from assistant.cli.people_commands import sessions
from assistant.service.retention import RetentionPolicy, purge_expired
from core.settings import Settings

records_app = typer.Typer(help="Conversations, feedback and audit rows under the retention rules.",
                          no_args_is_help=True, add_completion=False)


@records_app.command("purge")
def purge(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Delete conversations, feedback and audit rows older than their retention (ASSISTANT_RETENTION_*_DAYS;
    the API also does this at start-up and daily)."""
    settings = Settings()
    removed = purge_expired(sessions(settings), RetentionPolicy.from_settings(settings))
    if as_json:
        print_json(removed)
        return
    typer.echo(", ".join(f"{kind}: {n}" for kind, n in removed.items()))
