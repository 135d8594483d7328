"""``assistant eval …``: retrieval, qa, access, refusal, compare, everyday. Each run writes run.json, report.md and
PNG charts to ``--out`` (default ``<data_dir>/evals/reports/<kind>-<time>``).

One module per command; ``common`` holds what they share (options, opening the eval store, reporting)."""

from __future__ import annotations

import os

import typer

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from evals.cli.access import access  # noqa: E402 - after the offline default, before any model import
from evals.cli.compare import compare  # noqa: E402
from evals.cli.everyday import everyday  # noqa: E402
from evals.cli.qa import qa  # noqa: E402
from evals.cli.refusal import refusal  # noqa: E402
from evals.cli.retrieval import retrieval  # noqa: E402

__all__ = ["eval_app"]

eval_app = typer.Typer(help="Đánh giá: truy hồi, độ chính xác câu trả lời, trích dẫn, từ chối, rò rỉ quyền truy cập.",
                       no_args_is_help=True, add_completion=False)
for _command in (retrieval, qa, refusal, access, compare, everyday):
    eval_app.command()(_command)
