"""The command line speaks Vietnamese like the rest: every command's and option's help (option names stay as
they are). A help that is a list of codes ("hybrid|dense|sparse") is the codes themselves."""

from __future__ import annotations

import re
from typing import Any

import typer.main

from assistant.cli import app
from core.vietnamese import has_marks

CODES = re.compile(r"^[\w\-]+(\|[\w\-]+)+$")
VIETNAMESE_WITHOUT_MARKS = {"In JSON"}  # "in" is Vietnamese for print
# English words that are no Vietnamese syllable: a help with a mark here and there can still be English
# ("judge căn cứ as this user").
ENGLISH = re.compile(r"\b(?:the|and|with|its|each|this|as|of|for|from|is|are|list|check|judge|store|show|when|"
                     r"which|only|into|default|file's|user's)\b")


def _helps(command: Any, path: str) -> list[tuple[str, str]]:
    found = [(path, (command.help or "").strip().split("\n")[0])]
    found += [(f"{path} --{p.name}", p.help) for p in command.params if getattr(p, "help", None)]
    if hasattr(command, "list_commands"):
        ctx = type(command).context_class(command)
        for name in command.list_commands(ctx):
            found += _helps(command.get_command(ctx, name), f"{path} {name}")
    return found


def test_every_help_is_in_vietnamese() -> None:
    english = [(where, text) for where, text in _helps(typer.main.get_command(app), "assistant")
               if text and not any(has_marks(w) for w in text.split()) and not CODES.match(text)
               and text not in VIETNAMESE_WITHOUT_MARKS]
    assert not english, english
    mixed = [(where, text) for where, text in _helps(typer.main.get_command(app), "assistant")
             if text and ENGLISH.search(re.sub(r"`[^`]*`|--[\w-]+|[A-Z_]{2,}", " ", text))]
    assert not mixed, mixed


def test_the_frameworks_own_words_are_vietnamese() -> None:
    """Click's and Typer's words around the helps: "Usage:", the panels, --help's own help, and the errors of a
    missing argument, an unknown option and a wrong number (assistant.cli.framework_words)."""
    from typer.testing import CliRunner

    runner = CliRunner()
    shown = runner.invoke(app, ["--help"]).output
    assert "Cách dùng:" in shown and "Hiện hướng dẫn này rồi thoát." in shown and "Lệnh" in shown, shown
    missing = runner.invoke(app, ["documents", "show"])
    assert missing.exit_code == 2 and "Thiếu tham số" in missing.output, missing.output
    unknown = runner.invoke(app, ["search", "x", "--user", "u", "--khong-co"])
    assert unknown.exit_code == 2 and "Không có tuỳ chọn" in unknown.output, unknown.output
    number = runner.invoke(app, ["search", "x", "--user", "u", "--top-k", "nhiều"])
    assert number.exit_code == 2 and "phải là một số nguyên" in number.output, number.output
    for output in (shown, missing.output, unknown.output, number.output):
        assert not re.search(r"Usage|Show this|Missing|No such|Try '|valid|should|Options|Commands|Error", output), \
            output
