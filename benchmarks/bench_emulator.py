"""Emulator throughput with a raw aiohttp client: simple calls, and a cursor walk of a big list.

Simple calls: system.ping and media.get at a fixed concurrency. The walk: ``media.list`` over
``--entries`` READY entries created ten per second, page 500, every page asked as page 1 of
``createdAtGreaterThanOrEqual`` the newest second seen and ``orderBy=+createdAt`` (the SDK's
cursor strategy), so each page costs the emulator a fresh query over the whole store.

Run: ``PYTHONPATH=. python benchmarks/bench_emulator.py [--calls N] [--concurrency C]
[--entries E]``.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import aiohttp
import msgspec

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


PAGE_SIZE = 500
PER_SECOND = 10


async def walk(session: aiohttp.ClientSession, url: str, ks: str) -> int:
    """Cursor-walk ``media.list``; returns how many distinct entries it yielded."""
    since: int | None = None
    boundary: set[str] = set()
    seen = 0
    while True:
        flt: dict[str, object] = {"objectType": "KalturaMediaEntryFilter", "orderBy": "+createdAt"}
        if since is not None:
            flt["createdAtGreaterThanOrEqual"] = since
        if len(boundary) * 2 >= PAGE_SIZE:
            flt["idNotIn"] = ",".join(sorted(boundary))
        body = {"format": 1, "ks": ks, "filter": flt, "pager": {"pageSize": PAGE_SIZE}}
        async with session.post(url, json=body) as resp:
            page = msgspec.json.decode(await resp.read())
        fresh = 0
        for item in page["objects"]:
            if item["createdAt"] == since and item["id"] in boundary:
                continue
            if item["createdAt"] != since:
                since, boundary = item["createdAt"], set()
            boundary.add(item["id"])
            fresh += 1
        seen += fresh
        if fresh == 0:
            return seen


async def paginate(entries: int) -> float:
    """Items/s of one cursor walk over ``entries`` entries (after a short warm-up walk)."""
    async with KalturaEmulator() as emu:
        start = int(time.time()) - entries // PER_SECOND - 1
        for i, entry_id in enumerate(emu.seed_entries(entries)):
            emu.entries[entry_id]["createdAt"] = start + i // PER_SECOND
        ks = emu.admin_ks()
        url = f"{emu.url}/api_v3/service/media/action/list"
        async with aiohttp.ClientSession() as session:
            started = time.perf_counter()
            seen = await walk(session, url, ks)
            elapsed = time.perf_counter() - started
        if seen != entries:
            raise RuntimeError(f"the walk yielded {seen} of {entries} entries")
        return entries / elapsed


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
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args(argv)
    for name, rate in asyncio.run(run(args.calls, args.concurrency)).items():
        print(f"{name}: {rate:,.0f} calls/s (concurrency {args.concurrency}, {args.calls} calls)")
    rate = asyncio.run(paginate(args.entries))
    print(
        f"media.list cursor walk: {rate:,.0f} items/s ({args.entries:,} entries, page {PAGE_SIZE})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
