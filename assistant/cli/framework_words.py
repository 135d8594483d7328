"""Typer's own words in Vietnamese: "Usage:", the panel titles, the ``--help`` option's help and the errors it
writes for a missing or wrong argument (issue 31: the command line speaks Vietnamese, option names kept).

Why this way: Typer (0.29) has no setting for another language. Its panel titles are module constants read when
the help is drawn, so they are set; the rest is English written into its vendored copy of Click
(``typer._click``: "Usage: ", "Show this message and exit.", ``f"Missing {param_type}…"``), so the three places
that produce it are wrapped: the usage line's default prefix, the help option's help, and each exception's
message (rewritten by the patterns below; a message that matches none stays as it is). Installed once, when
the CLI is imported. ``tests/assistant/cli/test_cli_help_vietnamese.py`` reads the output, so a Typer upgrade
that changes these fails there.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from typing import Any

USAGE = "Cách dùng: "
HELP = "Hiện hướng dẫn này rồi thoát."
# Typer's rich help keeps these in module constants.
TYPER_CONSTANTS: dict[str, str] = {
    "DEPRECATED_STRING": "(không còn dùng) ",
    "DEFAULT_STRING": "[mặc định: {}]",
    "ENVVAR_STRING": "[biến môi trường: {}]",
    "REQUIRED_LONG_STRING": "[bắt buộc]",
    "ARGUMENTS_PANEL_TITLE": "Tham số",
    "OPTIONS_PANEL_TITLE": "Tuỳ chọn",
    "COMMANDS_PANEL_TITLE": "Lệnh",
    "ERRORS_PANEL_TITLE": "Lỗi",
    "ABORTED_TEXT": "Đã dừng.",
    "RICH_HELP": "Xem [blue]'{command_path} {help_option}'[/] để biết cách dùng.",
}
# The vendored Click's error messages, pattern → Vietnamese (applied in order, each where it matches).
MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^Missing argument\b"), "Thiếu tham số"),
    (re.compile(r"^Missing option\b"), "Thiếu tuỳ chọn"),
    (re.compile(r"^Missing parameter\b"), "Thiếu tham số"),
    (re.compile(r"^Missing command\.?"), "Thiếu lệnh."),
    (re.compile(r"^No such option: "), "Không có tuỳ chọn: "),
    (re.compile(r"^No such command "), "Không có lệnh "),
    (re.compile(r"^Invalid value for (.+?): "), r"Giá trị không hợp lệ cho \1: "),
    (re.compile(r"^Invalid value: "), "Giá trị không hợp lệ: "),
    (re.compile(r"Input should be a valid integer(?:, .*)?$"), "phải là một số nguyên."),
    (re.compile(r"Input should be a valid number(?:, .*)?$"), "phải là một số."),
    (re.compile(r"Input should be (?:a valid )?(.+?)(?:, .*)?$"), r"phải là \1."),
    (re.compile(r"(\S+) is not a valid (?:integer|int)\.?"), r"\1 không phải số nguyên hợp lệ."),
    (re.compile(r"(\S+) is not a valid (?:float)\.?"), r"\1 không phải số hợp lệ."),
    (re.compile(r"(\S+) is not a valid (\w+)\.?"), r"\1 không phải giá trị \2 hợp lệ."),
    (re.compile(r"(\S+) is not in the range (.+?)\.$"), r"\1 nằm ngoài khoảng \2."),
    (re.compile(r"(\S+) is not one of (.+?)\.$"), r"\1 không thuộc \2."),
    (re.compile(r"^Got unexpected extra arguments? "), "Thừa tham số "),
    (re.compile(r"^Option (\S+) requires an argument\.?"), r"Tuỳ chọn \1 cần một giá trị."),
    (re.compile(r"^Option (\S+) requires (\d+) arguments\.?"), r"Tuỳ chọn \1 cần \2 giá trị."),
    (re.compile(r"\(?Did you mean one of:? "), "(Có phải là một trong: "),
    (re.compile(r"Did you mean "), "Có phải là "),
    (re.compile(r"^(File|Directory|Path) (.+?) does not exist\.$"), r"\2 không tồn tại."),
]


def say(message: str) -> str:
    """The vendored Click's English message in Vietnamese (unchanged when no pattern knows it)."""
    for pattern, vietnamese in MESSAGES:
        message = pattern.sub(vietnamese, message)
    return message


def _translated(format_message: Callable[[Any], str]) -> Callable[[Any], str]:
    @functools.wraps(format_message)
    def wrapper(self: Any) -> str:
        return say(format_message(self))

    wrapper.__tla_vietnamese__ = True  # type: ignore[attr-defined]
    return wrapper


def install() -> None:
    """Put the Vietnamese in place (idempotent; the CLI's ``__init__`` calls it once)."""
    rich_utils = importlib.import_module("typer.rich_utils")
    for constant, text in TYPER_CONSTANTS.items():
        if hasattr(rich_utils, constant):
            setattr(rich_utils, constant, text)

    formatting = importlib.import_module("typer._click.formatting")
    write_usage = formatting.HelpFormatter.write_usage
    if not getattr(write_usage, "__tla_vietnamese__", False):
        @functools.wraps(write_usage)
        def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            write_usage(self, prog, args, USAGE if prefix is None else prefix)

        usage.__tla_vietnamese__ = True  # type: ignore[attr-defined]
        formatting.HelpFormatter.write_usage = usage

    decorators = importlib.import_module("typer._click.decorators")
    help_option = decorators.help_option
    if not getattr(help_option, "__tla_vietnamese__", False):
        @functools.wraps(help_option)
        def vietnamese_help_option(*args: Any, **kwargs: Any) -> Callable[[Any], Any]:
            decorate = help_option(*args, **kwargs)

            def apply(command: Any) -> Any:
                result = decorate(command)
                params = getattr(command, "params", None) or getattr(command, "__click_params__", None) or []
                if params and getattr(params[-1], "help", None) == "Show this message and exit.":
                    params[-1].help = HELP
                return result

            return apply

        vietnamese_help_option.__tla_vietnamese__ = True  # type: ignore[attr-defined]
        decorators.help_option = vietnamese_help_option

    exceptions = importlib.import_module("typer._click.exceptions")
    for value in vars(exceptions).values():
        if isinstance(value, type) and issubclass(value, exceptions.ClickException) \
                and "format_message" in vars(value) and not getattr(value.format_message, "__tla_vietnamese__", False):
            value.format_message = _translated(value.format_message)
