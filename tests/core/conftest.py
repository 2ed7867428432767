"""A scripted local aiohttp server for transport tests: each request takes the next step."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web


class ScriptedServer:
    """Answers each request with the next scripted step, then with ``default``.

    Steps: ``("json", value)``, ``("status", code, body, headers)``, ``("reset_before",)``
    (drop the connection without acting), ``("reset_after",)`` (act, then drop the
    answer), ``("truncate", value)``, ``("html", status)``, ``("stall",)``.
    """

    def __init__(self) -> None:
        self.steps: list[tuple[Any, ...]] = []
        self.default: tuple[Any, ...] = ("json", True)
        self.requests: list[dict[str, Any]] = []
        self.acted = 0
        self.url = ""
        self.stalled = asyncio.Event()
        self.release = asyncio.Event()

    def script(self, *steps: tuple[Any, ...]) -> None:
        self.steps.extend(steps)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        record: dict[str, Any] = {
            "path": request.path,
            "query": dict(request.query),
            "content_type": request.headers.get("Content-Type", ""),
            "raw": raw,
        }
        if record["content_type"] == "application/json":
            record["body"] = json.loads(raw)
        self.requests.append(record)
        step = self.steps.pop(0) if self.steps else self.default
        kind = step[0]
        if kind == "reset_before":
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        self.acted += 1
        if kind == "json":
            return web.Response(body=json.dumps(step[1]), content_type="application/json")
        if kind == "status":
            _, code, body, headers = (*step, "", {})[:4]
            return web.Response(status=code, text=body, headers=headers)
        if kind == "reset_after":
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if kind == "truncate":
            body = json.dumps(step[1]).encode()
            resp = web.StreamResponse(headers={"Content-Type": "application/json"})
            resp.content_length = len(body) + 50
            await resp.prepare(request)
            await resp.write(body[: len(body) // 2])
            assert request.transport is not None
            request.transport.close()
            return resp
        if kind == "html":
            return web.Response(
                status=step[1],
                text="<html><body>Bad gateway</body></html>",
                content_type="text/html",
            )
        if kind == "stall":
            self.stalled.set()
            await self.release.wait()
            return web.Response(status=599)
        raise AssertionError(f"unknown step {step!r}")


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    scripted = ScriptedServer()
    app = web.Application()
    app.router.add_route("*", "/api_v3/{tail:.*}", scripted.handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sockets = site._server.sockets  # type: ignore[union-attr]
    scripted.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
    yield scripted
    scripted.release.set()
    await runner.cleanup()
