"""Transport over real sockets: retries, error translation, cancellation, the wire format."""

from __future__ import annotations

import asyncio
import logging

import pytest

from kaltura_async import (
    EntryNotFoundError,
    InvalidKSError,
    KalturaAPIError,
    KalturaClient,
    KalturaClientStateError,
    KalturaConnectionError,
    KalturaHTTPError,
    KalturaProtocolError,
    KalturaTimeoutError,
    KalturaValidationError,
    RetryPolicy,
    Timeout,
)
from tests.conftest import ConnectionCount

from .conftest import ScriptedServer

FAST = RetryPolicy(max_retries=3, base_delay=0.0, max_delay=0.0)
KS = "djJ8MTIzfHNlY3JldHN0dWZmc2VjcmV0c3R1ZmZzZWNyZXRzdHVmZnNlY3JldHN0dWZm"


def client(server: ScriptedServer, **kw: object) -> KalturaClient:
    kw.setdefault("retry", FAST)
    return KalturaClient(server.url, partner_id=123, ks=KS, **kw)  # type: ignore[arg-type]


async def test_ping_returns_true(server: ScriptedServer) -> None:
    async with client(server) as c:
        assert await c.call("system", "ping") is True


async def test_wire_format(server: ScriptedServer) -> None:
    async with client(server, client_tag="tests") as c:
        await c.call("media", "get", entryId="0_abc")
    req = server.requests[0]
    assert req["path"] == "/api_v3/service/media/action/get"
    assert req["content_type"] == "application/json"
    assert req["query"] == {"format": "1"}
    assert req["body"] == {"entryId": "0_abc", "partnerId": 123, "clientTag": "tests", "ks": KS}


async def test_api_exception_becomes_typed_error(server: ScriptedServer) -> None:
    server.script(
        (
            "json",
            {
                "code": "ENTRY_ID_NOT_FOUND",
                "message": 'Entry id "0_x" not found',
                "objectType": "KalturaAPIException",
                "args": {"ENTRY_ID": "0_x"},
            },
        ),
        (
            "json",
            {
                "code": "SOMETHING_NEW",
                "message": "m",
                "objectType": "KalturaAPIException",
                "args": [],
            },
        ),
    )
    async with client(server) as c:
        with pytest.raises(EntryNotFoundError) as info:
            await c.call("media", "get", entryId="0_x")
        assert info.value.args_map == {"ENTRY_ID": "0_x"}
        assert (info.value.service, info.value.action) == ("media", "get")
        with pytest.raises(KalturaAPIError) as other:
            await c.call("media", "get", entryId="0_x")
        assert other.value.code == "SOMETHING_NEW"


async def test_invalid_ks_carries_reason_never_the_ks(server: ScriptedServer) -> None:
    server.script(
        (
            "json",
            {
                "code": "INVALID_KS",
                "message": f'Invalid KS "{KS}" Error "-1,INVALID_STR"',
                "objectType": "KalturaAPIException",
                "args": {"KSID": KS, "ERR_CODE": "-1", "ERR_DESC": "INVALID_STR"},
            },
        ),
        (
            "json",
            {
                "code": "INVALID_KS",
                "message": 'Invalid KS "EXPIRED"',
                "objectType": "KalturaAPIException",
                "args": {"KSID": "EXPIRED", "ERR_CODE": "-1", "ERR_DESC": "INVALID_STR"},
            },
        ),
    )
    async with client(server) as c:
        with pytest.raises(InvalidKSError) as bad:
            await c.call("media", "list")
        assert KS not in str(bad.value) and KS not in repr(bad.value.args_map)
        with pytest.raises(InvalidKSError) as expired:
            await c.call("media", "list")
        assert expired.value.reason == "EXPIRED"


async def test_read_retries_5xx_then_succeeds(server: ScriptedServer) -> None:
    server.script(("status", 503, "busy"), ("status", 500, "oops"), ("json", 7))
    async with client(server) as c:
        assert await c.call("media", "count") == 7
    assert len(server.requests) == 3


async def test_429_retry_after_is_honoured(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script(("status", 429, "slow down", {"Retry-After": "0"}), ("json", 3))
    caplog.set_level(logging.INFO, "kaltura_async")
    async with client(server) as c:
        assert await c.call("media", "count") == 3
    assert any(
        "retrying media.count" in r.getMessage() and "0.00s" in r.getMessage()
        for r in caplog.records
    )


async def test_retry_after_beyond_maximum_is_not_retried(server: ScriptedServer) -> None:
    server.script(("status", 503, "down", {"Retry-After": "3600"}))
    async with client(server) as c:
        with pytest.raises(KalturaHTTPError) as info:
            await c.call("media", "count")
    assert info.value.status == 503 and info.value.retry_after == 3600
    assert len(server.requests) == 1


async def test_write_is_not_retried_on_5xx(server: ScriptedServer) -> None:
    server.script(("status", 502, "bad gateway"))
    async with client(server) as c:
        with pytest.raises(KalturaHTTPError):
            await c.call("media", "add", entry={"objectType": "KalturaMediaEntry"})
    assert len(server.requests) == 1


@pytest.mark.parametrize("step", ["reset_before", "reset_after"])
async def test_write_with_lost_answer_is_not_resent(
    connections: ConnectionCount, server: ScriptedServer, step: str
) -> None:
    server.script((step,))
    async with client(server) as c:
        with pytest.raises(KalturaConnectionError) as info:
            await c.call("media", "add", entry={"objectType": "KalturaMediaEntry"})
        assert info.value.request_sent is True
        assert connections.in_use == 0
    assert len(server.requests) == 1
    assert server.acted == (1 if step == "reset_after" else 0)


@pytest.mark.parametrize("step", ["reset_before", "reset_after"])
async def test_read_is_retried_after_reset(server: ScriptedServer, step: str) -> None:
    server.script((step,), ("json", {"id": "0_a", "objectType": "KalturaX"}))
    async with client(server) as c:
        result = await c.call("media", "get", entryId="0_a")
    assert result == {"id": "0_a", "objectType": "KalturaX"}
    assert len(server.requests) == 2


async def test_write_opt_in_retries(server: ScriptedServer) -> None:
    server.script(("status", 503, ""), ("json", {"id": "1"}))
    async with client(server, retry=RetryPolicy(base_delay=0, retry_writes=True)) as c:
        assert await c.call("media", "add") == {"id": "1"}
    server.script(("status", 503, ""), ("json", {"id": "2"}))
    async with client(server) as c:
        assert await c.call("media", "add").with_options(idempotent=True) == {"id": "2"}


async def test_connect_failure_is_retried_even_for_writes(caplog: pytest.LogCaptureFixture) -> None:
    # A closed port: the request provably never left, so a write may be retried.
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    caplog.set_level(logging.INFO, "kaltura_async")
    async with KalturaClient(f"http://127.0.0.1:{port}", ks=KS, retry=FAST) as c:
        with pytest.raises(KalturaConnectionError) as info:
            await c.call("media", "add")
    assert info.value.request_sent is False
    assert sum("retrying media.add" in r.getMessage() for r in caplog.records) == 3


async def test_timeout_is_typed_and_a_builtin_timeout(
    connections: ConnectionCount, server: ScriptedServer
) -> None:
    server.default = ("stall",)
    async with client(server, timeout=Timeout(total=0.3), retry=RetryPolicy.none()) as c:
        with pytest.raises(KalturaTimeoutError) as info:
            await c.call("media", "get", entryId="0_a")
        assert isinstance(info.value, TimeoutError)
        assert connections.in_use == 0


async def test_truncated_body_is_a_connection_error(
    connections: ConnectionCount, server: ScriptedServer
) -> None:
    server.script(("truncate", {"id": "0_a", "objectType": "KalturaMediaEntry"}))
    async with client(server, retry=RetryPolicy.none()) as c:
        with pytest.raises(KalturaConnectionError):
            await c.call("media", "get", entryId="0_a")
        assert connections.in_use == 0


async def test_html_pages(server: ScriptedServer) -> None:
    server.script(("html", 502), ("html", 200))
    async with client(server, retry=RetryPolicy.none()) as c:
        with pytest.raises(KalturaHTTPError) as http:
            await c.call("media", "get", entryId="0_a")
        assert http.value.status == 502 and "Bad gateway" in http.value.body_excerpt
        with pytest.raises(KalturaProtocolError, match="HTML"):
            await c.call("media", "get", entryId="0_a")


async def test_invalid_json_is_a_protocol_error(server: ScriptedServer) -> None:
    server.script(("status", 200, "{not json"))
    async with client(server, retry=RetryPolicy.none()) as c:
        with pytest.raises(KalturaProtocolError):
            await c.call("media", "get", entryId="0_a")


async def test_garbled_read_is_retried(server: ScriptedServer) -> None:
    server.script(("html", 200), ("json", 5))
    async with client(server) as c:
        assert await c.call("media", "count") == 5


async def test_cancellation_mid_request_leaves_no_connection(
    connections: ConnectionCount, server: ScriptedServer
) -> None:
    server.default = ("stall",)
    async with client(server) as c:
        task = asyncio.create_task(_send(c))
        await asyncio.wait_for(server.stalled.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert connections.in_use == 0


async def _send(c: KalturaClient) -> object:
    return await c.call("media", "get", entryId="0_a")


async def test_closed_client_is_refused_before_io(server: ScriptedServer) -> None:
    c = client(server)
    await c.call("system", "ping")
    await c.aclose()
    with pytest.raises(KalturaClientStateError, match="closed") as caught:
        await c.call("system", "ping")
    # A state error, not bad input: no argument of the call could have avoided it.
    assert not isinstance(caught.value, KalturaValidationError)
    assert len(server.requests) == 1


async def test_client_from_another_loop_is_refused(server: ScriptedServer) -> None:
    import threading

    async with client(server) as c:
        await c.call("system", "ping")
        errors: list[BaseException] = []

        def other_loop() -> None:
            try:
                asyncio.run(_send(c))
            except BaseException as err:
                errors.append(err)

        thread = threading.Thread(target=other_loop)
        thread.start()
        await asyncio.to_thread(thread.join)
    assert len(errors) == 1 and isinstance(errors[0], KalturaClientStateError)
    assert "another event loop" in str(errors[0])
    assert len(server.requests) == 1


async def test_write_refused_with_429_is_sent_again(server: ScriptedServer) -> None:
    # 429 means the server did not act on the request: a write may go again.
    server.script(("status", 429, "slow down", {"Retry-After": "0"}), ("json", {"id": "1"}))
    async with client(server) as c:
        assert await c.call("media", "add") == {"id": "1"}
    assert len(server.requests) == 2
