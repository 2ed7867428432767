"""Servers that redirect, stream without end, send gzip bombs or huge bodies, or echo the
request back: no secret goes to another host or into an exception, memory stays under the
cap, and parsing never holds the event loop."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import threading
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from kaltura_async import (
    KalturaAPIError,
    KalturaClient,
    KalturaHTTPError,
    KalturaProtocolError,
    KalturaRedirectError,
    KalturaResponseTooLargeError,
    Limits,
    RetryPolicy,
    SecretKSProvider,
    Timeout,
    _answers,
    _pipeline,
)

from .conftest import KS_SHAPE, Figures, SecretWatch

KS = "djJ8MTAwfK3f9Qm1xZ8c2VjcmV0LWtzLXZhbHVlLWZvci10ZXN0cw=="
ADMIN_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
MIB = 1024 * 1024


class Server:
    """A loopback aiohttp server whose every request runs ``handler``; counts requests."""

    def __init__(self, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> None:
        self.handler = handler
        self.requests: list[bytes] = []
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(await request.read())
        return await self.handler(request)

    async def start(self) -> Server:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def close(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest_asyncio.fixture
async def servers() -> AsyncIterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        await server.close()


async def serve(
    servers: list[Server], handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> Server:
    server = await Server(handler).start()
    servers.append(server)
    return server


def client_for(url: str, **kwargs: Any) -> KalturaClient:
    kwargs.setdefault("retry", RetryPolicy(max_retries=1, base_delay=0))
    kwargs.setdefault("timeout", Timeout(total=5))
    return KalturaClient(url, partner_id=100, **kwargs)


# ---------------------------------------------------------------------------- redirects


async def _media_get(client: KalturaClient) -> Any:
    return await client.media.get(entry_id="0_abc")


async def _session_start(client: KalturaClient) -> Any:
    return await client.media.get(entry_id="0_abc")  # the provider's session.start goes first


async def _upload(client: KalturaClient) -> Any:
    return await client.upload_token.upload(
        upload_token_id="0_t", file_data=io.BytesIO(b"x" * 1000), final_chunk=True
    )


async def _multirequest(client: KalturaClient) -> Any:
    mr = client.multirequest()
    entry = mr.add(client.media.get(entry_id="0_abc"))
    mr.add(client.media.update(entry_id=entry.id, media_entry=_entry()))
    for outcome in await mr.execute():  # per-call outcomes: raise the first error
        if outcome.error is not None:
            raise outcome.error
    return None


def _entry() -> Any:
    from kaltura_async.types import MediaEntry

    return MediaEntry(name="renamed")


ACTIONS: dict[str, Callable[[KalturaClient], Awaitable[Any]]] = {
    "media.get": _media_get,
    "session.start": _session_start,
    "upload": _upload,
    "multirequest": _multirequest,
}


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("action", list(ACTIONS))
async def test_redirects_are_never_followed(
    servers: list[Server], secret_watch: SecretWatch, status: int, action: str
) -> None:
    secret_watch.add(KS, ADMIN_SECRET)
    elsewhere = await serve(servers, _ok)

    async def redirect(request: web.Request) -> web.StreamResponse:
        target = f"http://localhost:{elsewhere.port}{request.path_qs}"
        return web.Response(status=status, headers={"Location": target})

    origin = await serve(servers, redirect)
    if action == "session.start":
        provider = SecretKSProvider(ADMIN_SECRET, 100, type=2, local=False)
        client = client_for(origin.url, ks_provider=provider)
    else:
        client = client_for(origin.url, ks=KS)
    async with client:
        with pytest.raises(KalturaRedirectError) as info:
            await ACTIONS[action](client)
    err = info.value
    assert err.status == status and err.location_host == "localhost"
    assert "localhost" in str(err)
    assert elsewhere.requests == []  # nothing reached the other host
    assert len(origin.requests) == 1  # and nothing was sent again
    assert KS not in str(err) and ADMIN_SECRET not in str(err)


async def test_a_redirect_to_https_on_the_same_host_says_what_to_set(
    servers: list[Server], figures: Figures
) -> None:
    async def to_https(request: web.Request) -> web.StreamResponse:
        host = request.host.split(":")[0]
        return web.Response(status=301, headers={"Location": f"https://{host}{request.path_qs}"})

    origin = await serve(servers, to_https)
    async with client_for(origin.url, ks=KS) as client:
        with pytest.raises(KalturaRedirectError) as info:
            await client.media.get(entry_id="0_abc")
    assert info.value.suggested_service_url == "https://127.0.0.1"
    assert "service_url='https://127.0.0.1'" in str(info.value)
    figures.record(
        "redirects",
        "3xx answers (301/302/303/307/308 x get, session.start, upload, batch) followed",
        "0 of 20; other host reached 0 times; each request sent once",
    )


async def _ok(request: web.Request) -> web.StreamResponse:
    return web.json_response({"objectType": "KalturaMediaEntry", "id": "0_other"})


# ---------------------------------------------------------------------------- body caps


async def _measure(call: Awaitable[Any]) -> tuple[BaseException | None, int, float]:
    """Run ``call``; its exception, the peak traced memory growth and the seconds taken."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    started = time.monotonic()
    error: BaseException | None = None
    try:
        await call
    except BaseException as exc:
        error = exc
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return error, peak, time.monotonic() - started


async def _endless(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"Content-Type": "application/json"})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    await resp.write(b'{"objectType":"KalturaMediaEntry","name":"')
    chunk = b"a" * 65536
    try:
        while True:
            await resp.write(chunk)
    except (ConnectionError, RuntimeError):
        pass
    return resp


def _gzip_of(pattern: bytes, total: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    block = pattern * (MIB // len(pattern))
    out = [packer.compress(block) for _ in range(total // len(block))]
    out.append(packer.flush())
    return b"".join(out)


@pytest.mark.parametrize(
    ("case", "cap"),
    [("endless chunked body", 8 * MIB), ("gzip of zeros", 8 * MIB), ("gzip JSON array", 8 * MIB)],
)
async def test_bodies_past_the_cap_stop_at_the_cap(
    servers: list[Server], figures: Figures, case: str, cap: int
) -> None:
    if case == "endless chunked body":
        handler = _endless
        sent = "endless"
    else:
        pattern = b"\0" if case == "gzip of zeros" else b"0,"
        bomb = _gzip_of(pattern, 256 * MIB)
        if case == "gzip JSON array":
            bomb = gzip.compress(b"[") + bomb  # two gzip members: '[' then 0,0,0,...
        sent = f"{len(bomb) / 1024:.0f} KiB of gzip holding 256 MiB"

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(
                body=bomb,
                headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
            )

    server = await serve(servers, handler)
    async with client_for(server.url, ks=KS, limits=Limits(max_response_size=cap)) as client:
        error, peak, seconds = await _measure(client.media.get(entry_id="0_abc"))
    assert isinstance(error, KalturaResponseTooLargeError), error
    assert f"{cap:,}" in str(error)
    assert len(server.requests) == 1  # not retried: the same answer would come back
    assert peak < 2 * cap, peak
    figures.record(
        "body caps",
        f"{case} ({sent}), cap {cap // MIB} MiB",
        f"KalturaResponseTooLargeError after {seconds:.2f} s, peak memory +{peak / MIB:.1f} MiB",
    )


async def test_a_body_announcing_more_than_the_cap_is_not_read(servers: list[Server]) -> None:
    async def huge(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Length": str(2 * 1024 * MIB)})
        await resp.prepare(request)
        await resp.write(b"[")
        return resp

    server = await serve(servers, huge)
    async with client_for(server.url, ks=KS, limits=Limits(max_response_size=MIB)) as client:
        with pytest.raises(KalturaResponseTooLargeError):
            await client.media.get(entry_id="0_abc")


def test_the_default_cap_holds_a_500_entry_page_with_a_response_profile() -> None:
    entry = {
        "objectType": "KalturaMediaEntry",
        "id": "0_abcdefgh",
        "name": "n" * 200,
        "description": "d" * 4000,
        "tags": "t" * 1000,
        "dataUrl": "https://cdnapisec.kaltura.com/p/100/sp/10000/playManifest/entryId/0_x",
    }
    related = {
        "objectType": "KalturaListResponse",
        "objects": [{"objectType": "KalturaFlavorAsset", "id": "0_f", "size": 1000}] * 20,
    }
    page = {
        "objectType": "KalturaMediaListResponse",
        "objects": [{**entry, "relatedObjects": {"flavors": related}}] * 500,
        "totalCount": 500,
    }
    size = len(json.dumps(page).encode())
    assert size * 10 < Limits().max_response_size


# ---------------------------------------------------------------------------- event loop


async def _max_loop_lag(work: Awaitable[Any]) -> tuple[Any, float]:
    """Run ``work`` while a ticker measures the longest gap between its 1 ms sleeps."""
    longest = 0.0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            longest = max(longest, now - last)
            last = now

    ticker = asyncio.create_task(tick())
    try:
        result = await work
    finally:
        done.set()
        await ticker
    return result, longest


def _big_list_answer(entries: int) -> bytes:
    obj = {"objectType": "KalturaMediaEntry", "id": "0_x", "name": "n" * 300, "status": 2}
    page = {"objectType": "KalturaMediaListResponse", "objects": [obj] * entries}
    return json.dumps({**page, "totalCount": entries}).encode()


_BODY_SERVER = """
import asyncio, sys
from aiohttp import web

body = open(sys.argv[1], "rb").read()

async def answer(request):
    await request.read()
    return web.Response(body=body, content_type="application/json")

async def main():
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(site._server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


@pytest_asyncio.fixture
async def body_server(tmp_path: Any) -> AsyncIterator[tuple[str, int]]:
    """A server in another process answering a 44 MB list response to every request, so
    that only the client's own work runs on (and competes for) this test's loop."""
    import sys

    body = _big_list_answer(120_000)
    path = tmp_path / "body.json"
    path.write_bytes(body)
    script = tmp_path / "server.py"
    script.write_text(_BODY_SERVER)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(script), str(path), stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    port = int((await proc.stdout.readline()).decode())
    try:
        yield f"http://127.0.0.1:{port}", len(body)
    finally:
        proc.kill()
        await proc.wait()


async def test_a_large_body_is_parsed_off_the_event_loop(
    body_server: tuple[str, int], figures: Figures, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 44 MB answer is parsed, and its 120,000 entries decoded, on worker threads: the
    loop's thread runs neither. The stalls are recorded as figures beside the same answer
    handled on the loop; timings are not asserted (a loaded machine moves them)."""
    url, size = body_server
    loop_thread = threading.get_ident()
    ran_on: dict[str, set[int]] = {"parse": set(), "decode": set()}

    def spy(step: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            ran_on[step].add(threading.get_ident())
            return fn(*args)

        return run

    monkeypatch.setattr(_answers, "parse_in_steps", spy("parse", _answers.parse_in_steps))
    monkeypatch.setattr(
        "kaltura_async._pipeline._outcome_owned", spy("decode", _pipeline._outcome_owned)
    )
    async with client_for(url, ks=KS) as client:
        # Connection, imports and compiled decoders warm: the figures are of steady state.
        await client.call("media", "list")
        await client.media.list()
        answer, off_loop = await _max_loop_lag(client.call("media", "list"))
        assert len(answer.objects) == 120_000
        del answer
        typed, typed_lag = await _max_loop_lag(client.media.list())
        assert len(typed.objects) == 120_000
        del typed
        assert ran_on["parse"] and loop_thread not in ran_on["parse"], ran_on
        assert ran_on["decode"] and loop_thread not in ran_on["decode"], ran_on
        # The same answer parsed and decoded on the loop, for comparison.
        monkeypatch.setattr(_answers, "INLINE_PARSE_LIMIT", 1 << 62)
        monkeypatch.setattr("kaltura_async._pipeline._THREAD_DECODE_ITEMS", 1 << 62)
        _, on_loop = await _max_loop_lag(client.call("media", "list"))
    figures.record(
        "event loop",
        f"longest loop stall reading a {size / MIB:.0f} MiB answer (untyped / typed)",
        f"{off_loop * 1000:.0f} ms / {typed_lag * 1000:.0f} ms "
        f"(parsed on the loop: {on_loop * 1000:.0f} ms)",
    )


# ---------------------------------------------------------------------------- echoes


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _held_text(error: BaseException) -> list[str]:
    texts = [str(error), repr(error)]
    for value in vars(error).values():
        if isinstance(value, (str, bytes, bytearray)):
            texts.append(value if isinstance(value, str) else bytes(value).decode("latin-1"))
    texts.extend(str(a) for a in error.args)
    return texts


ECHOES: dict[str, tuple[int, str, type[BaseException]]] = {
    "502 HTML page echoing the request": (502, "text/html", KalturaHTTPError),
    "200 invalid JSON echoing the request": (200, "application/json", KalturaProtocolError),
    "API error message echoing the request": (200, "api", KalturaAPIError),
}


@pytest.mark.parametrize("case", list(ECHOES))
async def test_an_answer_echoing_the_request_puts_no_secret_in_any_error(
    servers: list[Server], secret_watch: SecretWatch, figures: Figures, case: str
) -> None:
    secret_watch.add(KS, ADMIN_SECRET)
    status, kind, expected = ECHOES[case]

    async def echo(request: web.Request) -> web.StreamResponse:
        sent = (await request.read()).decode()
        if kind == "api":
            message = f"Invalid KS {KS} for request {sent}"
            body = {"objectType": "KalturaAPIException", "code": "INVALID_KS", "message": message}
            return web.json_response(
                {
                    **body,
                    "args": [{"objectType": "KalturaApiExceptionArg", "name": "KS", "value": KS}],
                }
            )
        page = "<html><body>" + ("x" * 150) + sent + ("y" * 100_000) + "</body></html>"
        return web.Response(status=status, text=page, content_type=kind)

    server = await serve(servers, echo)
    async with client_for(server.url, ks=KS, retry=RetryPolicy.none()) as client:
        with pytest.raises(expected) as info:
            await client.call("session", "start", secret=ADMIN_SECRET, partnerId=100)
    chain = _chain(info.value)
    longest = 0
    for error in chain:
        for text in _held_text(error):
            assert KS not in text and ADMIN_SECRET not in text, (type(error), text[:300])
            assert not KS_SHAPE.search(text), text[:300]
            longest = max(longest, len(text))
    assert longest < 1_000  # no error in the chain keeps the body
    figures.record(
        "secrets in answers",
        case,
        f"{type(info.value).__name__}: chain of {len(chain)}, longest text {longest} chars, "
        "0 secrets",
    )


# ---------------------------------------------------------------------------- caches


def test_novel_object_types_do_not_grow_memory(figures: Figures) -> None:
    from kaltura_async._codec import _decode, _registry, decode, decode_any
    from kaltura_async._kind import Kind

    def burst(start: int, count: int) -> None:
        for i in range(start, start + count):
            decode_any({"objectType": f"KalturaNovel{i}", "id": "x"})
            decode(Kind.obj("KalturaMediaEntry"), {"objectType": f"KalturaNew{i}", "id": "x"})

    burst(0, 20_000)  # fill every bounded cache
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    burst(20_000, 100_000)
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert len(_registry._type_cache) <= _registry.MAX_CACHED_NAMES + 2_300
    assert grown < 1 * MIB, grown
    figures.record(
        "caches",
        "memory kept after 200,000 decodes of objectType names never seen before",
        f"+{grown / 1024:.0f} KiB (name caches capped at {_registry.MAX_CACHED_NAMES:,})",
    )
    assert _decode is not None


# ---------------------------------------------------------------------------- sessions


async def test_one_failed_renewal_gives_each_waiter_its_own_short_error(
    servers: list[Server], secret_watch: SecretWatch, figures: Figures
) -> None:
    secret_watch.add(ADMIN_SECRET)
    release = asyncio.Event()
    arrived = asyncio.Event()

    async def refuse(request: web.Request) -> web.StreamResponse:
        arrived.set()
        await release.wait()
        body = {"objectType": "KalturaAPIException", "code": "START_SESSION_ERROR"}
        return web.json_response({**body, "message": "Error while starting session"})

    server = await serve(servers, refuse)
    provider = SecretKSProvider(ADMIN_SECRET, 100, type=2, local=False)
    async with client_for(server.url, ks_provider=provider) as client:
        tasks = [asyncio.create_task(_media_get(client)) for _ in range(200)]
        # The first task's session.start is at the server: the 199 others, started in the
        # same loop turn, all queue on the provider's renewal before it can answer.
        await arrived.wait()
        release.set()
        errors = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(e, KalturaAPIError) for e in errors)
    assert len({id(e) for e in errors}) == 200  # each waiter its own error
    depths = []
    for error in errors:
        assert isinstance(error, BaseException)
        frames = 0
        tb = error.__traceback__
        while tb is not None:
            frames += 1
            tb = tb.tb_next
        depths.append(frames)
        chain = _chain(error)
        assert len(chain) <= 2  # chained once, to the one failure
    assert max(depths) < 60, max(depths)
    assert len(server.requests) == 1  # one renewal for all 200
    figures.record(
        "sessions",
        "one failed renewal shared by 200 waiting calls",
        f"200 distinct errors, deepest traceback {max(depths)} frames, 1 session.start sent",
    )


async def test_an_actions_own_partner_id_wins_over_the_clients(servers: list[Server]) -> None:
    async def echo(request: web.Request) -> web.StreamResponse:
        if "/session/" in request.path:
            return web.json_response("a-session-token")
        return web.json_response(await request.json())

    server = await serve(servers, echo)
    async with client_for(server.url, ks=KS) as client:
        await client.call("session", "start", secret=ADMIN_SECRET, partnerId=555)
        untyped = json.loads(server.requests[-1])
        await client.session.start(secret=ADMIN_SECRET, partner_id=777)
        typed = json.loads(server.requests[-1])
        plain = await client.call("media", "list")
    assert untyped["partnerId"] == 555 and typed["partnerId"] == 777
    assert plain["partnerId"] == 100  # the client's own, where the action has none
