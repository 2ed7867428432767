"""An ``argparse.ArgumentParser`` whose usage errors are one line and never echo a value.

argparse repeats the offending value in its messages (``invalid int value: 'abc'``,
``unrecognized arguments: ...``), and a value typed on a command line may be a secret or a
KS. This parser names the flag and the problem instead, on one line, and exits 2 as argparse
does; ``--help`` shows the usage.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any, NoReturn

__all__ = ["ArgumentParser", "safe_usage_message"]

#: ``invalid int value: 'x'``, ``invalid choice: 'x' (choose from ...)``, ``ignored explicit
#: argument 'x'``: keep the kind of problem and the choices, drop the value.
_VALUE_ECHO = re.compile(
    r"(?P<what>invalid [\w.]+ value|invalid choice|ignored explicit argument):?\s.*?"
    r"(?P<choices> \(choose from [^()]*\))?$",
    re.DOTALL,
)
#: ``ambiguous option: --adm=x could match ...``: the part after ``=`` is a value.
_AMBIGUOUS = re.compile(r"(ambiguous option: -[^=\s]*)=.*?( could match )", re.DOTALL)


def safe_usage_message(message: str) -> str:
    """An argparse error message with any echoed value removed, on one line."""
    message = _AMBIGUOUS.sub(r"\1\2", message)
    message = _VALUE_ECHO.sub(lambda m: m["what"] + (m["choices"] or ""), message)
    return " ".join(message.split())


def _flag_names(extras: Sequence[str]) -> str:
    flags = [arg.split("=", 1)[0] for arg in extras if arg.startswith("-") and arg != "-"]
    others = len(extras) - len(flags)
    text = ", ".join(flags)
    if others:
        noun = "value" if others == 1 else "values"
        text = f"{text} and {others} {noun}" if text else f"{others} {noun}"
    return text


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with one-line usage errors that name flags, not values."""

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> argparse.Namespace:
        parsed: argparse.Namespace
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {_flag_names(extras)}")
        return parsed

    def error(self, message: str) -> NoReturn:
        hint = f" (see {self.prog} --help)"
        self.exit(2, f"{self.prog}: error: {safe_usage_message(message)}{hint}\n")
