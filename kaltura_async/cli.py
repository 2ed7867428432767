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
import enum
import importlib
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import attrs

from . import __version__
from ._argparse import ArgumentParser
from ._codec import all_fields
from ._errors import KalturaValidationError
from ._logging import logger, redact_text
from ._model import UNSET, KalturaObject
from .regions import DEFAULT_SERVICE_URL

__all__ = ["Settings", "build_parser", "main", "parse_assignments", "render_table", "to_plain"]

PROG = "kaltura-async"

#: Exit codes: 1 for a failed command, 2 for bad usage (as argparse does), 130 on Ctrl-C.
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


@attrs.frozen(kw_only=True)
class Settings:
    """Where to connect and how to authenticate; secrets are kept out of ``repr``."""

    service_url: str | None = None
    partner_id: int | None = None
    admin_secret: str | None = attrs.field(default=None, repr=False)
    ks: str | None = attrs.field(default=None, repr=False)
    user_id: str = ""

    @classmethod
    def resolve(
        cls, args: argparse.Namespace, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Flags first, then the ``KALTURA_*`` environment variables."""
        env = os.environ if environ is None else environ

        def pick(flag: str, var: str) -> str | None:
            value = getattr(args, flag, None)
            if value in (None, ""):
                value = env.get(var) or None
            return value

        partner = pick("partner_id", "KALTURA_PARTNER_ID")
        partner_id: int | None = None
        if partner is not None:
            try:
                partner_id = int(partner)
            except ValueError:
                raise KalturaValidationError(
                    "partner id must be an integer (--partner-id or KALTURA_PARTNER_ID)",
                    field="partner_id",
                ) from None
        return cls(
            service_url=pick("service_url", "KALTURA_SERVICE_URL"),
            partner_id=partner_id,
            admin_secret=pick("admin_secret", "KALTURA_ADMIN_SECRET"),
            ks=pick("ks", "KALTURA_KS"),
            user_id=pick("user_id", "KALTURA_USER_ID") or "",
        )

    @property
    def has_credentials(self) -> bool:
        return self.ks is not None or (
            self.admin_secret is not None and self.partner_id is not None
        )

    def client(self) -> Any:
        """A ``KalturaClient`` for these settings (a local KS from the admin secret)."""
        from ._client import KalturaClient
        from ._session import SecretKSProvider

        url = self.service_url or DEFAULT_SERVICE_URL
        if self.ks is not None:
            return KalturaClient(url, partner_id=self.partner_id, ks=self.ks)
        if self.admin_secret is not None:
            if self.partner_id is None:
                raise KalturaValidationError(
                    "an admin secret needs a partner id (--partner-id or KALTURA_PARTNER_ID)",
                    field="partner_id",
                )
            provider = SecretKSProvider(
                self.admin_secret, self.partner_id, user_id=self.user_id, type=2
            )
            return KalturaClient(url, partner_id=self.partner_id, ks_provider=provider)
        return KalturaClient(url, partner_id=self.partner_id)


# ---------------------------------------------------------------------------- arguments


def parse_value(text: str) -> Any:
    """A ``key=value`` value: numbers and booleans as JSON scalars, a JSON string when quoted,
    anything else as the string itself."""
    if text in ("true", "false"):
        return text == "true"
    looks_numeric = text[:1].isdigit() or (text[:1] == "-" and text[1:2].isdigit())
    if looks_numeric or text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            return value
    return text


def parse_assignments(pairs: Sequence[str]) -> dict[str, Any]:
    """``["filter.nameLike=demo", "pager.pageSize=5"]`` -> nested wire parameters."""
    params: dict[str, Any] = {}
    for number, pair in enumerate(pairs, 1):
        key, sep, raw = pair.partition("=")
        if not sep or not key:  # the text is not echoed: it may be a misplaced secret
            problem = "has no '='" if not sep else "has an empty name"
            raise KalturaValidationError(
                f"expected key=value: parameter {number} {problem}", field=f"parameter {number}"
            )
        path = key.split(".")
        if any(not part for part in path):
            raise KalturaValidationError(f"empty name in {key!r}", field=key)
        node = params
        for depth, part in enumerate(path[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                where = ".".join(path[: depth + 1])
                raise KalturaValidationError(f"{where} is given both a value and fields", field=key)
            node = child
        if isinstance(node.get(path[-1]), dict) or path[-1] in node:
            raise KalturaValidationError(f"{key} is given twice", field=key)
        node[path[-1]] = parse_value(raw)
    return params


# ---------------------------------------------------------------------------- output


def to_plain(value: Any, *, names: bool = False) -> Any:
    """Decoded results as JSON data with wire names (``objectType`` included).

    ``names`` writes enum members as ``READY`` rather than their wire value (for reading)."""
    if isinstance(value, KalturaObject):
        out: dict[str, Any] = {}
        for attr, wire, _kind, _flags in all_fields(type(value)):
            item = getattr(value, attr)
            if item is not UNSET:
                out[wire] = to_plain(item, names=names)
        for wire, item in value.unknown_fields.items():
            out.setdefault(wire, to_plain(item, names=names))
        out["objectType"] = out.pop("objectType", type(value).__kaltura_object_type__)
        return out
    if isinstance(value, enum.Enum):
        return value.name if names else value.value
    if isinstance(value, Mapping):
        return {str(k): to_plain(v, names=names) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v, names=names) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


# Columns shown first for a list, when present; ``--columns all`` shows every field.
_PREFERRED = (
    "id",
    "name",
    "systemName",
    "status",
    "mediaType",
    "type",
    "userId",
    "fileName",
    "fileSize",
    "tags",
    "createdAt",
)
_DEFAULT_COLUMNS = 6
_CELL_WIDTH = 40
_WIDE_CELL = 120


def _cell(value: Any, width: int = _CELL_WIDTH) -> str:
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, bool | int | float):
        text = json.dumps(value)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _aligned(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )
    return lines


def _columns(items: Sequence[Mapping[str, Any]], wanted: str | None) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        for key in item:
            if key != "objectType":
                seen.setdefault(key, None)
    if wanted == "all":
        return list(seen)
    if wanted:
        return [c.strip() for c in wanted.split(",") if c.strip()]
    preferred = [c for c in _PREFERRED if c in seen]
    scalar = [
        k
        for k in seen
        if k not in preferred and all(not isinstance(i.get(k), dict | list) for i in items)
    ]
    return (preferred + scalar)[: max(_DEFAULT_COLUMNS, len(preferred))]


def render_table(data: Any, *, columns: str | None = None) -> str:
    """A readable rendering of plain result data: lists as aligned columns, an object as
    ``field  value`` rows, a scalar as itself."""
    if isinstance(data, Mapping) and isinstance(data.get("objects"), list):
        objects = data["objects"]
        text = render_table(objects, columns=columns)
        if "totalCount" in data:
            text += f"\n({len(objects)} shown, totalCount {data['totalCount']})"
        return text
    if isinstance(data, list):
        if not data:
            return "(no results)"
        if all(isinstance(i, Mapping) for i in data):
            cols = _columns(data, columns)
            return "\n".join(_aligned(cols, [[_cell(i.get(c)) for c in cols] for i in data]))
        return "\n".join(_cell(i) for i in data)
    if isinstance(data, Mapping):
        rows = [[str(k), _cell(v, _WIDE_CELL)] for k, v in data.items()]
        return "\n".join(_aligned(["field", "value"], rows))
    if data is None:
        return "(no result)"
    return _cell(data) if not isinstance(data, str) else data


# ---------------------------------------------------------------------------- progress


class PlainProgress:
    """A one-line progress report for when tqdm is not installed."""

    def __init__(self, label: str, total: int, stream: TextIO) -> None:
        self._label = label
        self._total = total
        self._stream = stream
        self._tty = stream.isatty()
        self._last = -1

    def __call__(self, sent: int, total: int | None) -> None:
        total = total or self._total
        percent = 100 if total <= 0 else min(100, sent * 100 // total)
        if self._tty and percent != self._last:
            self._stream.write(f"\r{self._label}: {percent:3d}% ({sent:,} of {total:,} bytes)")
            self._stream.flush()
        self._last = percent

    def close(self) -> None:
        end = "\n" if self._tty else f"{self._label}: {self._total:,} bytes sent\n"
        self._stream.write(end)
        self._stream.flush()


class _TqdmProgress:
    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def __call__(self, sent: int, total: int | None) -> None:
        if total and self._bar.total != total:
            self._bar.total = total
        self._bar.update(max(0, sent - self._bar.n))

    def close(self) -> None:
        self._bar.close()


def progress_bar(
    label: str, total: int, stream: TextIO | None = None
) -> PlainProgress | _TqdmProgress:
    """A ``progress(bytes_sent, total)`` callable with a ``close()``.

    tqdm (the ``cli`` extra) draws the bar: it is small, has no dependencies of its own and
    degrades by itself on a non-tty stream. Without it, one plain line is written.
    """
    out = stream if stream is not None else sys.stderr
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:
        return PlainProgress(label, total, out)
    return _TqdmProgress(
        tqdm(
            total=total,
            desc=label,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=out,
            leave=True,
        )
    )


# ---------------------------------------------------------------------------- commands


async def _cmd_call(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    params = parse_assignments(args.params)
    async with settings.client() as client:
        result = await client.call(args.service, args.action, **params)
    if args.json:
        out.write(json.dumps(to_plain(result), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(render_table(to_plain(result, names=True), columns=args.columns) + "\n")
    return 0


_SESSION_TYPES = {"user": 0, "admin": 2}


def _cmd_ks_generate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from ._session import generate_ks

    if settings.admin_secret is None or settings.partner_id is None:
        raise KalturaValidationError(
            "ks generate needs the admin secret and partner id "
            "(KALTURA_ADMIN_SECRET and KALTURA_PARTNER_ID, or --admin-secret and --partner-id)",
            field="admin_secret",
        )
    ks = generate_ks(
        settings.admin_secret,
        settings.partner_id,
        user_id=settings.user_id,
        type=_SESSION_TYPES[args.type],
        expiry=args.expiry,
        privileges=args.privileges,
        version=args.ks_version,
    )
    out.write(ks + "\n")
    return 0


def _cmd_ks_decode(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from ._session import parse_ks

    ks = args.ks_value
    if ks == "-":
        ks = sys.stdin.readline().strip()
    ks = ks or settings.ks
    if not ks:
        raise KalturaValidationError(
            "no KS to decode: pass one, '-' for stdin, or set KALTURA_KS", field="ks"
        )
    info = parse_ks(ks, admin_secret=None if args.no_verify else settings.admin_secret)
    fields: dict[str, Any] = {
        "version": info.version,
        "partner_id": info.partner_id,
        "verified": info.verified,
    }
    if info.readable:
        assert info.expires_at is not None
        expires = datetime.fromtimestamp(info.expires_at, UTC).isoformat(timespec="seconds")
        left = int(info.seconds_left())
        fields |= {
            "type": {0: "USER", 2: "ADMIN"}.get(info.type or 0, str(info.type)),
            "user_id": info.user_id,
            "expires_at": f"{info.expires_at} ({expires}, {'expired' if left <= 0 else f'{left}s left'})",
            "privileges": info.privileges_string or "",
        }
        if info.master_partner_id is not None:
            fields["master_partner_id"] = info.master_partner_id
        if info.additional_data:
            fields["additional_data"] = info.additional_data
    else:
        fields["note"] = "KS v2 is encrypted: set KALTURA_ADMIN_SECRET to read the rest"
    if args.json:
        out.write(json.dumps(fields, indent=2) + "\n")
    else:
        out.write(render_table(fields) + "\n")
    return 0


def _cmd_upload(args: argparse.Namespace, settings: Settings, out: TextIO) -> Any:
    path = Path(args.file)
    if not path.is_file():
        raise KalturaValidationError(f"no such file: {path}", field="file")
    return _upload(args, settings, out, path, path.stat().st_size)


async def _upload(
    args: argparse.Namespace, settings: Settings, out: TextIO, path: Path, size: int
) -> int:
    from .enums import MediaType
    from .types import MediaEntry

    options: dict[str, Any] = {"file_name": path.name, "parallel": args.parallel}
    if args.chunk_size is not None:
        options["chunk_size"] = args.chunk_size
    entry = MediaEntry(name=args.name or path.stem, media_type=MediaType(args.media_type))
    progress = progress_bar(path.name, size, args.err)
    async with settings.client() as client:
        try:
            created = await client.ingest(path, entry=entry, progress=progress, **options)
        finally:
            progress.close()
    out.write(f"{created.id}\n")
    return 0


def _cmd_emulator(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from .testing.__main__ import main as emulator_main

    try:  # a port in use or an unbindable host raises OSError: one line, from main()
        return emulator_main(args.emulator_args, prog=f"{PROG} emulator")
    except SystemExit as exit_:  # its --help and usage errors
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE


async def _cmd_demo(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from ._demo import run_demo

    return await run_demo(settings, out=out, err=args.err, fast=args.fast)


# ---------------------------------------------------------------------------- parser


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


def build_parser() -> argparse.ArgumentParser:
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
        "params", nargs="*", metavar="key=value", help="e.g. filter.nameLike=demo pager.pageSize=5"
    )
    call.add_argument("--json", action="store_true", help="print the result as JSON")
    call.add_argument("--columns", help="table columns, comma-separated, or 'all'")
    _add_connection(call)
    call.set_defaults(run=_cmd_call)

    ks = sub.add_parser("ks", parents=[debug], help="generate or decode a KS")
    ks_sub = ks.add_subparsers(dest="ks_command", metavar="{generate,decode}", required=True)
    gen = ks_sub.add_parser("generate", parents=[debug], help="build a KS from the admin secret")
    gen.add_argument("--type", choices=sorted(_SESSION_TYPES), default="admin")
    gen.add_argument("--expiry", type=int, default=86400, help="lifetime in seconds (86400)")
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
    upload.add_argument("--parallel", type=int, default=4, help="chunks in flight (4)")
    upload.add_argument("--chunk-size", type=int, help="bytes per chunk")
    upload.add_argument("--media-type", type=int, default=1, help="1 video, 2 image, 5 audio")
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

    from .contrib._jobs_cli import add_parser as add_jobs_parser

    add_jobs_parser(sub, parents=[debug], connection=_add_connection)
    return parser


# ---------------------------------------------------------------------------- entry point


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
