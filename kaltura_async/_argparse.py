"""An ``argparse.ArgumentParser`` whose usage errors are one line and never echo a value.

argparse repeats the offending value in its messages (``invalid int value: 'abc'``,
``unrecognized arguments: ...``), and a value typed on a command line may be a secret or a
KS. This parser names the flag and the problem instead, on one line, and exits 2 as argparse
does; ``--help`` shows the usage.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

__all__ = [
    "ArgumentParser",
    "int_in_range",
    "non_negative_float",
    "positive_int",
    "safe_usage_message",
]

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


def int_in_range(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: an integer in ``low..high`` (inclusive; no upper bound if None).

    A value out of range is a usage error (exit 2) that names the flag and the range."""
    bounds = f"from {low} to {high}" if high is not None else f"{low} or more"

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer {bounds}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be an integer {bounds}")
        return value

    return convert


#: An argparse ``type``: an integer of 1 or more (counts, sizes, lifetimes).
positive_int = int_in_range(1)


def non_negative_float(text: str) -> float:
    """An argparse ``type``: a finite number of 0 or more (seconds)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number of 0 or more") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a number of 0 or more")
    return value


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` with one-line usage errors that name flags, not values."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        # argparse reports missing positionals before unknown flags; a flag given before the
        # first positional that this parser does not know is the real mistake: name it.
        if args is not None:
            self._refuse_leading_unknown_flag(args)
        return super().parse_known_args(args, namespace)

    def _refuse_leading_unknown_flag(self, args: Sequence[str]) -> None:
        takes_value = False
        for arg in args:
            if takes_value:
                takes_value = False
                continue
            if arg == "--" or not arg.startswith("-") or arg == "-":
                return
            if self._negative_number_matcher.match(arg):
                return
            name = arg.split("=", 1)[0]
            action = self._option_string_actions.get(name)
            if action is None and name.startswith("--"):
                matches = [o for o in self._option_string_actions if o.startswith(name)]
                action = self._option_string_actions[matches[0]] if len(matches) == 1 else None
                if len(matches) > 1:
                    return  # argparse reports the ambiguity
            if action is None:
                if (
                    len(name) > 2
                    and not name.startswith("--")
                    and name[:2] in (self._option_string_actions)
                ):
                    return  # -xVALUE: a short flag with its value attached
                self.error(f"unrecognized arguments: {name}")
            takes_value = "=" not in arg and action.nargs != 0

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
