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
