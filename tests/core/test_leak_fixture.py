"""The shared connection-leak check sees a connection that was never given back."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.conftest import ConnectionCount


async def test_a_response_left_open_holds_its_connection(connections: ConnectionCount) -> None:
    finish = asyncio.Event()

    async def stalled(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        await resp.write(b"[1,")
        await finish.wait()  # the rest of the body comes when the test says so
        await resp.write(b"2]")
        return resp

    app = web.Application()
    app.router.add_post("/", stalled)
    async with TestServer(app) as server:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector()) as session:
            resp = await session.post(server.make_url("/"))
            assert connections.in_use == 1  # a body not read to its end: the pool lost one
            finish.set()
            assert await resp.read() == b"[1,2]"  # read to the end, it is given back
            assert connections.in_use == 0
