"""The emulator's throughput (``bench_emulator``) as benchmark rows: simple calls at a fixed
concurrency, and a cursor walk of ``media.list`` over 100,000 entries (items/s)."""

from __future__ import annotations

import math
from typing import Any

from . import bench_emulator
from ._targets import PAGINATION_CONTENDER, PAGINATION_SCENARIO

CONCURRENCY = 32
WALK_ENTRIES = 100_000


async def run(quick: bool = False) -> list[dict[str, Any]]:
    calls = 1000 if quick else 5000
    rates = await bench_emulator.run(calls, CONCURRENCY)
    scenario = f"emulator, raw aiohttp client, concurrency {CONCURRENCY}"
    rows = [
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
    paginate = getattr(bench_emulator, "paginate", None)
    if quick or paginate is None:
        rate = math.nan
        notes = (
            "the 100,000-entry walk runs in the full benchmark only"
            if quick
            else "bench_emulator has no paginate() on this branch"
        )
    else:
        rate = await paginate(WALK_ENTRIES)
        notes = f"one cursor walk over {WALK_ENTRIES:,} entries, page {bench_emulator.PAGE_SIZE}"
    rows.append(
        {
            "scenario": PAGINATION_SCENARIO,
            "contender": PAGINATION_CONTENDER,
            "unit": "items/s",
            "median": rate,
            "min": rate,
            "max": rate,
            "ratio": None,
            "baseline": "-",
            "rounds": 1,
            "notes": notes,
        }
    )
    return rows
