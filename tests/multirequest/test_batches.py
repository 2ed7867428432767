"""Batches against the scripted server: the request each strategy sends, and how the
answers are split into per-call results."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from kaltura_async import (
    DependencyError,
    EntryNotFoundError,
    InvalidKSError,
    KalturaAPIError,
    KalturaClient,
    KalturaHTTPError,
    KalturaProtocolError,
    KalturaValidationError,
    MultiResponse,
    RetryPolicy,
)
from tests.conftest import ConnectionCount
from tests.core.models import Tag, Thing, ThingList, TokenResource

from .conftest import ScriptedServer
from .specs import (
    ADD,
    ATTACH,
    COUNT,
    DELETE,
    GET,
    LIST,
    UPDATE,
    api_error,
    call,
    client,
    wire_list,
    wire_thing,
)


def multipart_json(raw: bytes) -> dict[str, Any]:
    start = raw.index(b"{")
    end = raw.index(b"\r\n--", start)
    result: dict[str, Any] = json.loads(raw[start:end])
    return result


async def test_one_request_with_numbered_sub_requests(server: ScriptedServer) -> None:
    server.script(
        ("json", [wire_thing("0_a", "a"), api_error("ENTRY_ID_NOT_FOUND"), wire_thing("0_b")])
    )
    async with client(server.url, client_tag="t") as c:
        mr = c.multirequest()
        first = mr.add(call(c, ADD, thing=Thing(name="a")))
        missing = mr.add(call(c, GET, id="0_zz"))
        third = mr.add(call(c, UPDATE, id=first.id, thing=Thing(name=f"{first.name} copy")))
        results = await mr.execute()
    req = server.requests[0]
    assert req["path"] == "/api_v3/service/multirequest"
    assert req["content_type"] == "application/json"
    assert req["body"] == {
        "ks": c.options.ks,
        "partnerId": 123,
        "clientTag": "t",
        "1": {
            "service": "thing",
            "action": "add",
            "thing": {"objectType": "KalturaTestThing", "name": "a"},
        },
        "2": {"service": "thing", "action": "get", "id": "0_zz"},
        "3": {
            "service": "thing",
            "action": "update",
            "id": "{1:result:id}",
            "thing": {"objectType": "KalturaTestThing", "name": "{1:result:name} copy"},
        },
    }
    assert isinstance(results, MultiResponse) and len(results) == 3
    assert results[first] == Thing(id="0_a", name="a")
    assert results[first.id] == "0_a"
    assert results[0].ok and results[0].number == 1
    assert not results[1].ok and isinstance(results[1].error, EntryNotFoundError)
    assert results[1].error.service == "thing" and results[1].error.action == "get"
    with pytest.raises(EntryNotFoundError):
        results[missing]
    with pytest.raises(EntryNotFoundError):
        results[1].value  # noqa: B018
    assert results[third].id == "0_b"
    assert [r.ok for r in results] == [True, False, True]
    assert results.errors == [results[1].error]
    with pytest.raises(ExceptionGroup, match="1 of 3 batched calls failed") as group:
        results.raise_for_errors()
    assert group.value.exceptions == (results[1].error,)
    assert [r.number for r in results[1:]] == [2, 3]
    assert "3 calls, 1 failed" in repr(results) and "thing.get" in repr(results[1])
    foreign = c.multirequest().add(call(c, GET, id="x"))
    with pytest.raises(KalturaValidationError, match="another batch"):
        results[foreign]


async def test_mixed_scalar_object_list_void_and_untyped(server: ScriptedServer) -> None:
    server.script(("json", [5, None, wire_list("0_a", "0_b"), {"a": [1]}, "0_x"]))
    async with client(server.url) as c:
        results = await c.batch(
            call(c, COUNT),
            call(c, DELETE, id="0_a"),
            call(c, LIST),
            c.call("system", "getSomething"),
            c.call("system", "getTime"),
        )
    assert [r.value for r in results[:2]] == [5, None]
    listed = results[2].value
    assert isinstance(listed, ThingList) and listed.objects is not None
    assert [t.id for t in listed.objects] == ["0_a", "0_b"]
    assert results[3].value == {"a": [1]} and results[4].value == "0_x"
    results.raise_for_errors()  # nothing failed: nothing raised


@pytest.mark.parametrize(
    "answer",
    [
        [wire_thing("0_a")],  # the server stopped early
        [wire_thing("0_a")] * 3,
        {"id": "0_a"},
    ],
)
async def test_an_answer_of_the_wrong_shape(server: ScriptedServer, answer: Any) -> None:
    server.script(("json", answer))
    async with client(server.url) as c:
        results = await c.batch(call(c, GET, id="0_a"), call(c, GET, id="0_b"))
    assert all(isinstance(r.error, KalturaProtocolError) for r in results)
    with pytest.raises(ExceptionGroup, match="2 of 2"):
        results.raise_for_errors()


async def test_the_whole_request_refused(server: ScriptedServer) -> None:
    server.script(("json", api_error("SERVICE_FORBIDDEN")))
    async with client(server.url) as c:
        results = await c.batch(call(c, GET, id="0_a"))
    assert isinstance(results[0].error, KalturaAPIError)
    assert results[0].error.code == "SERVICE_FORBIDDEN"


async def test_a_failed_input_becomes_a_dependency_error(server: ScriptedServer) -> None:
    server.script(
        ("json", [api_error("ENTRY_ID_NOT_FOUND"), api_error("ENTRY_ID_NOT_FOUND", "''")])
    )
    async with client(server.url) as c:
        mr = c.multirequest()
        first = mr.add(call(c, GET, id="0_nope"))
        mr.add(call(c, GET, id=first.id))
        results = await mr.execute()
    error = results[1].error
    assert isinstance(error, DependencyError) and error.dependency == 1
    assert "call 1 (thing.get)" in str(error) and "ENTRY_ID_NOT_FOUND" in str(error)
    assert isinstance(error.__cause__, EntryNotFoundError)
    assert error.__cause__ is not results[0].error  # the server's answer to call 2 itself


async def test_per_call_options_go_into_each_sub_request(server: ScriptedServer) -> None:
    server.script(("json", [wire_thing("0_a"), wire_thing("0_b"), wire_thing("0_c")]))
    async with client(server.url) as c:
        other = c.with_options(ks="other-ks", language="he")
        await c.batch(
            call(c, GET, id="0_a").with_options(ks="user-ks", response_profile={"id": 7}),
            call(other, GET, id="0_b"),
            call(c, GET, id="0_c"),
        )
    body = server.requests[0]["body"]
    assert body["ks"] == c.options.ks
    assert body["1"]["ks"] == "user-ks" and body["1"]["responseProfile"] == {"id": 7}
    assert body["2"]["ks"] == "other-ks" and body["2"]["language"] == "he"
    assert "ks" not in body["3"] and "language" not in body["3"]


async def test_batch_options_and_files(server: ScriptedServer) -> None:
    server.script(("json", [wire_thing("0_a"), wire_thing("0_a")]))
    async with client(server.url) as c:
        mr = c.multirequest(ks="batch-ks", partner_id=77)
        first = mr.add(call(c, GET, id="0_a"))
        mr.add(call(c, ATTACH, id=first.id, resource=TokenResource(token="t"), fileData=b"abc"))
        await mr.execute()
    raw = server.requests[0]["raw"]
    assert server.requests[0]["content_type"].startswith("multipart/form-data")
    assert b'name="2:fileData"' in raw and b"abc" in raw
    body = multipart_json(raw)
    assert body["ks"] == "batch-ks" and body["partnerId"] == 77
    assert body["2"]["id"] == "{1:result:id}" and "fileData" not in body["2"]


async def test_a_read_only_batch_is_retried_a_batch_with_a_write_is_not(
    server: ScriptedServer,
) -> None:
    server.script(("html", 502), ("json", [wire_thing("0_a")]), ("html", 502))
    async with client(server.url) as c:
        reads = await c.batch(call(c, GET, id="0_a"))
        assert reads[0].ok and len(server.requests) == 2
        mixed = await c.batch(call(c, GET, id="0_a"), call(c, DELETE, id="0_a"))
    assert len(server.requests) == 3
    assert all(isinstance(r.error, KalturaHTTPError) for r in mixed)


class _RenewingKS:
    """A provider whose first KS the server refuses."""

    def __init__(self) -> None:
        self.current = "old-ks"
        self.renewals = 0

    async def get_ks(self, client: object) -> str:
        return self.current

    async def renew(self, client: object, rejected_ks: str) -> str:
        if rejected_ks == self.current:
            self.renewals += 1
            self.current = "new-ks"
        return self.current


async def test_invalid_ks_renews_and_resends_once(server: ScriptedServer) -> None:
    invalid = {**api_error("INVALID_KS"), "args": {"KSID": "EXPIRED"}}
    server.script(
        ("json", [invalid, wire_thing("0_own"), invalid]),
        ("json", [wire_thing("0_a"), wire_thing("0_c")]),
    )
    provider = _RenewingKS()
    async with KalturaClient(
        server.url, partner_id=1, ks_provider=provider, retry=RetryPolicy.none()
    ) as c:
        mr = c.multirequest()
        first = mr.add(call(c, GET, id="0_a"))
        own = mr.add(call(c, GET, id="0_b").with_options(ks="own-ks"))
        mr.add(call(c, UPDATE, id=first.id, thing=Thing(name=own.name)))
        results = await mr.execute()
    assert provider.renewals == 1 and len(server.requests) == 2
    again = server.requests[1]["body"]
    # Only the refused calls are sent again; call 2's answer is substituted here.
    assert again["ks"] == "new-ks" and set(again) == {"ks", "partnerId", "clientTag", "1", "2"}
    assert again["2"]["id"] == "{1:result:id}" and again["2"]["thing"]["name"] == "n"
    assert [r.value.id for r in results] == ["0_a", "0_own", "0_c"]


async def test_invalid_ks_twice_is_the_calls_error(server: ScriptedServer) -> None:
    invalid = {**api_error("INVALID_KS"), "args": {"KSID": "EXPIRED"}}
    server.default = ("json", [invalid])
    provider = _RenewingKS()
    async with KalturaClient(server.url, partner_id=1, ks_provider=provider) as c:
        results = await c.batch(call(c, GET, id="0_a"))
    assert isinstance(results[0].error, InvalidKSError) and len(server.requests) == 2


async def test_auto_split_resolves_refs_across_chunks(server: ScriptedServer) -> None:
    server.script(
        ("json", [wire_thing("0_a", "a"), wire_thing("0_b", "b")]),
        ("json", [wire_thing("0_c", "c"), wire_thing("0_d", "d")]),
        ("json", [wire_thing("0_e", "e")]),
    )
    async with client(server.url) as c:
        mr = c.multirequest(max_batch=2)
        refs = [mr.add(call(c, GET, id="0_a"))]
        for _ in range(3):
            refs.append(mr.add(call(c, GET, id=refs[-1].id)))
        mr.add(call(c, UPDATE, id=refs[3].id, thing=Thing(name=f"{refs[2].name}!")))
        results = await mr.execute()
    bodies = [r["body"] for r in server.requests]
    assert len(bodies) == 3
    assert bodies[0]["2"]["id"] == "{1:result:id}"
    assert bodies[1]["1"]["id"] == "0_b"  # crossed the split: the real value
    assert bodies[1]["2"]["id"] == "{1:result:id}"  # renumbered within the chunk
    assert bodies[2]["1"]["id"] == "0_d" and bodies[2]["1"]["thing"]["name"] == "c!"
    assert [r.value.id for r in results] == ["0_a", "0_b", "0_c", "0_d", "0_e"]


async def test_a_failure_before_the_split_is_not_sent_after_it(server: ScriptedServer) -> None:
    server.script(("json", [api_error("ENTRY_ID_NOT_FOUND")]), ("json", [wire_thing("0_z")]))
    async with client(server.url) as c:
        mr = c.multirequest(max_batch=1)
        first = mr.add(call(c, GET, id="0_nope"))
        second = mr.add(call(c, GET, id=first.id))
        mr.add(call(c, GET, id=second.id))
        mr.add(call(c, GET, id="0_z"))
        results = await mr.execute()
    assert len(server.requests) == 2  # calls 2 and 3 were never sent
    assert [type(r.error) for r in results] == [
        EntryNotFoundError,
        DependencyError,
        DependencyError,
        type(None),
    ]
    assert isinstance(results[2].error, DependencyError) and results[2].error.dependency == 2
    assert results[2].error.__cause__ is results[1].error


async def test_independent_chunks_travel_together(
    connections: ConnectionCount, server: ScriptedServer
) -> None:
    server.default = ("stall",)
    async with client(server.url) as c:
        mr = c.multirequest(*(call(c, GET, id=f"0_{i}") for i in range(6)), max_batch=2)
        task = asyncio.create_task(mr.execute())
        for _ in range(500):  # bounded poll: the server has no event for "3 arrived"
            if len(server.requests) >= 3:
                break
            await asyncio.sleep(0.01)
        assert len(server.requests) == 3  # all three chunks in flight at once
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert connections.in_use == 0


async def test_concurrent_resolves_refs_here(server: ScriptedServer) -> None:
    server.script(
        ("json", wire_list("0_a", "0_b")),
        ("json", wire_thing("0_a", "x")),
        ("json", api_error("ENTRY_ID_NOT_FOUND")),
    )
    async with client(server.url) as c:
        mr = c.multirequest(strategy="concurrent")
        listed = mr.add(call(c, LIST))
        updated = mr.add(
            call(
                c,
                UPDATE,
                id=listed.objects[0].id,
                thing=Thing(
                    name=f"all: {listed.objects.all.id}",
                    count=listed.total_count,
                    tags=[Tag(value=listed.total_count)],
                ),
            )
        )
        failed = mr.add(call(c, GET, id=updated.id, version="{1:result:totalCount}"))
        mr.add(call(c, GET, id=failed.id))
        results = await mr.execute()
    paths = [r["path"] for r in server.requests]
    assert paths == [
        "/api_v3/service/thing/action/list",
        "/api_v3/service/thing/action/update",
        "/api_v3/service/thing/action/get",
    ]
    update = server.requests[1]["body"]
    assert update["id"] == "0_a"
    assert update["thing"] == {
        "objectType": "KalturaTestThing",
        "name": "all: 0_a,0_b,",
        "count": 2,
        "tags": [{"objectType": "KalturaTestTag", "value": "2"}],
    }
    assert server.requests[2]["body"]["version"] == 2
    assert isinstance(results[3].error, DependencyError)
    assert results[3].error.dependency == 3 and results[3].error.__cause__ is results[2].error
    assert results[updated].name == "x"


async def test_cancelling_a_concurrent_batch_cancels_what_is_in_flight(
    connections: ConnectionCount,
    server: ScriptedServer,
) -> None:
    server.default = ("stall",)
    async with client(server.url) as c:
        mr = c.multirequest(
            *(call(c, GET, id=f"0_{i}") for i in range(4)), strategy="concurrent", limit=2
        )
        task = asyncio.create_task(mr.execute())
        await asyncio.wait_for(server.stalled.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert connections.in_use == 0
        assert len(server.requests) <= 2  # the limit held
