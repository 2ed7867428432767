"""The targets the issues set, checked against the rows of one run.

:func:`evaluate` gives one verdict per target: the performance table of the typed-results
work (each row with the figure measured before that work, the goal, this run's figure and
whether it holds), then the older standing targets (memory, emulator calls/s). A row whose
scenario did not run in this invocation says so instead of guessing.
"""

from __future__ import annotations

import math
from typing import Any

from . import _emulator_rows, bench_decode, bench_import, bench_transport

#: Emulator pagination (``_emulator_rows``) and the upload comparison (``bench_upload``).
PAGINATION_SCENARIO = "emulator, paginating 100,000 entries"
UPLOAD_CONTENDER = "client.upload parallel=1"
UPLOAD_SIZE_MIB = 128


def _find(rows: list[dict[str, Any]], scenario: str, contender: str) -> dict[str, Any] | None:
    for row in rows:
        if row.get("scenario") == scenario and row.get("contender") == contender:
            return row
    return None


def _verdict(
    target: str,
    measured: str,
    holds: bool | None,
    today: str = "",
    goal: str = "",
) -> dict[str, Any]:
    return {"target": target, "measured": measured, "holds": holds, "today": today, "goal": goal}


def _missing(target: str, today: str, goal: str, why: str) -> dict[str, Any]:
    return _verdict(target, why, None, today, goal)


def typed_results(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The eight rows of the typed-results table, plus the import bound."""
    out: list[dict[str, Any]] = []
    not_run = "not run in this invocation"
    for concurrency, today in ((1, "0.79x"), (32, "0.59x"), (256, "0.58x")):
        target = f"typed media.list / raw aiohttp + json.loads, concurrency {concurrency}"
        sdk = _find(rows, f"media.list x5, concurrency {concurrency}", bench_transport.SDK)
        if sdk is None:
            out.append(_missing(target, today, ">= 1.0x", not_run))
        else:
            ratio = sdk["ratio"]
            out.append(_verdict(target, f"{ratio:.2f}x", ratio >= 1.0, today, ">= 1.0x"))
    target = "vs the official client, sequential (concurrency 1)"
    scenario = "media.list x5, concurrency 1"
    sdk = _find(rows, scenario, bench_transport.SDK)
    official = _find(rows, scenario, bench_transport.OFFICIAL_SEQ)
    if sdk is None or official is None:
        out.append(_missing(target, "4.5x", ">= 5x", not_run))
    else:
        speedup = sdk["median"] / official["median"]
        out.append(_verdict(target, f"{speedup:.1f}x", speedup >= 5, "4.5x", ">= 5x"))
    target = (
        f"typed decode of a {bench_decode.ENTRIES}-entry list, parse included / json.loads alone"
    )
    sdk = _find(rows, bench_decode.scenario_name(bench_decode.ENTRIES), bench_decode.SDK)
    if sdk is None:
        out.append(_missing(target, "2.57x", "<= 1.0x", not_run))
    else:
        ratio = sdk["ratio"]
        out.append(_verdict(target, f"{ratio:.2f}x", ratio <= 1.0, "2.57x", "<= 1.0x"))
    target = bench_decode.PER_ENTRY_SCENARIO
    row = _find(rows, bench_decode.PER_ENTRY_SCENARIO, bench_decode.PER_ENTRY)
    if row is None:
        out.append(_missing(target, "8.5 µs", "<= 3 µs", not_run))
    else:
        micros = row["median"] * 1e6
        measured = f"{micros:.2f} µs ({row['ratio']:.2f}x json.loads of its bytes)"
        out.append(_verdict(target, measured, micros <= 3.0, "8.5 µs", "<= 3 µs"))
    target = PAGINATION_SCENARIO
    walks = [
        r
        for r in rows
        if str(r.get("scenario", "")).startswith("emulator, paginating")
        and r.get("contender") == _emulator_rows.WALK_LABEL
    ]
    if not walks:
        out.append(_missing(target, "1,624 items/s", ">= 20,000 items/s", not_run))
    else:
        row = walks[0]
        rate = row["median"]
        measured = f"{rate:,.0f} items/s"
        if row["scenario"] != PAGINATION_SCENARIO:  # --quick walks fewer entries
            measured += f" ({row['scenario'].removeprefix('emulator, ')})"
        out.append(_verdict(target, measured, rate >= 20_000, "1,624 items/s", ">= 20,000 items/s"))
    target = f"upload, parallel 1, {UPLOAD_SIZE_MIB} MiB, vs one raw POST of the same bytes"
    row = _find(rows, f"upload {UPLOAD_SIZE_MIB} MiB file (MiB/s)", UPLOAD_CONTENDER)
    if row is None:
        quick = next(
            (r for r in rows if r.get("contender") == UPLOAD_CONTENDER and "file" in r["scenario"]),
            None,
        )
        why = not_run if quick is None else f"{quick['ratio']:.2f}x at {quick['scenario']} only"
        out.append(_missing(target, "0.61x", ">= 0.8x", why))
    else:
        ratio = row["ratio"]
        out.append(_verdict(target, f"{ratio:.2f}x", ratio >= 0.8, "0.61x", ">= 0.8x"))
    target = "import kaltura_async + KalturaClient / import aiohttp"
    sdk = _find(rows, "import + client construction (fresh interpreters)", bench_import.SDK)
    if sdk is None:
        out.append(_missing(target, "1.19x", "<= 1.3x", not_run))
    else:
        ratio = sdk["ratio"]
        out.append(_verdict(target, f"{ratio:.2f}x", ratio <= 1.3, "1.19x", "<= 1.3x"))
    return out


def standing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Targets of earlier work that still hold the line: memory and emulator calls/s."""
    out: list[dict[str, Any]] = []
    latency = _find(rows, bench_transport.LATENCY_LABEL, bench_transport.SDK)
    if latency is not None:
        out.append(
            _verdict(
                f"{bench_transport.LATENCY_LABEL}: kaltura-async >= 0.90x raw aiohttp",
                f"{latency['ratio']:.2f}x",
                latency["ratio"] >= 0.90,
            )
        )
    official = _find(rows, bench_decode.scenario_name(bench_decode.ENTRIES), bench_decode.OFFICIAL)
    sdk = _find(rows, bench_decode.scenario_name(bench_decode.ENTRIES), bench_decode.SDK)
    if official is not None and sdk is not None:
        faster = official["median"] / sdk["median"]
        out.append(
            _verdict(
                f"decode {bench_decode.ENTRIES} entries: kaltura-async faster than the "
                "official client's decode",
                f"{faster:.1f}x faster",
                faster > 1,
            )
        )
    for row in rows:
        contender = str(row.get("contender", ""))
        if contender.startswith("peak traced memory growth") and row["ratio"] not in (None, 1.0):
            ratio = row["ratio"]
            out.append(
                _verdict(
                    f"{row['scenario']}: flat memory (peak growth within 1.5x of a tenth the walk)",
                    f"{row['median']:.1f} MiB, {ratio:.2f}x",
                    not math.isnan(ratio) and ratio <= 1.5,
                )
            )
        if str(row.get("scenario", "")).startswith("emulator, raw") and contender == "media.get":
            out.append(
                _verdict(
                    "emulator >= 1,000 calls/s (media.get)",
                    f"{row['median']:,.0f} calls/s",
                    row["median"] >= 1000,
                )
            )
    return out


def evaluate(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return typed_results(rows) + standing(rows)
