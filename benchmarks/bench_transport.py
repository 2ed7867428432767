"""Call throughput: kaltura-async against raw aiohttp doing the same HTTP work.

Both contenders POST the same JSON body to the same canned ``media.list`` server (its own
process) and parse the JSON answer; kaltura-async also validates, encodes and decodes into
typed models. The official client asks the same server for XML (its only format) and
decodes it into its own objects, sequentially and from a 32-thread pool. Concurrency 1,
32 and 256.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import aiohttp

from kaltura_async import KalturaClient, Limits, RetryPolicy

from . import _official
from ._canned import canned_server
from ._harness import (
    Contender,
    Scenario,
    blocking,
    markdown,
    measure,
    summarize,
    write_json,
)

BODY = {
    "filter": {"objectType": "KalturaMediaEntryFilter", "nameLike": "demo"},
    "pager": {"objectType": "KalturaFilterPager", "pageSize": 5},
    "clientTag": "kaltura-async",
    "ks": "djJ8MTAwfGJlbmNo",
}


async def _fan_out(n_ops: int, concurrency: int, one: Any) -> int:
    queue = iter(range(n_ops))

    async def worker() -> None:
        for _ in queue:
            await one()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return n_ops


def _typed_call(client: KalturaClient) -> Any:
    from kaltura_async.types import FilterPager, MediaEntryFilter

    return lambda: client.media.list(
        filter=MediaEntryFilter(name_like="demo"), pager=FilterPager(page_size=5)
    )


SDK = "kaltura-async (typed)"
RAW = "raw aiohttp + json"
OFFICIAL_SEQ = f"{_official.NAME}, sequential"
OFFICIAL_POOL = f"{_official.NAME}, 32 threads"


async def scenario(
    url: str,
    concurrency: int,
    n_ops: int,
    rounds: int,
    official_ops: int,
    label: str | None = None,
) -> Scenario:
    limits = Limits(
        max_connections=max(concurrency, 1), max_connections_per_host=max(concurrency, 1)
    )
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    raw = aiohttp.ClientSession(connector=connector)
    client = KalturaClient(url, ks=BODY["ks"], limits=limits, retry=RetryPolicy.none())
    target = f"{url}/api_v3/service/media/action/list"
    data = json.dumps(BODY).encode()

    async def raw_one() -> None:
        async with raw.post(
            target, data=data, params={"format": "1"}, headers={"Content-Type": "application/json"}
        ) as resp:
            json.loads(await resp.read())

    typed = _typed_call(client)

    async def sdk_one() -> None:
        await typed()

    contenders = [
        Contender(RAW, lambda: _fan_out(n_ops, concurrency, raw_one)),
        Contender(SDK, lambda: _fan_out(n_ops, concurrency, sdk_one)),
    ]
    pool = None
    notes = ""
    if official_ops and _official.available():
        contenders.append(
            Contender(OFFICIAL_SEQ, blocking(_official.sequential(url, BODY["ks"], official_ops)))
        )
        if concurrency > 1:
            pool = _official.ThreadPool(url, BODY["ks"], 32)
            contenders.append(Contender(OFFICIAL_POOL, blocking(pool.runner(official_ops * 4))))
    elif official_ops:
        notes = _official.MISSING_NOTE
    name = label or f"media.list x5, concurrency {concurrency}"
    sc = Scenario(name, RAW, contenders, notes=notes)
    try:
        await measure(sc, rounds=rounds)
    finally:
        await raw.close()
        await client.aclose()
        if pool is not None:
            pool.close()
    return sc


async def run(quick: bool = False) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    rounds = 3 if quick else 7
    with canned_server(5) as url:
        await _wait_ready(url)
        for concurrency in (1, 32, 256):
            n_ops = (200 if quick else 600) if concurrency == 1 else (600 if quick else 3000)
            official_ops = 20 if quick else 60
            sc = await scenario(url, concurrency, n_ops, rounds, official_ops)
            rows += summarize(sc)
    # On loopback a raw request costs ~0.2 ms of client CPU, so the SDK's typed decode
    # weighs as much as the request itself. Against a real endpoint the round trip
    # dominates: the same comparison with 20 ms of server-side latency shows that.
    with canned_server(5, latency=0.02) as url:
        await _wait_ready(url)
        sc = await scenario(url, 32, 320 if quick else 960, rounds, 0, label=LATENCY_LABEL)
        rows += summarize(sc)
    return rows


LATENCY_LABEL = "media.list x5, concurrency 32, 20 ms latency"


async def _wait_ready(url: str) -> None:
    async with aiohttp.ClientSession() as s:
        for _ in range(200):
            try:
                async with s.post(f"{url}/api_v3/service/system/action/ping") as r:
                    await r.read()
                    return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
    raise RuntimeError("canned server did not start")


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (argv if argv is not None else sys.argv[1:])
    rows = asyncio.run(run(quick))
    print(markdown(rows))
    write_json("transport", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
