"""A minimal canned api_v3 server in its own process, so client overhead is what is measured.

It answers every POST with a fixed ``media.list`` response of N entries, chosen on
start-up: JSON by default, or the same response as XML when the request asks for
``format=2`` (the official client, which reads only XML). Nothing else is parsed.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import random
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web


def media_entry(i: int) -> dict[str, object]:
    return {
        "mediaType": 1,
        "conversionQuality": "3",
        "sourceType": "1",
        "dataUrl": f"https://cdn.example.invalid/p/1/sp/100/playManifest/entryId/0_{i:08x}",
        "flavorParamsIds": "0,2,3,4",
        "plays": 10 + i,
        "views": 20 + i,
        "duration": 120,
        "msDuration": 120000,
        "id": f"0_{i:08x}",
        "name": f"Entry number {i}",
        "description": "A canned entry for benchmarks",
        "partnerId": 100,
        "userId": "bench@example.invalid",
        "creatorId": "bench@example.invalid",
        "tags": "bench,canned",
        "categories": "",
        "categoriesIds": "",
        "status": 2,
        "moderationStatus": 6,
        "moderationCount": 0,
        "type": 1,
        "createdAt": 1700000000 + i,
        "updatedAt": 1700000100 + i,
        "rank": 0,
        "totalRank": 0,
        "votes": 0,
        "downloadUrl": f"https://cdn.example.invalid/p/100/sp/10000/raw/entry_id/0_{i:08x}/version/0",
        "searchText": f"_PAR_ONLY_ _100_ _MEDIA_TYPE_1| Entry number {i}",
        "licenseType": -1,
        "version": 0,
        "thumbnailUrl": f"https://cdn.example.invalid/p/100/sp/10000/thumbnail/entry_id/0_{i:08x}/version/100000",
        "accessControlId": 1,
        "replacementStatus": 0,
        "partnerSortValue": 0,
        "conversionProfileId": 5,
        "rootEntryId": f"0_{i:08x}",
        "operationAttributes": [],
        "entitledUsersEdit": "",
        "entitledUsersPublish": "",
        "entitledUsersView": "",
        "capabilities": "",
        "displayInSearch": 1,
        "blockAutoTranscript": False,
        "objectType": "KalturaMediaEntry",
    }


def list_object(n: int) -> dict[str, object]:
    return {
        "objects": [media_entry(i) for i in range(n)],
        "totalCount": n,
        "objectType": "KalturaMediaListResponse",
    }


def list_response(n: int) -> bytes:
    return json.dumps(list_object(n)).encode()


def list_response_xml(n: int) -> bytes:
    """The same response as the server's format=2 XML, rendered like the emulator does."""
    from kaltura_async.testing._render import render_xml

    return render_xml(list_object(n), 0.001)


_XML_FORMAT = re.compile(rb'"format"\s*:\s*"?2\b')


def _serve(sock: socket.socket, n: int, latency: float) -> None:
    body = list_response(n)
    xml = list_response_xml(n)
    jitter = random.Random(7)

    async def handler(request: web.Request) -> web.Response:
        data = await request.read()
        if latency:
            # Stands for the network round trip and the server's own work; jittered
            # (0.5x to 1.5x) as real answers are, so concurrent callers do not move in
            # lockstep bursts that only measure how fast one core drains a burst.
            await asyncio.sleep(latency * (0.5 + jitter.random()))
        if request.query.get("format") == "2" or _XML_FORMAT.search(data[:4096]):
            return web.Response(body=xml, content_type="text/xml")
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    web.run_app(app, sock=sock, print=None, access_log=None, handle_signals=True)


@contextmanager
def canned_server(n: int = 5, latency: float = 0.0) -> Iterator[str]:
    """Start the canned server in a child process; yields its base URL.

    ``latency`` delays every answer, as a real endpoint's round trip would."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_serve, args=(sock, n, latency), daemon=True)
    proc.start()
    sock.close()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.join(5)
