"""Decoding list answers: typed models, parse included, against ``json.loads`` alone.

The baseline is ``json.loads`` of the response bytes: what a user without the SDK does.
kaltura-async parses the same bytes with its own parser (``kaltura_async._json``, what
the transport uses) and decodes them into ``MediaListResponse``/``MediaEntry`` models; the
official client parses the equivalent XML (its only format) with lxml and its
``KalturaObjectFactory``. The main scenario is a 500-entry page; a sweep over entry counts
feeds the decode-time plot; and one ~45-field ``MediaEntry`` gives the per-entry cost.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from kaltura_async import _json
from kaltura_async._codec import decode
from kaltura_async._kind import Kind

from . import _official
from ._canned import list_response, list_response_xml, media_entry
from ._harness import Contender, Scenario, markdown, measure, summarize, write_json

ENTRIES = 500
SWEEP = (1, 10, 100, 500, 2000)
BASELINE = "json.loads alone"
SDK = "kaltura-async: parse + typed decode"
OFFICIAL = f"{_official.NAME}: lxml + object factory (XML)"
PER_ENTRY = "typed decode of one MediaEntry"
PER_ENTRY_SCENARIO = "per-entry typed decode (a ~45-field MediaEntry)"
LIST = Kind.obj("KalturaMediaListResponse")
ENTRY = Kind.obj("KalturaMediaEntry")


def _cpu(fn: Any, times: int) -> Callable[[], Awaitable[float]]:
    """Run ``fn`` ``times`` times; the CPU seconds one call took (``time.process_time``:
    decoding is pure CPU work, and on a shared machine wall time also counts the moments
    this process was not running at all)."""

    async def run() -> float:
        started = time.process_time()
        for _ in range(times):
            fn()
        return (time.process_time() - started) / times

    return run


CPU_NOTE = "CPU time of this process (time.process_time), contenders alternating round by round"


def scenario_name(entries: int) -> str:
    return f"decode {entries}-entry MediaListResponse"


def scenario(times: int, entries: int = 0, official: bool = True) -> Scenario:
    entries = entries or ENTRIES
    raw = list_response(entries)

    def sdk() -> Any:
        result = decode(LIST, _json.loads(raw))
        if len(result.objects) != entries:
            raise RuntimeError("decoded an unexpected number of entries")
        return result

    contenders = [
        Contender(BASELINE, _cpu(lambda: json.loads(raw), times), self_timed=True),
        Contender(SDK, _cpu(sdk, times), self_timed=True),
    ]
    notes = CPU_NOTE
    if official and _official.available():
        parse = _official.parse_list(list_response_xml(entries))
        contenders.append(Contender(OFFICIAL, _cpu(parse, times), self_timed=True))
    elif official:
        notes = f"{CPU_NOTE}; {_official.MISSING_NOTE}"
    return Scenario(scenario_name(entries), BASELINE, contenders, unit="time", notes=notes)


def per_entry(times: int, rounds: int) -> list[dict[str, Any]]:
    """Seconds to decode one parsed ``MediaEntry`` (its 45 keys), and the same over
    ``json.loads`` of that one entry's bytes for scale."""
    data = json.loads(json.dumps(media_entry(7)))
    raw = json.dumps(data).encode()
    decode(ENTRY, data)  # compile this key layout, as a list's second entry does
    samples: dict[str, list[float]] = {PER_ENTRY: [], "json.loads of one entry": []}
    for _ in range(rounds):
        for name, fn in (
            (PER_ENTRY, lambda: decode(ENTRY, data)),
            (
                "json.loads of one entry",
                lambda: json.loads(raw),
            ),
        ):
            started = time.process_time()
            for _ in range(times):
                fn()
            samples[name].append((time.process_time() - started) / times)
    base = sorted(samples["json.loads of one entry"])[rounds // 2]
    rows = []
    for name, values in samples.items():
        median = sorted(values)[rounds // 2]
        rows.append(
            {
                "scenario": PER_ENTRY_SCENARIO,
                "contender": name,
                "unit": "s",
                "median": median,
                "min": min(values),
                "max": max(values),
                "ratio": median / base,
                "baseline": "json.loads of one entry",
                "rounds": rounds,
                "ops_per_round": times,
                "notes": CPU_NOTE,
            }
        )
    return rows


async def run(quick: bool = False) -> list[dict[str, Any]]:
    rows = summarize(await measure(scenario(times=3 if quick else 10), rounds=5 if quick else 15))
    rows += per_entry(times=2000 if quick else 20000, rounds=5 if quick else 11)
    for entries in SWEEP:
        if entries == ENTRIES:
            continue
        times = max(1, (300 if quick else 3000) // entries)
        sc = scenario(times, entries, official=entries <= 500)
        rows += summarize(await measure(sc, rounds=3 if quick else 7))
    return rows


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (argv if argv is not None else sys.argv[1:])
    rows = asyncio.run(run(quick))
    print(markdown(rows))
    write_json("decode", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
