"""Pagination: ``client.paginate`` over 100,000 entries, items/s and peak memory growth.

The emulator runs in its own process, seeded with entries created ten per second (an
ingest-like spread). Each walk runs in a fresh child interpreter: one pass without
tracing for items/s, one under ``tracemalloc`` for the peak growth of traced memory. A
walk of a tenth as many entries gives the reference: memory is flat when the full walk's
peak growth is about the same as the small one's.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ._harness import markdown, write_json

ROOT = Path(__file__).resolve().parent.parent
PER_SECOND = 10
PAGE_SIZE = 500


def _serve(conn: Connection, n: int) -> None:
    from kaltura_async.testing import KalturaEmulator

    async def main() -> None:
        async with KalturaEmulator() as emu:
            start = int(time.time()) - n // PER_SECOND - 1
            for i, entry_id in enumerate(emu.seed_entries(n)):
                emu.entries[entry_id]["createdAt"] = start + i // PER_SECOND
            conn.send((emu.url, emu.partner_id, emu.admin_ks()))
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)

    asyncio.run(main())


async def _walk(url: str, partner_id: int, ks: str, trace: bool) -> dict[str, Any]:
    import tracemalloc

    from kaltura_async import KalturaClient
    from kaltura_async.types import MediaEntryFilter

    async with KalturaClient(url, partner_id=partner_id, ks=ks) as client:
        call = client.media.list(filter=MediaEntryFilter(order_by="+createdAt"))
        if trace:
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        items = 0
        async for _entry in client.paginate(call, page_size=PAGE_SIZE, strategy="cursor"):
            items += 1
        elapsed = time.perf_counter() - started
        growth = tracemalloc.get_traced_memory()[1] - base if trace else 0
    return {"items": items, "seconds": elapsed, "peak_growth_bytes": growth}


def _child_main(argv: list[str]) -> None:
    url, partner_id, ks, trace = argv[0], int(argv[1]), argv[2], argv[3] == "1"
    print(json.dumps(asyncio.run(_walk(url, partner_id, ks, trace))))


def walk_in_child(url: str, partner_id: int, ks: str, trace: bool) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_pagination",
            "--child",
            url,
            str(partner_id),
            ks,
            "1" if trace else "0",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _measure_size(n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(theirs, n), daemon=True)
    server.start()
    try:
        if not ours.poll(120):
            raise RuntimeError("the emulator process did not start")
        url, partner_id, ks = ours.recv()
        plain = walk_in_child(url, partner_id, ks, trace=False)
        traced = walk_in_child(url, partner_id, ks, trace=True)
    finally:
        ours.send("stop")
        server.join(10)
        if server.is_alive():
            server.terminate()
    for result in (plain, traced):
        if result["items"] != n:
            raise RuntimeError(f"paginate yielded {result['items']} of {n} entries")
    return plain, traced


def _row(
    scenario: str, contender: str, unit: str, value: float, ratio: float | None, baseline: str
) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "contender": contender,
        "unit": unit,
        "median": value,
        "min": value,
        "max": value,
        "ratio": ratio,
        "baseline": baseline,
        "rounds": 1,
        "notes": "",
    }


def _paginate_available() -> bool:
    from kaltura_async import KalturaClient

    return hasattr(KalturaClient, "paginate")


def run(quick: bool = False) -> list[dict[str, Any]]:
    n = 20_000 if quick else 100_000
    small = n // 10
    scenario = f"paginate {n:,} entries (cursor, page {PAGE_SIZE})"
    if not _paginate_available():
        row = _row(scenario, "client.paginate", "items/s", float("nan"), None, "-")
        row["notes"] = "not measured: client.paginate is not on this branch yet"
        return [row]
    small_plain, small_traced = _measure_size(small)
    plain, traced = _measure_size(n)
    mib = 1024 * 1024
    ref = f"{small:,} entries"
    small_growth = small_traced["peak_growth_bytes"] / mib
    growth = traced["peak_growth_bytes"] / mib
    return [
        _row(
            scenario,
            f"items/s, {small:,} entries",
            "items/s",
            small / small_plain["seconds"],
            None,
            "-",
        ),
        _row(scenario, f"items/s, {n:,} entries", "items/s", n / plain["seconds"], None, "-"),
        _row(
            scenario, f"peak traced memory growth, {small:,} entries", "MiB", small_growth, 1.0, ref
        ),
        _row(
            scenario,
            f"peak traced memory growth, {n:,} entries",
            "MiB",
            growth,
            growth / small_growth if small_growth else None,
            ref,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["--child"]:
        _child_main(args[1:])
        return 0
    rows = run("--quick" in args)
    print(markdown(rows))
    write_json("pagination", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
