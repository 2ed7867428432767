"""Cancellation: 1,000 tasks cancelled at random points of calls, batches and uploads leak
no connection and no task, and nothing is reported as unhandled."""

from __future__ import annotations

import asyncio
import collections
import gc
import logging
import random
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from kaltura_async import KalturaClient, KalturaError, RetryPolicy
from kaltura_async.enums import MediaType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import FilterPager, MediaEntry, MediaEntryFilter
from tests.conftest import ConnectionCount

from .conftest import Figures, SecretWatch, admin_ks

TASKS = 1_000
AT_ONCE = 50

Op = Callable[[KalturaClient, int, list[str]], Awaitable[Any]]


async def get(client: KalturaClient, i: int, ids: list[str]) -> Any:
    return await client.media.get(entry_id=ids[i % len(ids)])


async def list_(client: KalturaClient, i: int, ids: list[str]) -> Any:
    return await client.media.list(
        filter=MediaEntryFilter(name_like="entry"), pager=FilterPager(page_size=20)
    )


async def add(client: KalturaClient, i: int, ids: list[str]) -> Any:
    return await client.media.add(entry=MediaEntry(name=f"c-{i}", media_type=MediaType.VIDEO))


async def gather(client: KalturaClient, i: int, ids: list[str]) -> Any:
    return await client.gather(*(client.media.get(entry_id=e) for e in ids[:4]), limit=2)


async def batch(client: KalturaClient, i: int, ids: list[str]) -> Any:
    mr = client.multirequest()
    entry = mr.add(client.media.add(entry=MediaEntry(name=f"b-{i}", media_type=MediaType.AUDIO)))
    mr.add(client.media.get(entry_id=entry.id))
    mr.add(client.media.list(pager=FilterPager(page_size=5)))
    return await mr.execute()


async def concurrent_batch(client: KalturaClient, i: int, ids: list[str]) -> Any:
    return await client.batch(
        *(client.media.get(entry_id=e) for e in ids[:6]), strategy="concurrent", limit=3
    )


async def split_batch(client: KalturaClient, i: int, ids: list[str]) -> Any:
    mr = client.multirequest(max_batch=2)
    first = mr.add(client.media.get(entry_id=ids[0]))
    for _ in range(4):
        mr.add(client.media.get(entry_id=first.id))
    return await mr.execute()


async def upload(client: KalturaClient, i: int, ids: list[str]) -> Any:
    return await client.upload(
        random.Random(i).randbytes(48 * 1024),
        file_name=f"u-{i}.mp4",
        chunk_size=8 * 1024,
        parallel=3,
    )


OPS: dict[str, Op] = {
    "get": get,
    "list": list_,
    "add": add,
    "gather": gather,
    "batch": batch,
    "concurrent batch": concurrent_batch,
    "split batch": split_batch,
    "upload": upload,
}


async def test_thousand_random_cancellations(
    connections: ConnectionCount,
    threaded_emulator: KalturaEmulator,
    secret_watch: SecretWatch,
    figures: Figures,
) -> None:
    emu = threaded_emulator
    ids = emu.seed_entries(40)
    # Slow half the requests a little, and drop a few, so cancellations land in every phase
    # (30 ms: the emulator answers a list or get in well under a millisecond, so with less
    # most operations would finish before their cancel and the run would test little).
    emu.faults.add(kind="latency", latency=0.03, rate=0.5)
    emu.faults.add(kind="reset_after", rate=0.03)
    rng = random.Random(3)
    loop = asyncio.get_running_loop()
    unhandled: list[dict[str, Any]] = []
    previous_handler = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: unhandled.append(context))
    outcomes: collections.Counter[str] = collections.Counter()
    outside: list[BaseException] = []
    names = list(OPS)
    try:
        client = KalturaClient(
            emu.url,
            partner_id=emu.partner_id,
            ks=admin_ks(emu, secret_watch),
            retry=RetryPolicy(base_delay=0.005, max_delay=0.02),
        )
        async with client:
            baseline = asyncio.all_tasks()
            slots = asyncio.Semaphore(AT_ONCE)

            async def victim(i: int) -> None:
                name = names[i % len(names)]
                async with slots:
                    task = asyncio.ensure_future(OPS[name](client, i, ids))
                    # Within the time most operations take, so that most are cancelled
                    # mid-way (a wider window let faster calls finish first).
                    await asyncio.sleep(rng.uniform(0.0, 0.08))
                    task.cancel()
                    try:
                        await task
                    except asyncio.CancelledError:
                        outcomes[f"{name}: cancelled"] += 1
                    except KalturaError:
                        outcomes[f"{name}: failed before the cancel"] += 1
                    except Exception as err:  # reported by the assertion below
                        outside.append(err)
                    else:
                        outcomes[f"{name}: done before the cancel"] += 1

            with anyio.fail_after(120):
                await asyncio.gather(*(victim(i) for i in range(TASKS)))
            acquired = connections.in_use
            leaked_tasks = asyncio.all_tasks() - baseline
        gc.collect()
        await asyncio.sleep(0)  # let the loop run any callbacks gc scheduled
    finally:
        loop.set_exception_handler(previous_handler)

    # The emulator runs on its own thread; what its server logs is not the client's doing.
    client_thread = threading.get_ident()
    errors_logged = [
        f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
        for r in secret_watch.records
        if r.levelno >= logging.ERROR and r.thread == client_thread
    ]
    server_errors = sum(
        1 for r in secret_watch.records if r.levelno >= logging.ERROR and r.thread != client_thread
    )
    cancelled = sum(v for k, v in outcomes.items() if k.endswith("cancelled"))
    assert not outside, outside[:3]
    assert acquired == 0
    assert not leaked_tasks, leaked_tasks
    assert not unhandled, unhandled[:3]
    assert not errors_logged, errors_logged[:3]
    assert sum(outcomes.values()) == TASKS
    # The guard that the run exercised cancellation at all: how many of the 1,000 land
    # mid-operation depends on the machine's speed and load (458 to 744 seen on two
    # loaded cores), so the bar sits below that range; every other assertion is exact.
    assert cancelled >= TASKS // 3, outcomes
    runs = collections.Counter(names[i % len(names)] for i in range(TASKS))
    figures.record("cancellation", "tasks cancelled at a random point", TASKS)
    figures.record("cancellation", "... cancelled mid-operation", cancelled)
    figures.record(
        "cancellation",
        "... by operation (cancelled/finished first)",
        ", ".join(
            f"{n} {outcomes[f'{n}: cancelled']}/{runs[n] - outcomes[f'{n}: cancelled']}"
            for n in names
        ),
    )
    figures.record(
        "cancellation", "connections / tasks leaked", f"{acquired} / {len(leaked_tasks)}"
    )
    figures.record(
        "cancellation",
        "unhandled errors / ERROR log records on the client's loop",
        f"{len(unhandled)} / {len(errors_logged)}",
    )
    figures.record(
        "cancellation", "ERROR log records of the emulator's server (not asserted)", server_errors
    )
