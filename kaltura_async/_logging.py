"""The ``kaltura_async`` logger and the redaction of secrets from everything it logs.

The SDK never touches the root logger. ``KALTURA_ASYNC_LOG=debug`` (or ``info``) in the
environment attaches a stderr handler to ``kaltura_async`` at that level.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["SECRET_KEYS", "RedactingFilter", "logger", "redact"]

logger: Final = logging.getLogger("kaltura_async")

#: Parameter names whose values are never logged (compared case-insensitively).
SECRET_KEYS: Final = frozenset(
    {"ks", "secret", "adminsecret", "usersecret", "password", "tokenhash", "token", "sessionid"}
)
REDACTED: Final = "<redacted>"

# A KS in free text: v2 KSs start with base64("v2|") = "djJ8"; v1 KSs are base64 of 40
# hex chars + "|" ... so they are long base64 runs. Any base64 run of 60+ chars is masked.
_KS_TEXT = re.compile(r"djJ8[A-Za-z0-9_\-+/=]+|[A-Za-z0-9+/_\-]{60,}={0,2}")
_KEY_VALUE_TEXT = re.compile(
    r"(?i)\b(ks|secret|adminSecret|userSecret|password|tokenHash|token)(['\"]?\s*[:=]\s*['\"]?)([^'\"&,\s}]+)"
)


def redact(value: Any, _depth: int = 0) -> Any:
    """A copy of ``value`` with every secret-named key's value replaced, at any depth."""
    if _depth > 32:
        return REDACTED
    if isinstance(value, Mapping):
        return {
            k: (
                REDACTED
                if isinstance(k, str) and _secret_key(k)
                else redact(v, _depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return type(value)(redact(v, _depth + 1) for v in value)
    if isinstance(value, str):
        return redact_text(value)
    return value


def _secret_key(key: str) -> bool:
    last = key.rsplit(":", 1)[-1].lower()
    return last in SECRET_KEYS


def redact_text(text: str) -> str:
    """Mask ``ks=...``-style pairs and anything shaped like a KS inside free text."""
    text = _KEY_VALUE_TEXT.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    return _KS_TEXT.sub(REDACTED, text)


class RedactingFilter(logging.Filter):
    """Scrubs secrets from a record's message and arguments before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            if isinstance(record.args, Mapping):
                record.args = redact(record.args)
            else:
                record.args = tuple(redact(a) for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        return True


logger.addFilter(RedactingFilter())


def _configure_from_env() -> None:
    level = os.environ.get("KALTURA_ASYNC_LOG", "").strip().upper()
    if not level:
        return
    numeric = logging.getLevelName(level)
    if not isinstance(numeric, int):
        return
    logger.setLevel(numeric)
    if not any(getattr(h, "_kaltura_async", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler._kaltura_async = True  # type: ignore[attr-defined]
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        logger.addHandler(handler)


_configure_from_env()
