"""Keep API keys out of everything relfig and its libraries log: a key once registered is redacted.

Some servers quote the key they refuse, and instructor logs their answer at ERROR level; the
redaction happens when a log record is made, so no handler or formatter ever sees the key.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

_SECRETS: set[str] = set()
_MIN_LENGTH = 6  # shorter "keys" (like "none") would redact ordinary words
_installed = False


def register_secret(value: str | None) -> None:
    """Redact ``value`` from every log record from now on."""
    global _installed
    if not value or len(value.strip()) < _MIN_LENGTH:
        return
    _SECRETS.add(value.strip())
    if not _installed:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return _redact_record(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True


def redact(text: str) -> str:
    """``text`` with every registered secret replaced."""
    for secret in _SECRETS:
        text = text.replace(secret, "[API key]")
    return text


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    if not _SECRETS:
        return record
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = str(record.msg)
    if record.exc_info and record.exc_info[1] is not None:
        formatted = "".join(traceback.format_exception(*record.exc_info))
        if redact(formatted) != formatted:
            message = f"{message}\n{redact(formatted)}"
            record.exc_info, record.exc_text = None, None
    if redact(message) != message or record.exc_info is None:
        record.msg, record.args = redact(message), ()
    return record
