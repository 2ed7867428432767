"""Emulator throughput on simple calls (system.ping, media.get) with a raw aiohttp client.

Run: ``PYTHONPATH=. python benchmarks/bench_emulator.py [--calls N] [--concurrency C]``.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import aiohttp

from kaltura_async.testing import KalturaEmulator


async def _measure(
    session: aiohttp.ClientSession, url: str, body: dict[str, object], calls: int, concurrency: int
) -> float:
    remaining = calls

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            async with session.post(url, json=body) as resp:
                await resp.read()
                assert resp.status == 200

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return calls / (time.perf_counter() - started)


async def run(calls: int, concurrency: int) -> dict[str, float]:
    async with KalturaEmulator() as emu:
        entry_id = emu.seed_entries(1)[0]
        ks = emu.admin_ks()
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:
            base = f"{emu.url}/api_v3/service"
            cases = {
                "system.ping": (f"{base}/system/action/ping", {"format": 1}),
                "media.get": (
                    f"{base}/media/action/get",
                    {"format": 1, "ks": ks, "entryId": entry_id},
                ),
            }
            results = {}
            for name, (url, body) in cases.items():
                await _measure(session, url, body, min(200, calls), concurrency)
                results[name] = await _measure(session, url, body, calls, concurrency)
            return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args(argv)
    for name, rate in asyncio.run(run(args.calls, args.concurrency)).items():
        print(f"{name}: {rate:,.0f} calls/s (concurrency {args.concurrency}, {args.calls} calls)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
