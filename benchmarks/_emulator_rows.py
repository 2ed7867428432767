"""The emulator's throughput on simple calls (``bench_emulator``) as benchmark rows."""

from __future__ import annotations

from typing import Any

from . import bench_emulator

CONCURRENCY = 32


async def run(quick: bool = False) -> list[dict[str, Any]]:
    calls = 1000 if quick else 5000
    rates = await bench_emulator.run(calls, CONCURRENCY)
    scenario = f"emulator, raw aiohttp client, concurrency {CONCURRENCY}"
    return [
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
