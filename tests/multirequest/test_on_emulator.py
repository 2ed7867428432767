"""Batches on the emulator: the Getting Started chain, isolation, result kinds, KS per
call, cancellation and auto-split, under each strategy."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from kaltura_async import (
    DependencyError,
    EntryNotFoundError,
    InvalidKSError,
    KalturaClient,
    MultiResponse,
)
from kaltura_async.enums import EntryStatus, MediaType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import (
    MediaEntry,
    MediaEntryFilter,
    MediaListResponse,
    UploadedFileTokenResource,
    UploadToken,
)
from tests.conftest import ConnectionCount

# "split" is the server strategy cut into multirequests of two calls.
STRATEGIES: dict[str, dict[str, Any]] = {
    "server": {},
    "concurrent": {"strategy": "concurrent", "limit": 4},
    "split": {"max_batch": 2},
}


def video(name: str, **fields: Any) -> MediaEntry:
    return MediaEntry(name=name, media_type=MediaType.VIDEO, **fields)


@pytest.mark.parametrize("how", STRATEGIES)
async def test_getting_started_chain(
    kaltura_client: KalturaClient, kaltura_emulator: KalturaEmulator, how: str
) -> None:
    c = kaltura_client
    mr = c.multirequest(**STRATEGIES[how])
    token = mr.add(c.upload_token.add(upload_token=UploadToken(file_name="a.mp4")))
    entry = mr.add(c.media.add(entry=video("a")))
    attached = mr.add(
        c.media.add_content(entry_id=entry.id, resource=UploadedFileTokenResource(token=token.id))
    )
    results = await mr.execute()
    results.raise_for_errors()
    assert isinstance(results[token], UploadToken)
    assert results[attached].id == results[entry].id
    assert results[entry].status == EntryStatus.NO_CONTENT
    # The token has no bytes yet: the entry waits for them (wire §6).
    assert results[attached].status == EntryStatus.IMPORT
    token_id, entry_id = str(results[token].id), str(results[entry].id)
    await c.upload_token.upload(upload_token_id=token_id, file_data=b"video bytes")
    done = await c.media.get(entry_id=entry_id)
    assert done.status in (EntryStatus.PRECONVERT, EntryStatus.READY)
    assert kaltura_emulator.counters[("media", "addContent")] == 1


@pytest.mark.parametrize("how", STRATEGIES)
async def test_failure_isolation_and_result_kinds(kaltura_client: KalturaClient, how: str) -> None:
    c = kaltura_client
    first = await c.media.add(entry=video("kept"))
    assert first.id is not None
    results = await c.batch(
        c.media.get(entry_id=first.id),
        c.media.get(entry_id="0_missing"),
        c.media.count(filter=MediaEntryFilter(id_equal=first.id)),
        c.media.list(filter=MediaEntryFilter(id_equal=first.id)),
        c.system.ping(),
        c.media.delete(entry_id=first.id),
        c.media.get(entry_id="0_missing2"),
        **STRATEGIES[how],
    )
    assert [r.ok for r in results] == [True, False, True, True, True, True, False]
    assert isinstance(results[0].value, MediaEntry) and results[0].value.name == "kept"
    assert isinstance(results[1].error, EntryNotFoundError)
    assert results[2].value == 1
    listed = results[3].value
    assert isinstance(listed, MediaListResponse) and listed.total_count == 1
    assert results[4].value is True and results[5].value is None
    with pytest.raises(ExceptionGroup, match="2 of 7") as group:
        results.raise_for_errors()
    assert all(isinstance(e, EntryNotFoundError) for e in group.value.exceptions)


@pytest.mark.parametrize("how", STRATEGIES)
async def test_failed_inputs_become_dependency_errors(
    kaltura_client: KalturaClient, how: str
) -> None:
    c = kaltura_client
    mr = c.multirequest(**STRATEGIES[how])
    missing = mr.add(c.media.get(entry_id="0_missing"))
    again = mr.add(c.media.get(entry_id=missing.id))
    mr.add(c.media.update(entry_id=again.id, media_entry=MediaEntry(description="x")))
    fine = mr.add(c.media.add(entry=video("fine")))
    results = await mr.execute()
    assert isinstance(results[0].error, EntryNotFoundError)
    assert [getattr(r.error, "dependency", None) for r in results] == [None, 1, 2, None]
    assert isinstance(results[1].error, DependencyError)
    assert isinstance(results[1].error.__cause__, EntryNotFoundError)
    assert results[fine].name == "fine"


@pytest.mark.parametrize("how", STRATEGIES)
async def test_per_call_ks(
    kaltura_client: KalturaClient, kaltura_emulator: KalturaEmulator, how: str
) -> None:
    c = kaltura_client
    results = await c.batch(
        c.media.add(entry=video("mine")).with_options(ks=kaltura_emulator.user_ks("alice")),
        c.media.add(entry=video("admin's")),
        c.media.add(entry=video("bad")).with_options(ks="not-a-ks"),
        **STRATEGIES[how],
    )
    assert results[0].value.user_id == "alice"
    assert results[1].value.user_id != "alice"
    assert isinstance(results[2].error, InvalidKSError)


async def test_cancelling_leaves_no_connection(
    connections: ConnectionCount, kaltura_client: KalturaClient, kaltura_emulator: KalturaEmulator
) -> None:
    c = kaltura_client
    kaltura_emulator.faults.latency = 0.3
    for how in STRATEGIES.values():
        mr = c.multirequest(*(c.media.get(entry_id=f"0_{i}") for i in range(6)), **how)
        task = asyncio.create_task(mr.execute())
        for _ in range(500):  # bounded: wait until requests are in flight
            if connections.in_use > 0:
                break
            await asyncio.sleep(0.01)
        assert connections.in_use > 0
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert connections.in_use == 0
    kaltura_emulator.faults.latency = 0.0


async def test_auto_split_with_refs_crossing_chunks(
    kaltura_client: KalturaClient,
    kaltura_emulator: KalturaEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = kaltura_client
    posts: list[str] = []
    post = c.transport.post

    async def counting(service: str, *args: Any, **kwargs: Any) -> Any:
        posts.append(service)
        return await post(service, *args, **kwargs)

    monkeypatch.setattr(c.transport, "post", counting)
    mr = c.multirequest(max_batch=3)
    first = mr.add(c.media.add(entry=video("root", description="d0")))
    previous = first
    for i in range(1, 8):
        previous = mr.add(
            c.media.update(
                entry_id=previous.id, media_entry=MediaEntry(description=f"{previous.name}-{i}")
            )
        )
    listing = mr.add(c.media.list(filter=MediaEntryFilter(id_in=f"{first.id}", status_in="2,7")))
    mr.add(c.media.get(entry_id=listing.objects[0].id))
    results: MultiResponse = await mr.execute()
    results.raise_for_errors()
    assert posts == ["multirequest"] * 4  # 10 calls in chunks of 3
    assert kaltura_emulator.counters[("media", "update")] == 7
    assert {r.value.id for r in results[:-2]} == {results[first].id}
    assert results[-1].value.description == "root-7"
