"""Decoding a 500-entry ``MediaListResponse``: typed models against ``json.loads`` alone.

The baseline is ``json.loads`` of the response bytes; kaltura-async parses the same bytes
and decodes them into ``MediaListResponse``/``MediaEntry`` models; the official client
parses the equivalent XML (its only format) with lxml and its ``KalturaObjectFactory``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from kaltura_async._codec import decode
from kaltura_async._kind import Kind

from . import _official
from ._canned import list_response, list_response_xml
from ._harness import Contender, Scenario, blocking, markdown, measure, summarize, write_json

ENTRIES = 500
BASELINE = "json.loads alone"
SDK = "kaltura-async: json.loads + typed decode"
OFFICIAL = f"{_official.NAME}: lxml + object factory (XML)"


def _repeat(fn: Any, times: int) -> Any:
    def run() -> int:
        for _ in range(times):
            fn()
        return times

    return run


def scenario(times: int) -> Scenario:
    raw = list_response(ENTRIES)

    def sdk() -> Any:
        result = decode(Kind.obj("KalturaMediaListResponse"), json.loads(raw))
        if len(result.objects) != ENTRIES:
            raise RuntimeError("decoded an unexpected number of entries")
        return result

    contenders = [
        Contender(BASELINE, blocking(_repeat(lambda: json.loads(raw), times))),
        Contender(SDK, blocking(_repeat(sdk, times))),
    ]
    notes = ""
    if _official.available():
        parse = _official.parse_list(list_response_xml(ENTRIES))
        contenders.append(Contender(OFFICIAL, blocking(_repeat(parse, times))))
    else:
        notes = _official.MISSING_NOTE
    return Scenario(
        f"decode {ENTRIES}-entry MediaListResponse", BASELINE, contenders, unit="time", notes=notes
    )


async def run(quick: bool = False) -> list[dict[str, Any]]:
    sc = scenario(times=3 if quick else 10)
    return summarize(await measure(sc, rounds=5 if quick else 15))


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (argv if argv is not None else sys.argv[1:])
    rows = asyncio.run(run(quick))
    print(markdown(rows))
    write_json("decode", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
