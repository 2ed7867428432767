"""One retry authority: the transport's RetryPolicy is the whole budget of HTTP attempts.

Every failure kind the emulator can inject, on a single call, a batch and an upload chunk,
makes exactly ``max_retries + 1`` attempts; ``retry_statuses`` decides which HTTP statuses
are retried; the deadline ends the call even while an attempt is in flight.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio

from kaltura_async import (
    KalturaClient,
    KalturaCommunicationError,
    KalturaConnectionError,
    KalturaHTTPError,
    KalturaTimeoutError,
    RetryPolicy,
    Timeout,
)
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import MediaEntry

FAILURES: dict[str, dict[str, Any]] = {
    "http 500": {"kind": "http_error", "status": 500},
    "http 503": {"kind": "http_error", "status": 503},
    "http 429": {"kind": "too_many_requests"},
    "reset before the answer": {"kind": "reset_before"},
    "reset after the answer": {"kind": "reset_after"},
    "truncated answer": {"kind": "truncated"},
    "html page": {"kind": "html"},
}


@pytest_asyncio.fixture
async def emu() -> AsyncIterator[KalturaEmulator]:
    async with KalturaEmulator() as emulator:
        yield emulator


def fast(max_retries: int, **changes: Any) -> RetryPolicy:
    return RetryPolicy(max_retries=max_retries, base_delay=0.001, max_delay=0.002, **changes)


async def single_call(client: KalturaClient, entry_id: str) -> None:
    await client.media.get(entry_id)


async def batch(client: KalturaClient, entry_id: str) -> None:
    results = await client.batch(client.media.get(entry_id), client.media.get(entry_id))
    # Every call of the failed request carries the request's error.
    errors = results.errors
    assert len(errors) == 2 and errors[0] is errors[1]
    raise errors[0]


async def upload_chunk(client: KalturaClient, entry_id: str) -> None:
    await client.upload(b"x" * 1000, file_name="a.mp4")


WHERE: dict[str, tuple[Callable[[KalturaClient, str], Awaitable[None]], dict[str, str]]] = {
    "single call": (single_call, {"service": "media", "action": "get"}),
    "batch": (batch, {"service": "multirequest"}),
    "upload chunk": (upload_chunk, {"service": "uploadToken", "action": "upload"}),
}


@pytest.mark.parametrize("max_retries", [0, 2])
@pytest.mark.parametrize("where", list(WHERE))
@pytest.mark.parametrize("failure", list(FAILURES))
async def test_attempts_per_failure_are_max_retries_plus_one(
    emu: KalturaEmulator, failure: str, where: str, max_retries: int
) -> None:
    (entry_id,) = emu.seed_entries(1)
    operation, target = WHERE[where]
    rule = emu.faults.add(**target, **FAILURES[failure])
    async with KalturaClient(emu.url, ks=emu.admin_ks(), retry=fast(max_retries)) as client:
        with pytest.raises(KalturaCommunicationError):
            await operation(client, entry_id)
    assert rule.fired == max_retries + 1


async def test_a_write_whose_answer_was_lost_is_sent_once(emu: KalturaEmulator) -> None:
    rule = emu.faults.add(service="media", action="add", kind="reset_after")
    async with KalturaClient(emu.url, ks=emu.admin_ks(), retry=fast(3)) as client:
        with pytest.raises(KalturaConnectionError) as info:
            await client.media.add(entry=MediaEntry(name="once"))
    assert info.value.request_sent and rule.fired == 1


@pytest.mark.parametrize(
    ("status", "statuses", "attempts"),
    [
        (503, frozenset(), 1),  # an empty set retries no status at all
        (501, None, 1),  # Not Implemented answers the same every time
        (418, frozenset({418}), 3),  # a listed status is retried, whatever it is
        (503, None, 3),
        (408, None, 3),
    ],
)
async def test_retry_statuses_decide_which_statuses_are_retried(
    emu: KalturaEmulator, status: int, statuses: frozenset[int] | None, attempts: int
) -> None:
    (entry_id,) = emu.seed_entries(1)
    rule = emu.faults.add(service="media", action="get", kind="http_error", status=status)
    policy = fast(2) if statuses is None else fast(2, retry_statuses=statuses)
    async with KalturaClient(emu.url, ks=emu.admin_ks(), retry=policy) as client:
        with pytest.raises(KalturaHTTPError) as info:
            await client.media.get(entry_id)
    assert info.value.status == status and rule.fired == attempts


async def test_the_deadline_ends_the_attempt_in_flight(emu: KalturaEmulator) -> None:
    (entry_id,) = emu.seed_entries(1)
    emu.faults.add(service="media", action="get", kind="latency", latency=3.0)
    policy = fast(3, deadline=0.5)
    async with KalturaClient(
        emu.url, ks=emu.admin_ks(), retry=policy, timeout=Timeout(total=2.0)
    ) as client:
        started = time.monotonic()
        with pytest.raises(KalturaTimeoutError, match="deadline"):
            await client.media.get(entry_id)
        elapsed = time.monotonic() - started
    # Without the cap the attempt ran to its own 2 s total; with it, the call ends at the
    # deadline (the margin is for a loaded machine, still far below the 2 s).
    assert elapsed < 1.5
