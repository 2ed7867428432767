"""The emulator's throughput (``bench_emulator``) as benchmark rows: simple calls, and a cursor
walk of ``media.list`` over 100,000 entries (20,000 with ``--quick``)."""

from __future__ import annotations

from typing import Any

from . import bench_emulator

CONCURRENCY = 32
WALK_LABEL = "media.list cursor walk"


async def run(quick: bool = False) -> list[dict[str, Any]]:
    calls = 1000 if quick else 5000
    rates = await bench_emulator.run(calls, CONCURRENCY)
    entries = 20_000 if quick else 100_000
    walk = await bench_emulator.paginate(entries)
    scenario = f"emulator, raw aiohttp client, concurrency {CONCURRENCY}"
    walk_row = {
        "scenario": f"emulator, paginating {entries:,} entries",
        "contender": WALK_LABEL,
        "unit": "items/s",
        "median": walk,
        "min": walk,
        "max": walk,
        "ratio": None,
        "baseline": "-",
        "rounds": 1,
        "notes": f"page {bench_emulator.PAGE_SIZE}, createdAtGreaterThanOrEqual cursor, one walk",
    }
    calls_rows = [
        {
            "scenario": scenario,
            "contender": name,
            "unit": "ops/s",
            "median": rate,
            "min": rate,
            "max": rate,
            "ratio": rate / rates["system.ping"],
            "baseline": "system.ping",
            "rounds": 1,
            "notes": f"{calls} calls each, one timed pass after a warm-up",
        }
        for name, rate in rates.items()
    ]
    return [walk_row, *calls_rows]
