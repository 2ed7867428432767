"""The targets the issues set, checked against the rows of one run."""

from __future__ import annotations

import math
from typing import Any

from . import bench_decode, bench_import, bench_transport


def _find(rows: list[dict[str, Any]], scenario: str, contender: str) -> dict[str, Any] | None:
    for row in rows:
        if row["scenario"] == scenario and row["contender"] == contender:
            return row
    return None


def _verdict(target: str, measured: str, holds: bool) -> dict[str, Any]:
    return {"target": target, "measured": measured, "holds": holds}


def evaluate(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for concurrency in (1, 32, 256):
        scenario = f"media.list x5, concurrency {concurrency}"
        sdk = _find(rows, scenario, bench_transport.SDK)
        if sdk is None:
            continue
        out.append(
            _verdict(
                f"{scenario}: kaltura-async >= 0.90x raw aiohttp",
                f"{sdk['ratio']:.2f}x",
                sdk["ratio"] >= 0.90,
            )
        )
        official = _find(rows, scenario, bench_transport.OFFICIAL_SEQ)
        if official is not None:
            speedup = sdk["median"] / official["median"]
            out.append(
                _verdict(
                    f"{scenario}: kaltura-async >= 5x official client sequential",
                    f"{speedup:.1f}x",
                    speedup >= 5,
                )
            )
    latency = _find(rows, bench_transport.LATENCY_LABEL, bench_transport.SDK)
    if latency is not None:
        out.append(
            _verdict(
                f"{bench_transport.LATENCY_LABEL}: kaltura-async >= 0.90x raw aiohttp",
                f"{latency['ratio']:.2f}x",
                latency["ratio"] >= 0.90,
            )
        )
    decode_scenario = f"decode {bench_decode.ENTRIES}-entry MediaListResponse"
    sdk = _find(rows, decode_scenario, bench_decode.SDK)
    if sdk is not None:
        out.append(
            _verdict(
                f"decode {bench_decode.ENTRIES} entries: kaltura-async <= 3x json.loads alone",
                f"{sdk['ratio']:.2f}x",
                sdk["ratio"] <= 3,
            )
        )
        official = _find(rows, decode_scenario, bench_decode.OFFICIAL)
        if official is not None:
            faster = official["median"] / sdk["median"]
            out.append(
                _verdict(
                    f"decode {bench_decode.ENTRIES} entries: kaltura-async faster than the official client's decode",
                    f"{faster:.1f}x faster",
                    faster > 1,
                )
            )
    import_scenario = "import + client construction (fresh interpreters)"
    sdk = _find(rows, import_scenario, bench_import.SDK)
    if sdk is not None:
        out.append(
            _verdict(
                "import kaltura_async + KalturaClient <= 1.3x import aiohttp",
                f"{sdk['ratio']:.2f}x",
                sdk["ratio"] <= 1.3,
            )
        )
    for row in rows:
        if row["contender"].startswith("peak traced memory growth") and row["ratio"] not in (
            None,
            1.0,
        ):
            ratio = row["ratio"]
            out.append(
                _verdict(
                    f"{row['scenario']}: flat memory (peak growth within 1.5x of a tenth the walk)",
                    f"{row['median']:.1f} MiB, {ratio:.2f}x",
                    not math.isnan(ratio) and ratio <= 1.5,
                )
            )
        if row["scenario"].startswith("emulator, paginating") and row["unit"] == "items/s":
            out.append(
                _verdict(
                    f"{row['scenario']}: >= 20,000 items/s",
                    f"{row['median']:,.0f} items/s",
                    row["median"] >= 20_000,
                )
            )
        if row["scenario"].startswith("emulator") and row["contender"] == "media.get":
            out.append(
                _verdict(
                    "emulator >= 1,000 calls/s (media.get)",
                    f"{row['median']:,.0f} calls/s",
                    row["median"] >= 1000,
                )
            )
    return out
