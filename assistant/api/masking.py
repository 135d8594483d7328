"""Personal data out of the audit trail and the logs: CCCD / CMND numbers, Vietnamese phone numbers, emails.

Masking keeps the first and last characters, so an officer reading the audit can still tell two records
apart (``0912***678``, ``001***789``, ``n***@example.com``) without the record holding the number itself.
"""

from __future__ import annotations

import logging
import re

_EMAIL = r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
# +84 / 84 / 0, then 9 (mobile) or 10 (landline) more digits, optionally grouped by spaces, dots or dashes.
_PHONE = r"(?P<phone>(?:\+84|(?<![\d.,])84|(?<![\d.,])0)(?:[ .-]?\d){9,10})"
_CCCD = r"(?P<cccd>\d{12})"  # căn cước công dân
_CMND = r"(?P<cmnd>\d{9})"  # chứng minh nhân dân (old format)
_PATTERN = re.compile(rf"(?<![\w@.+-]){_EMAIL}|(?<![\d.,]){_CCCD}(?![\d.,]\d|\d)|{_PHONE}(?![\d]|[.,]\d)"
                      rf"|(?<![\d.,]){_CMND}(?![\d]|[.,]\d)")


def _keep_ends(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        return "*" * len(text)
    return f"{text[:head]}***{text[-tail:]}"


def _replace(match: re.Match[str]) -> str:
    if match.group("email"):
        local, _, domain = match.group("email").partition("@")
        return f"{local[:1]}***@{domain}"
    if match.group("phone"):
        digits = re.sub(r"\D", "", match.group("phone"))
        prefix = "+" if match.group("phone").startswith("+") else ""
        return prefix + _keep_ends(digits, 4, 3)
    number = match.group("cccd") or match.group("cmnd")
    return _keep_ends(number, 3, 3)


def mask_pii(text: str | None) -> str:
    """The text with every CCCD/CMND number, phone number and email masked; other text unchanged."""
    if not text:
        return ""
    return _PATTERN.sub(_replace, text)


def _mask_arg(value: object) -> object:
    """Strings and objects (exceptions, paths...) masked as text; numbers and None kept for %d / %f."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask_pii(value if isinstance(value, str) else str(value))


class MaskingFilter(logging.Filter):
    """Masks a record's message, its arguments (keeping their shape, which formatters such as uvicorn's
    access formatter rely on) and its traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_pii(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_mask_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _mask_arg(v) for k, v in record.args.items()}
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = mask_pii(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_pii(record.exc_text)
        return True


_HANDLER_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
_OWN_LOGGERS = ("assistant", "assistant.api", "assistant.api.audit", "assistant.api.worker")


def install_log_masking() -> None:
    """Filter the product's own loggers (records are masked where they are made) and every handler of the
    root and uvicorn loggers (records propagated from any library). Idempotent; call after logging setup."""
    for name in _OWN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskingFilter) for f in logger.filters):
            logger.addFilter(MaskingFilter())
    for name in _HANDLER_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(MaskingFilter())
