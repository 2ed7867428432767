"""Multirequest benchmark: 100 media.get run sequentially, as one server multirequest, as
concurrent single calls and through gather; a 100-call dependent chain; a max_batch sweep.

The emulator runs in its own process (so it does not share a core and the GIL with the
client) with 5 ms of latency injected into every HTTP request (a round trip to a nearby
data centre), so what is measured is round trips saved.

Run: ``PYTHONPATH=. python benchmarks/bench_multirequest.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection
from typing import Any

from benchmarks._harness import Contender, Scenario, measure, summarize, write_json
from kaltura_async import KalturaClient
from kaltura_async.testing import KalturaEmulator

CALLS = 100
LATENCY = 0.005


def _once(work: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[int]]:
    async def run() -> int:
        await work()
        return 1  # one batch per run: samples are seconds per batch

    return run


def independent(c: KalturaClient, ids: list[str]) -> Scenario:
    async def sequential() -> None:
        for entry_id in ids:
            await c.media.get(entry_id=entry_id)

    def batch(**options: Any) -> Callable[[], Awaitable[Any]]:
        async def run() -> None:
            results = await c.batch(*(c.media.get(entry_id=i) for i in ids), **options)
            results.raise_for_errors()

        return run

    async def gather() -> None:
        await c.gather(*(c.media.get(entry_id=i) for i in ids), limit=32)

    return Scenario(
        f"{len(ids)} independent media.get",
        "sequential",
        [
            Contender("sequential", _once(sequential)),
            Contender("server (one multirequest)", _once(batch(max_batch=len(ids)))),
            Contender("concurrent(limit=32)", _once(batch(strategy="concurrent", limit=32))),
            Contender("gather(limit=32)", _once(gather)),
        ],
        unit="time",
    )


def chain(c: KalturaClient, first: str) -> Scenario:
    async def sequential() -> None:
        entry = await c.media.get(entry_id=first)
        for _ in range(CALLS - 1):
            entry = await c.media.get(entry_id=str(entry.id))

    def batch(**options: Any) -> Callable[[], Awaitable[Any]]:
        async def run() -> None:
            mr = c.multirequest(**options)
            ref = mr.add(c.media.get(entry_id=first))
            for _ in range(CALLS - 1):
                ref = mr.add(c.media.get(entry_id=ref.id))
            (await mr.execute()).raise_for_errors()

        return run

    return Scenario(
        f"{CALLS}-call dependent chain",
        "sequential",
        [
            Contender("sequential", _once(sequential)),
            Contender("server (one multirequest)", _once(batch(max_batch=CALLS))),
            Contender("server (max_batch=25)", _once(batch(max_batch=25))),
            Contender("concurrent(limit=32)", _once(batch(strategy="concurrent", limit=32))),
        ],
        unit="time",
    )


def sweep(c: KalturaClient, ids: list[str]) -> Scenario:
    def batch(size: int) -> Callable[[], Awaitable[int]]:
        async def run() -> None:
            results = await c.batch(*(c.media.get(entry_id=i) for i in ids), max_batch=size)
            results.raise_for_errors()

        return _once(run)

    sizes = [10, 25, 50, 100, 200, len(ids)]
    return Scenario(
        f"max_batch sweep, {len(ids)} media.get",
        f"max_batch={len(ids)}",
        [Contender(f"max_batch={n}", batch(n)) for n in sorted(set(sizes))],
        unit="time",
    )


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| scenario | contender | median | min | max | speed-up vs baseline |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['scenario']} | {r['contender']} | {r['median'] * 1000:.1f} ms | "
            f"{r['min'] * 1000:.1f} ms | {r['max'] * 1000:.1f} ms | "
            f"{1 / r['ratio']:.1f}x (vs {r['baseline']}) |"
        )
    return "\n".join(lines)


def serve(conn: Connection) -> None:
    """The emulator process: seeds entries, reports where it is, serves until told."""

    async def main() -> None:
        async with KalturaEmulator() as emu:
            ids = emu.seed_entries(500)
            emu.faults.latency = LATENCY
            conn.send((emu.url, emu.partner_id, emu.admin_ks(), ids))
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)

    asyncio.run(main())


async def run(
    rounds: int, url: str, partner_id: int, ks: str, many: list[str]
) -> list[dict[str, Any]]:
    ids = many[:CALLS]
    async with KalturaClient(url, partner_id=partner_id, ks=ks) as c:
        await c.media.get(entry_id=ids[0])  # open the pool outside the measurement
        rows: list[dict[str, Any]] = []
        for scenario in (independent(c, ids), chain(c, ids[0]), sweep(c, many)):
            rows.extend(summarize(await measure(scenario, rounds=rounds)))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    server = ctx.Process(target=serve, args=(theirs,), daemon=True)
    server.start()
    try:
        if not ours.poll(60):
            raise RuntimeError("the emulator process did not start")
        url, partner_id, ks, many = ours.recv()
        rows = asyncio.run(run(args.rounds, url, partner_id, ks, many))
    finally:
        ours.send("stop")
        server.join(10)
    print(f"emulator latency {LATENCY * 1000:.0f} ms per HTTP request; {args.rounds} rounds\n")
    print(table(rows))
    write_json("multirequest", rows)
    speedups = {
        (r["scenario"], r["contender"]): 1 / r["ratio"]
        for r in rows
        if r["baseline"] == "sequential"
    }
    first = f"{CALLS} independent media.get"
    server = speedups[(first, "server (one multirequest)")]
    concurrent = speedups[(first, "concurrent(limit=32)")]
    print(
        f"\ntargets: server >= 10x: {server:.1f}x {'ok' if server >= 10 else 'MISSED'}; "
        f"concurrent >= 8x: {concurrent:.1f}x {'ok' if concurrent >= 8 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
