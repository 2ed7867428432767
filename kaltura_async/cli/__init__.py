"""The ``kaltura-async`` command line: call any action, make and read a KS, upload, demo.

Configuration comes from flags or the environment variables of Kaltura's guides:
``KALTURA_SERVICE_URL``, ``KALTURA_PARTNER_ID``, ``KALTURA_ADMIN_SECRET``, ``KALTURA_KS``
and ``KALTURA_USER_ID``. An admin secret is turned into a KS locally; the secret and the KS
are never printed (``ks generate`` prints the KS it was asked for, nothing else does).
Errors print one line to stderr and exit non-zero; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from .. import __version__
from .._argparse import ArgumentParser, int_in_range, positive_int
from .._logging import logger, redact_text
from ._commands import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    PROG,
    SESSION_TYPES,
    _cmd_call,
    _cmd_demo,
    _cmd_emulator,
    _cmd_ks_decode,
    _cmd_ks_generate,
    _cmd_upload,
)
from ._output import parse_assignments, render_table, to_plain
from ._settings import Settings, UsageError

__all__ = ["Settings", "build_parser", "main", "parse_assignments", "render_table", "to_plain"]


def _add_connection(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (flags override the KALTURA_* variables)")
    group.add_argument("--service-url", help="API base URL [KALTURA_SERVICE_URL]")
    group.add_argument("--partner-id", help="partner id [KALTURA_PARTNER_ID]")
    group.add_argument(
        "--admin-secret",
        help="admin secret, turned into a KS locally [KALTURA_ADMIN_SECRET; prefer the variable]",
    )
    group.add_argument("--ks", help="a KS to use as is [KALTURA_KS]")
    group.add_argument("--user-id", help="user id of generated sessions [KALTURA_USER_ID]")
    group.add_argument(
        "--retries",
        type=int_in_range(0),
        metavar="N",
        help="retries of a failed request (default: the SDK's RetryPolicy; 0 fails fast)",
    )


def build_parser() -> argparse.ArgumentParser:
    from .._upload import DEFAULT_CHUNK_SIZE, DEFAULT_PARALLEL, FILE_CHUNK_SIZE, MAX_PARALLEL
    from ..enums.media_type import MediaType

    parser = ArgumentParser(
        prog=PROG,
        description="Kaltura API v3 from the command line (kaltura-async).",
        epilog="Run 'kaltura-async demo' to see the SDK work against a local emulator.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    debug = ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    call = sub.add_parser(
        "call",
        parents=[debug],
        help="call any action: call media list filter.nameLike=demo",
        description="Call SERVICE ACTION with key=value parameters (wire names; nested with dots).",
    )
    call.add_argument("service", help="service id, e.g. media, baseEntry, uploadToken")
    call.add_argument("action", help="action name, e.g. list, get, addContent")
    call.add_argument(
        "params",
        nargs="*",
        default=[],
        metavar="key=value",
        help="e.g. filter.nameLike=demo pager.pageSize=5",
    )
    call.add_argument("--json", action="store_true", help="print the result as JSON")
    call.add_argument("--columns", help="table columns, comma-separated, or 'all'")
    _add_connection(call)
    call.set_defaults(run=_cmd_call)

    ks = sub.add_parser("ks", parents=[debug], help="generate or decode a KS")
    ks_sub = ks.add_subparsers(dest="ks_command", metavar="{generate,decode}", required=True)
    gen = ks_sub.add_parser("generate", parents=[debug], help="build a KS from the admin secret")
    gen.add_argument("--type", choices=sorted(SESSION_TYPES), default="admin")
    gen.add_argument(
        "--expiry", type=positive_int, default=86400, help="lifetime in seconds (86400)"
    )
    gen.add_argument("--privileges", default="", help="e.g. disableentitlement")
    gen.add_argument("--ks-version", type=int, choices=(1, 2), default=2)
    _add_connection(gen)
    gen.set_defaults(run=_cmd_ks_generate)
    dec = ks_sub.add_parser("decode", parents=[debug], help="show what a KS says")
    dec.add_argument(
        "ks_value", nargs="?", metavar="KS", help="the KS ('-' reads stdin; default KALTURA_KS)"
    )
    dec.add_argument("--no-verify", action="store_true", help="do not check it against the secret")
    dec.add_argument("--json", action="store_true")
    _add_connection(dec)
    dec.set_defaults(run=_cmd_ks_decode)

    upload = sub.add_parser("upload", parents=[debug], help="upload a file into a new media entry")
    upload.add_argument("file")
    upload.add_argument("--name", help="entry name (default: the file name)")
    upload.add_argument(
        "--parallel",
        type=int_in_range(1, MAX_PARALLEL),
        help=f"chunks in flight (default {DEFAULT_PARALLEL}, as the SDK's)",
    )
    upload.add_argument(
        "--chunk-size",
        type=positive_int,
        help=(
            f"bytes per chunk (default, as the SDK's: {FILE_CHUNK_SIZE} for a regular "
            f"file, {DEFAULT_CHUNK_SIZE} for a pipe)"
        ),
    )
    upload.add_argument(
        "--media-type",
        type=int,
        choices=[m.value for m in MediaType],
        default=MediaType.VIDEO.value,
        help=", ".join(f"{m.value} {m.name.lower()}" for m in MediaType),
    )
    _add_connection(upload)
    upload.set_defaults(run=_cmd_upload)

    sub.add_parser(
        "emulator",
        help="run a local Kaltura emulator (see 'kaltura-async emulator --help')",
        add_help=False,
    )

    demo = sub.add_parser(
        "demo",
        parents=[debug],
        help="tour the SDK against an in-process emulator (or your account)",
        description="Without connection settings the demo starts a local emulator and needs "
        "no credentials. With them it runs against that account, writing only to one entry "
        "named 'kaltura-async demo' that it deletes at the end.",
    )
    demo.add_argument("--fast", action="store_true", help=argparse.SUPPRESS)
    _add_connection(demo)
    demo.set_defaults(run=_cmd_demo)

    from ..contrib._jobs_cli import add_parser as add_jobs_parser

    add_jobs_parser(sub, parents=[debug], connection=_add_connection)
    return parser


def _emulator_argv(argv: Sequence[str]) -> list[str] | None:
    """The emulator's own arguments when the command is ``emulator``, else None."""
    for i, arg in enumerate(argv):
        if arg == "emulator":
            return list(argv[i + 1 :])
        if not arg.startswith("-"):
            return None
    return None


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    emulator_args = _emulator_argv(args_list)
    if emulator_args is not None:  # the emulator parses its own flags; --debug is ours
        debug = "--debug" in args_list
        flags = [arg for arg in emulator_args if arg != "--debug"]
        args = argparse.Namespace(run=_cmd_emulator, emulator_args=flags)
    else:
        try:
            args = build_parser().parse_args(args_list)
        except SystemExit as exit_:
            return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
        debug = bool(getattr(args, "debug", False))
    settings = Settings()
    handler = _debug_logging(err) if debug else None
    try:
        if emulator_args is None:
            settings = Settings.resolve(args, environ)
        run: Callable[..., Any] = args.run
        args.err = err  # progress bars write here, beside the errors
        result = run(args, settings, out)
        code = asyncio.run(result) if asyncio.iscoroutine(result) else result
        return int(code)
    except UsageError as exc:  # a flag or parameter found wrong before any I/O
        err.write(f"{PROG}: error: {_scrub(' '.join(str(exc).split()), settings)}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as exc:  # every failure is one line; --debug adds the traceback
        if debug:
            err.write(_scrub("".join(traceback.format_exception(exc)), settings))
        err.write(f"{PROG}: error: {_scrub(_one_line(exc), settings)}\n")
        return EXIT_ERROR
    finally:
        if handler is not None:
            _stop_debug_logging(handler)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _scrub(text: str, settings: Settings) -> str:
    """Redact what looks like a secret, and the configured secret and KS word for word."""
    text = redact_text(text)
    for secret in (settings.admin_secret, settings.ks):
        if secret:
            text = text.replace(secret, "<redacted>")
    return text


def _debug_logging(stream: TextIO) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    handler.previous_level = logger.level  # type: ignore[attr-defined]
    logger.setLevel(logging.DEBUG)
    return handler


def _stop_debug_logging(handler: logging.Handler) -> None:
    logger.removeHandler(handler)
    logger.setLevel(handler.previous_level)  # type: ignore[attr-defined]
