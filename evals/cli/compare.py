"""``assistant eval compare``: metric and configuration differences between two runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from evals.cli.common import JsonOpt, fail


def compare(
    run_a: Annotated[Path, typer.Argument(help="Thư mục lần chạy A (hoặc run.json)")],
    run_b: Annotated[Path, typer.Argument(help="Thư mục lần chạy B (hoặc run.json)")],
    only_changed: Annotated[bool, typer.Option("--only-changed")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Chênh lệch chỉ số (B − A) và thay đổi cấu hình giữa hai lần chạy."""
    from evals.compare import compare_runs, load_run, render

    try:
        diff = compare_runs(load_run(run_a), load_run(run_b))
    except (OSError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(diff, ensure_ascii=False, indent=2))
    else:
        typer.echo(render(diff, only_changed=only_changed))
