"""examples/aiohttp_backend.py serves Kaltura-backed endpoints through one shared client."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from kaltura_async.testing import KalturaEmulator

from .conftest import load_example

backend = load_example("aiohttp_backend")


async def test_backend_serves_entries_with_one_client(
    kaltura_emulator: KalturaEmulator, account: dict[str, Any]
) -> None:
    ids = kaltura_emulator.seed_entries(7, name_prefix="talk")
    kaltura_emulator.seed_entries(3, name_prefix="other")
    urls: list[str] = []
    ready, stop = asyncio.Event(), asyncio.Event()

    def started(url: str) -> None:
        urls.append(url)
        ready.set()

    server = asyncio.create_task(backend.main(**account, port=0, started=started, stop=stop))
    try:
        async with asyncio.timeout(30):
            await ready.wait()
        base = urls[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/entries", params={"q": "talk", "limit": "5"}) as resp:
                assert resp.status == 200
                body = await resp.json()
            assert body["total"] == 7
            assert len(body["entries"]) == 5
            assert {e["status"] for e in body["entries"]} == {"READY"}
            answers = await asyncio.gather(
                *(http.get(f"{base}/entries/{i}") for i in ids), return_exceptions=False
            )
            for answer, entry_id in zip(answers, ids, strict=True):
                assert answer.status == 200
                assert (await answer.json())["id"] == entry_id
                answer.release()
            async with http.get(f"{base}/entries/0_nosuch") as resp:
                assert resp.status == 404
            async with http.get(f"{base}/entries", params={"limit": "x"}) as resp:
                assert resp.status == 400
    finally:
        stop.set()
        await server
    # One client for all those requests: a single KS was generated and reused.
    assert kaltura_emulator.counters[("media", "get")] == 8
    assert kaltura_emulator.counters[("session", "start")] == 0  # the KS is made locally
