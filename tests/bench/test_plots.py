"""The plot series are read from benchmark rows as the runner writes them."""

from __future__ import annotations

from typing import Any

from benchmarks import bench_decode, bench_transport, plots


def _row(scenario: str, contender: str, median: float) -> dict[str, Any]:
    return {"scenario": scenario, "contender": contender, "median": median}


def test_throughput_series_by_concurrency() -> None:
    rows = [
        _row(f"media.list x5, concurrency {c}", name, value)
        for c in (256, 1, 32)
        for name, value in (
            (bench_transport.RAW, 1000.0 + c),
            (bench_transport.SDK, 900.0 + c),
            (bench_transport.OFFICIAL_SEQ, 100.0 + c),
            (bench_transport.OFFICIAL_POOL, 300.0 + c),
        )
    ]
    rows.append(_row(bench_transport.LATENCY_LABEL, bench_transport.SDK, 5.0))
    series = plots.throughput_series(rows)
    assert series["raw aiohttp + json.loads"] == [(1, 1001.0), (32, 1032.0), (256, 1256.0)]
    assert series["kaltura-async (typed models)"][0] == (1, 901.0)
    # the official client: sequential at 1, its thread pool above
    assert series["official client"] == [(1, 101.0), (32, 332.0), (256, 556.0)]


def test_decode_series_by_entry_count() -> None:
    rows = [
        _row(bench_decode.scenario_name(n), name, n * factor)
        for n in (500, 1, 10)
        for name, factor in ((bench_decode.BASELINE, 2.0), (bench_decode.SDK, 1.5))
    ]
    rows.append(_row(bench_decode.PER_ENTRY_SCENARIO, bench_decode.PER_ENTRY, 1.0))
    series = plots.decode_series(rows)
    assert series["json.loads alone (dicts)"] == [(1, 2.0), (10, 20.0), (500, 1000.0)]
    assert series["kaltura-async: parse + typed models"][-1] == (500, 750.0)
    assert len(series) == 2
