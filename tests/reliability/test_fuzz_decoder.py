"""Hostile server bodies: the decoder and the transport's parse raise only KalturaProtocolError
or KalturaAPIError, whatever the server sends (random bytes, wrong shapes, huge numbers,
deep nesting)."""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from hypothesis import HealthCheck, given, settings, strategies as st

from kaltura_async import (
    KalturaAPIError,
    KalturaClient,
    KalturaError,
    KalturaProtocolError,
    RetryPolicy,
)
from kaltura_async._codec import decode, decode_any, is_api_exception
from kaltura_async._errors import api_error_from_payload
from kaltura_async._kind import Kind
from tests.conftest import ConnectionCount

from .conftest import Figures

ALLOWED = (KalturaProtocolError, KalturaAPIError)
KINDS = (
    Kind.STR,
    Kind.INT,
    Kind.FLOAT,
    Kind.BOOL,
    Kind.VOID,
    Kind.enum("KalturaEntryStatus"),
    Kind.enum("KalturaMediaType"),
    Kind.obj("KalturaMediaEntry"),
    Kind.obj("KalturaMediaListResponse"),
    Kind.obj("KalturaBaseEntry"),
    Kind.list_of("KalturaMediaEntry"),
    Kind.list_of("KalturaCategory"),
    Kind.map_of("KalturaString"),
    Kind.ANY,
)
KEYS = st.sampled_from(
    [
        "objectType",
        "id",
        "name",
        "objects",
        "totalCount",
        "mediaType",
        "status",
        "createdAt",
        "code",
        "message",
        "args",
        "tags",
        "unknown_fields",
        "",
    ]
)
OBJECT_TYPES = st.sampled_from(
    [
        "KalturaMediaEntry",
        "KalturaMediaListResponse",
        "KalturaAPIException",
        "KalturaCategory",
        "KalturaString",
        "KalturaNoSuchType",
        "KalturaObjectBase",
        "KalturaBaseEntry",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | OBJECT_TYPES
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(KEYS, inner, max_size=5)
        | st.builds(
            lambda t, rest: {**rest, "objectType": t}, OBJECT_TYPES, st.dictionaries(KEYS, inner)
        )
    ),
    max_leaves=25,
)


def deep(depth: int, typed: bool) -> Any:
    """``depth`` nested lists and objects (typed: media entries), built without recursion."""
    value: Any = 1
    for i in range(depth):
        if i % 2:
            value = [value]
        else:
            value = {"objectType": "KalturaMediaEntry", "tags": value} if typed else {"a": value}
    return value


def check_decoders(data: Any) -> None:
    """What the client does with one parsed answer, for every kind we sample."""
    if is_api_exception(data):
        assert isinstance(api_error_from_payload(data), KalturaAPIError)
    for kind in KINDS:
        try:
            decode(kind, data)
        except ALLOWED:
            pass
    try:
        decode_any(data)
    except ALLOWED:
        pass


@given(JSONISH)
def test_decode_any_shape_raises_only_protocol_or_api_errors(data: Any) -> None:
    check_decoders(data)
    check_decoders(json.loads(json.dumps(data)))


@pytest.mark.parametrize("typed", [True, False])
@pytest.mark.parametrize("depth", [10, 500, 900, 5_000, 50_000])
def test_deep_nesting_is_a_protocol_error_not_a_recursion_error(depth: int, typed: bool) -> None:
    check_decoders(deep(depth, typed))


class Hostile:
    """A local server answering every request with whatever body the test sets."""

    def __init__(self) -> None:
        self.body = b"{}"
        self.content_type = "application/json"
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=self.body, headers={"Content-Type": self.content_type})


@pytest_asyncio.fixture
async def hostile() -> AsyncIterator[Hostile]:
    server = Hostile()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield server
    finally:
        await runner.cleanup()


BODIES = (
    st.binary(max_size=200)
    | JSONISH.map(lambda v: json.dumps(v).encode())
    | st.sampled_from(
        [
            b"",
            b"null",
            b"[" * 100_000 + b"]" * 100_000,
            b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
            b"1" * 10_000,
            b"1e999999",
            b"-Infinity",
            b"NaN",
            b'"\xff\xfe"',
            b"<html><body>502</body></html>",
            b'{"objectType":"KalturaAPIException","code":["x"],"args":7}',
            b'{"objectType":"KalturaAPIException","args":[1,{"name":{}},null]}',
            b'{"objectType":"KalturaMediaEntry","createdAt":1e400,"status":[]}',
            b'{"objectType":"KalturaMediaListResponse","objects":{"a":3},"totalCount":"x"}',
        ]
    )
)


async def test_hostile_bodies_through_the_transport(
    connections: ConnectionCount, hostile: Hostile, figures: Figures
) -> None:
    seen: dict[str, int] = {}

    async with KalturaClient(hostile.url, partner_id=1, retry=RetryPolicy.none()) as client:

        async def one(body: bytes, content_type: str) -> None:
            hostile.body, hostile.content_type = body, content_type
            for call in (client.media.get(entry_id="0_x"), client.call("media", "get")):
                try:
                    await call
                except ALLOWED as err:
                    seen[type(err).__name__] = seen.get(type(err).__name__, 0) + 1
                except KalturaError as err:  # pragma: no cover - reported by the assert
                    raise AssertionError(f"{body[:60]!r} raised {err!r}") from err

        examples = 0

        @settings(max_examples=150, suppress_health_check=list(HealthCheck))
        @given(BODIES, st.sampled_from(["application/json", "text/html", ""]))
        def run(body: bytes, content_type: str) -> None:
            nonlocal examples
            examples += 1
            pending.append((body, content_type))

        # hypothesis drives a sync function; the bodies it draws are sent afterwards.
        pending: list[tuple[bytes, str]] = []
        run()
        for body, content_type in pending:
            await one(body, content_type)
        assert connections.in_use == 0
    assert seen.get("KalturaProtocolError", 0) > 0
    figures.record("fuzz", "hostile bodies served through the transport", examples)
    figures.record(
        "fuzz",
        "their outcomes (two calls each)",
        ", ".join(f"{k} {v}" for k, v in sorted(seen.items())),
    )


def test_huge_numbers_stay_numbers() -> None:
    entry = decode(
        Kind.obj("KalturaMediaEntry"), {"objectType": "KalturaMediaEntry", "views": 10**30}
    )
    assert entry.views == 10**30
    with pytest.raises(KalturaProtocolError):
        decode(Kind.INT, math.inf)
