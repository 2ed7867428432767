"""An aiohttp.web backend serving Kaltura-backed endpoints through one shared client.

The client is created once when the application starts and closed when it stops
(``cleanup_ctx``): every request shares its connection pool and its KS, which a
``SecretKSProvider`` renews before it expires.

    GET /entries?q=NAME&limit=N   entries whose name contains NAME
    GET /entries/{entry_id}       one entry, or 404

Run it against your account (the variables of Kaltura's guides)::

    KALTURA_SERVICE_URL=... KALTURA_PARTNER_ID=... KALTURA_ADMIN_SECRET=... \\
        python examples/aiohttp_backend.py --port 8000

or against a local emulator (``kaltura-async emulator --show-secrets``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from kaltura_async import EntryNotFoundError, KalturaClient, SecretKSProvider
from kaltura_async.types import FilterPager, MediaEntry, MediaEntryFilter

CLIENT = web.AppKey("kaltura_client", KalturaClient)


def entry_json(entry: MediaEntry) -> dict[str, Any]:
    status = entry.status
    return {
        "id": entry.id,
        "name": entry.name,
        "status": getattr(status, "name", status),
        "createdAt": entry.created_at,
    }


async def list_entries(request: web.Request) -> web.Response:
    client = request.app[CLIENT]
    try:
        limit = min(max(int(request.query.get("limit", "20")), 1), 100)
    except ValueError:
        raise web.HTTPBadRequest(text="limit must be an integer") from None
    query = request.query.get("q")
    page = await client.media.list(
        filter=MediaEntryFilter(name_like=query) if query else None,
        pager=FilterPager(page_size=limit),
    )
    return web.json_response(
        {"total": page.total_count, "entries": [entry_json(e) for e in page.objects or []]}
    )


async def get_entry(request: web.Request) -> web.Response:
    client = request.app[CLIENT]
    try:
        entry = await client.media.get(entry_id=request.match_info["entry_id"])
    except EntryNotFoundError:
        raise web.HTTPNotFound(text="no such entry") from None
    return web.json_response(entry_json(entry))


def create_app(service_url: str, partner_id: int, admin_secret: str) -> web.Application:
    async def kaltura_client(app: web.Application) -> AsyncIterator[None]:
        # Created inside the running loop, once; closed after the last request.
        provider = SecretKSProvider(admin_secret, partner_id, type=2, expiry=3600)
        async with KalturaClient(
            service_url, partner_id=partner_id, ks_provider=provider
        ) as client:
            app[CLIENT] = client
            yield

    app = web.Application()
    app.cleanup_ctx.append(kaltura_client)
    app.router.add_get("/entries", list_entries)
    app.router.add_get("/entries/{entry_id}", get_entry)
    return app


async def main(
    *,
    service_url: str,
    partner_id: int,
    admin_secret: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    started: Callable[[str], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until ``stop`` is set (forever by default); ``started`` gets the base URL."""
    runner = web.AppRunner(create_app(service_url, partner_id, admin_secret))
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        url = f"http://{bound[0]}:{bound[1]}"
        if started is not None:
            started(url)
        else:
            print(f"serving on {url}/entries")
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args()
    asyncio.run(
        main(
            service_url=os.environ.get("KALTURA_SERVICE_URL", "https://www.kaltura.com"),
            partner_id=int(os.environ["KALTURA_PARTNER_ID"]),
            admin_secret=os.environ["KALTURA_ADMIN_SECRET"],
            port=options.port,
        )
    )
