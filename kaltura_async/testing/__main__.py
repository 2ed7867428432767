"""Command line: ``python -m kaltura_async.testing`` (and ``kaltura-async emulator``) serve it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from .._argparse import ArgumentParser, int_in_range, non_negative_float
from ._emulator import KalturaEmulator

__all__ = ["build_parser", "main"]


def build_parser(prog: str = "python -m kaltura_async.testing") -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog=prog, description="Run a local Kaltura api_v3 emulator (state is in memory)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int_in_range(0, 65535), default=8080, help="port (default 8080; 0 = free)"
    )
    parser.add_argument("--partner-id", type=int, default=1000, help="partner id (default 1000)")
    parser.add_argument("--admin-secret", help="admin secret (default: derived from --seed)")
    parser.add_argument("--user-secret", help="user secret (default: derived from --seed)")
    parser.add_argument("--seed", type=int, default=0, help="seed for ids, secrets and faults")
    parser.add_argument(
        "--transcode-delay",
        type=non_negative_float,
        default=0.0,
        help="seconds a video stays in PRECONVERT before READY (default 0)",
    )
    parser.add_argument(
        "--final-chunk-wait",
        type=non_negative_float,
        default=45.0,
        help="seconds a final upload chunk waits for missing chunks (default 45)",
    )
    parser.add_argument(
        "--ks-version",
        type=int,
        choices=(1, 2),
        default=2,
        help="KS format issued by session.start (default 2)",
    )
    parser.add_argument(
        "--latency",
        type=non_negative_float,
        default=0.0,
        help="seconds of latency added to every request (default 0)",
    )
    parser.add_argument(
        "--show-secrets", action="store_true", help="print the admin and user secrets at startup"
    )
    return parser


async def _serve(args: argparse.Namespace) -> None:
    emu = KalturaEmulator(
        partner_id=args.partner_id,
        admin_secret=args.admin_secret,
        user_secret=args.user_secret,
        seed=args.seed,
        transcode_delay=args.transcode_delay,
        final_chunk_wait=args.final_chunk_wait,
        ks_version=args.ks_version,
        host=args.host,
        port=args.port,
    )
    async with emu:
        emu.set_latency(args.latency)
        print(
            f"Kaltura emulator serving {emu.url}/api_v3 (partner id {emu.partner_id})", flush=True
        )
        if args.show_secrets:
            print(f"admin secret: {emu.admin_secret}\nuser secret: {emu.user_secret}", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = build_parser(prog or "python -m kaltura_async.testing").parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as exc:  # a port in use, an address that cannot be bound: one line
        sys.exit(f"python -m kaltura_async.testing: error: {' '.join(str(exc).split())}")
