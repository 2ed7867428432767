"""The benchmark harness: alternate contenders over rounds, report medians and ratios.

Every scenario runs all its contenders in the same process, interleaved round by round, so
a noisy neighbour slows them alike; the result is the ratio to the baseline of the same
run, never an absolute time.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import attrs

RESULTS_DIR = Path(__file__).parent / "results"


@attrs.define
class Contender:
    name: str
    #: runs the workload once and returns how many operations it did
    run: Callable[[], Awaitable[int]]
    samples: list[float] = attrs.field(factory=list)  # seconds per operation
    ops: int = 0


@attrs.define
class Scenario:
    name: str
    baseline: str
    contenders: list[Contender]
    #: "throughput" reports ops/s (higher is better, ratio = baseline time / time);
    #: "time" reports seconds (lower is better, ratio = time / baseline time)
    unit: str = "throughput"
    notes: str = ""


async def measure(scenario: Scenario, rounds: int = 5, warmup: int = 1) -> Scenario:
    for _ in range(warmup):
        for c in scenario.contenders:
            await c.run()
    for _ in range(rounds):
        for c in scenario.contenders:
            start = time.perf_counter()
            ops = await c.run()
            elapsed = time.perf_counter() - start
            c.ops = ops
            c.samples.append(elapsed / max(ops, 1))
    return scenario


def summarize(scenario: Scenario) -> list[dict[str, Any]]:
    base = next(c for c in scenario.contenders if c.name == scenario.baseline)
    base_median = statistics.median(base.samples)
    rows = []
    for c in scenario.contenders:
        median = statistics.median(c.samples)
        if scenario.unit == "throughput":
            ratio = base_median / median
            value, lo, hi = 1 / median, 1 / max(c.samples), 1 / min(c.samples)
        else:
            ratio = median / base_median
            value, lo, hi = median, min(c.samples), max(c.samples)
        rows.append(
            {
                "scenario": scenario.name,
                "contender": c.name,
                "unit": "ops/s" if scenario.unit == "throughput" else "s",
                "median": value,
                "min": lo,
                "max": hi,
                "ratio": ratio,
                "baseline": scenario.baseline,
                "rounds": len(c.samples),
            }
        )
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| scenario | contender | median | min | max | ratio vs baseline |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        fmt = "{:,.0f} ops/s" if r["unit"] == "ops/s" else "{:.4f} s"
        lines.append(
            f"| {r['scenario']} | {r['contender']} | {fmt.format(r['median'])} | "
            f"{fmt.format(r['min'])} | {fmt.format(r['max'])} | "
            f"{r['ratio']:.2f}x (vs {r['baseline']}) |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def write_json(name: str, rows: list[dict[str, Any]]) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    return path
