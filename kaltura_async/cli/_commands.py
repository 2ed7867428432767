"""The commands: ``call``, ``ks generate``, ``ks decode``, ``upload``, ``emulator``, ``demo``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TextIO

from .._errors import KalturaValidationError
from ..enums.session_type import SessionType
from ._output import parse_assignments, progress_bar, render_table, to_plain
from ._settings import Settings, UsageError

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_USAGE", "PROG", "SESSION_TYPES"]

PROG: Final = "kaltura-async"
#: Exit codes: 1 for a failed command, 2 for bad usage (as argparse does), 130 on Ctrl-C.
EXIT_ERROR: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERRUPTED: Final = 130
#: ``--type`` of ``ks generate``: the ``SessionType`` members, by lower-case name.
SESSION_TYPES: Final = {member.name.lower(): member for member in SessionType}


def _cmd_call(args: argparse.Namespace, settings: Settings, out: TextIO) -> Any:
    from ._params import check_params

    try:
        params = check_params(args.service, args.action, parse_assignments(args.params, raw=True))
    except UsageError:
        raise
    except KalturaValidationError as exc:
        raise UsageError(str(exc), field=exc.field) from None
    settings.require_account("call")
    return _call(args, settings, out, params)


async def _call(
    args: argparse.Namespace, settings: Settings, out: TextIO, params: dict[str, Any]
) -> int:
    async with settings.client() as client:
        result = await client.call(args.service, args.action, **params)
    if args.json:
        out.write(json.dumps(to_plain(result), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(render_table(to_plain(result, names=True), columns=args.columns) + "\n")
    return 0


def _cmd_ks_generate(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from .._ks import generate_ks

    if settings.admin_secret is None or settings.partner_id is None:
        raise UsageError(
            "ks generate needs the admin secret and partner id "
            "(KALTURA_ADMIN_SECRET and KALTURA_PARTNER_ID, or --admin-secret and --partner-id)",
            field="admin_secret",
        )
    ks = generate_ks(
        settings.admin_secret,
        settings.partner_id,
        user_id=settings.user_id,
        type=SESSION_TYPES[args.type],
        expiry=args.expiry,
        privileges=args.privileges,
        version=args.ks_version,
    )
    out.write(ks + "\n")
    return 0


def _cmd_ks_decode(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from .._ks import parse_ks

    ks = args.ks_value
    if ks == "-":
        ks = sys.stdin.readline().strip()
    ks = ks or settings.ks
    if not ks:
        raise KalturaValidationError(
            "no KS to decode: pass one, '-' for stdin, or set KALTURA_KS", field="ks"
        )
    try:
        info = parse_ks(ks, admin_secret=None if args.no_verify else settings.admin_secret)
    except KalturaValidationError as exc:
        # "malformed KS: why" -> "not a KS (why)": the reason, never the input
        text = str(exc)
        if not text.startswith("malformed KS:"):
            raise
        why = text.removeprefix("malformed KS:").strip()
        raise UsageError(f"not a KS ({why})", field="ks") from None
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
            "type": SessionType(info.type or 0).name,
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
    settings.require_account("upload")
    return _upload(args, settings, out, path, path.stat().st_size)


async def _upload(
    args: argparse.Namespace, settings: Settings, out: TextIO, path: Path, size: int
) -> int:
    from ..enums.media_type import MediaType
    from ..types import MediaEntry

    options: dict[str, Any] = {"file_name": path.name}
    if args.parallel is not None:
        options["parallel"] = args.parallel
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
    from ..testing.__main__ import main as emulator_main

    try:  # a port in use or an unbindable host raises OSError: one line, from main()
        return emulator_main(args.emulator_args, prog=f"{PROG} emulator")
    except SystemExit as exit_:  # its --help and usage errors
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE


async def _cmd_demo(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from ._demo import run_demo

    return await run_demo(settings, out=out, err=args.err, fast=args.fast)
