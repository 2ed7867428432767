"""Where a typed call's CPU goes: ``python -m benchmarks.profile_hot_path [--profile]``.

The canned ``media.list`` server (5 entries) runs in its own process; this process runs,
alternating round by round at concurrency 32 (``--concurrency``), three contenders and
reports the CPU time this process spent per call (``time.process_time``, so the time the
server or a neighbour held the cores does not count):

- raw aiohttp + ``json.loads``: the baseline;
- raw aiohttp + the SDK's parse and typed decode: what typed models cost on their own;
- ``transport.post`` of a ready body + typed decode: the SDK's transport (timeouts, body
  cap, retry bookkeeping) in place of raw aiohttp;
- ``await call`` of a call built once: the pipeline (prepare: options, validation,
  encoding; send; outcome) on top of that;
- ``client.media.list(...)``: the whole SDK call, its filter and pager objects built each
  time as a user's code does.

The differences are the price of each layer. ``--profile`` then runs the SDK contender
under cProfile and prints its top functions by own time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import statistics
import time
from collections.abc import Awaitable, Callable

import aiohttp

from kaltura_async import KalturaClient, Limits, RetryPolicy, _json
from kaltura_async._codec import decode
from kaltura_async._kind import Kind

from ._canned import canned_server
from .bench_transport import BODY, _fan_out, _wait_ready

LIST = Kind.obj("KalturaMediaListResponse")


async def measure(
    url: str, concurrency: int, calls: int, rounds: int, profile: bool
) -> dict[str, float]:
    from kaltura_async.types import FilterPager, MediaEntryFilter

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    session = aiohttp.ClientSession(connector=connector)
    limits = Limits(max_connections=concurrency, max_connections_per_host=concurrency)
    client = KalturaClient(url, ks=BODY["ks"], limits=limits, retry=RetryPolicy.none())
    target = f"{url}/api_v3/service/media/action/list?format=1"
    headers = {"Content-Type": "application/json"}

    async def raw() -> None:
        async with session.post(target, data=json.dumps(BODY).encode(), headers=headers) as r:
            json.loads(await r.read())

    async def raw_typed() -> None:
        async with session.post(target, data=json.dumps(BODY).encode(), headers=headers) as r:
            decode(LIST, _json.loads(await r.read()))

    transport = client.transport
    no_retry = RetryPolicy.none()

    async def transport_typed() -> None:
        decode(LIST, await transport.post("media", "list", BODY, safe=True, retry=no_retry))

    built_once = client.media.list(
        filter=MediaEntryFilter(name_like="demo"), pager=FilterPager(page_size=5)
    )

    async def await_built() -> None:
        await built_once

    async def sdk() -> None:
        await client.media.list(
            filter=MediaEntryFilter(name_like="demo"), pager=FilterPager(page_size=5)
        )

    contenders: dict[str, Callable[[], Awaitable[None]]] = {
        "raw aiohttp + json.loads": raw,
        "raw aiohttp + SDK parse and typed decode": raw_typed,
        "SDK transport.post + typed decode": transport_typed,
        "await a call built once": await_built,
        "kaltura-async client.media.list": sdk,
    }
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    try:
        for one in contenders.values():
            await _fan_out(200, concurrency, one)
        for _ in range(rounds):
            for name, one in contenders.items():
                started = time.process_time()
                await _fan_out(calls, concurrency, one)
                samples[name].append((time.process_time() - started) / calls)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            await _fan_out(calls, concurrency, sdk)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    finally:
        await session.close()
        await client.aclose()
    return {name: statistics.median(values) for name, values in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_hot_path")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--calls", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile the SDK contender")
    args = parser.parse_args(argv)
    with canned_server(5) as url:
        asyncio.run(_wait_ready(url))
        cpu = asyncio.run(measure(url, args.concurrency, args.calls, args.rounds, args.profile))
    base = cpu["raw aiohttp + json.loads"]
    print(f"\nCPU per call at concurrency {args.concurrency} (median of {args.rounds} rounds)\n")
    print("| contender | CPU µs per call | vs raw |")
    print("|---|---:|---:|")
    for name, seconds in cpu.items():
        print(f"| {name} | {seconds * 1e6:.1f} | {seconds / base:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
