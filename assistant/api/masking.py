"""Personal data out of the logs: a filter that masks every record (the patterns are ``assistant.service.pii``)."""

from __future__ import annotations

import logging

from assistant.service.pii import mask_pii

__all__ = ["MaskingFilter", "install_log_masking", "mask_pii"]


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
