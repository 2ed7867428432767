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
    #: runs the workload once and returns how many operations it did (or, when
    #: ``self_timed``, the seconds one operation took, measured where it ran)
    run: Callable[[], Awaitable[float]]
    samples: list[float] = attrs.field(factory=list)  # seconds per operation
    ops: int = 0
    #: the workload times itself (a child process timing only the part that matters)
    self_timed: bool = False


@attrs.define
class Scenario:
    name: str
    baseline: str
    contenders: list[Contender]
    #: "throughput" reports ops/s (higher is better, ratio = baseline time / time);
    #: "time" reports seconds (lower is better, ratio = time / baseline time)
    unit: str = "throughput"
    notes: str = ""


def blocking(fn: Callable[[], float]) -> Callable[[], Awaitable[float]]:
    """A contender for synchronous work (the official client, a parse): run inline."""

    async def run() -> float:
        return fn()

    return run


async def measure(scenario: Scenario, rounds: int = 5, warmup: int = 1) -> Scenario:
    for _ in range(warmup):
        for c in scenario.contenders:
            await c.run()
    for _ in range(rounds):
        for c in scenario.contenders:
            start = time.perf_counter()
            result = await c.run()
            elapsed = time.perf_counter() - start
            if c.self_timed:
                c.ops = 1
                c.samples.append(result)
            else:
                c.ops = int(result)
                c.samples.append(elapsed / max(c.ops, 1))
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
                "ops_per_round": c.ops,
                "notes": scenario.notes,
            }
        )
    return rows


_FORMATS = {"ops/s": "{:,.0f} ops/s", "s": "{:.4f} s", "items/s": "{:,.0f} items/s"}


def _seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:.2f} µs"
    if value < 1:
        return f"{value * 1e3:.2f} ms"
    return f"{value:.3f} s"


def _format(unit: str, value: float) -> str:
    if unit == "s":
        return _seconds(value)
    return _FORMATS.get(unit, "{:,.1f} " + unit).format(value)


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| scenario | contender | median | min | max | ratio vs baseline |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        unit = r["unit"]
        ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.2f}x (vs {r['baseline']})"
        lines.append(
            f"| {r['scenario']} | {r['contender']} | {_format(unit, r['median'])} | "
            f"{_format(unit, r['min'])} | {_format(unit, r['max'])} | {ratio} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def write_json(name: str, rows: list[dict[str, Any]], directory: Path | None = None) -> Path:
    where = directory or RESULTS_DIR
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    return path
