"""Load with faults: 10,000 mixed calls at concurrency 64 while 10% of requests fail."""

from __future__ import annotations

import collections
import random
import time
from typing import Any

import anyio

from kaltura_async import (
    KalturaClient,
    KalturaError,
    KalturaTransportError,
    RetryPolicy,
    Timeout,
)
from kaltura_async.enums import MediaType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import FilterPager, MediaEntry, MediaEntryFilter
from tests.conftest import ConnectionCount

from .conftest import Figures, SecretWatch, admin_ks

CALLS = 10_000
CONCURRENCY = 64
READS = ("get", "list", "count")
#: (kind, rate, extra) — about 10% of all requests draw a fault.
FAULT_MIX: tuple[tuple[str, float, dict[str, Any]], ...] = (
    ("reset_before", 0.015, {}),
    ("reset_after", 0.015, {}),
    ("http_error", 0.015, {"status": 502, "retry_after": 0.01}),
    ("http_error", 0.01, {"status": 503, "retry_after": "0.02"}),
    ("too_many_requests", 0.015, {"retry_after": 0.01}),
    ("latency", 0.01, {"latency": 1.5}),  # beyond the client's 0.5 s timeout
    ("truncated", 0.015, {}),
    ("html", 0.005, {}),
)


def plan(seed: int) -> list[str]:
    rng = random.Random(seed)
    return rng.choices(
        ["get", "list", "count", "add", "update"], weights=[35, 20, 15, 20, 10], k=CALLS
    )


async def test_ten_thousand_calls_with_ten_percent_faults(
    connections: ConnectionCount, figures: Figures, secret_watch: SecretWatch
) -> None:
    ops = plan(7)
    outcomes: dict[str, collections.Counter[str]] = {
        op: collections.Counter() for op in ("get", "list", "count", "add", "update")
    }
    added: dict[str, str] = {}  # marker -> entry id, from successful adds
    unknown: set[str] = set()  # markers of adds whose outcome is unknown
    outside: list[BaseException] = []

    with KalturaEmulator.run_in_thread(final_chunk_wait=2.0) as emu:
        secret_watch.add(emu.admin_secret, emu.user_secret)
        ids = emu.seed_entries(200)
        rules = [emu.faults.add(kind=kind, rate=rate, **extra) for kind, rate, extra in FAULT_MIX]
        client = KalturaClient(
            emu.url,
            partner_id=emu.partner_id,
            ks=admin_ks(emu, secret_watch),
            timeout=Timeout(total=0.5, connect=0.5, sock_read=0.5),
            retry=RetryPolicy(base_delay=0.01, max_delay=0.05),
        )
        pending = iter(enumerate(ops))

        async def one(i: int, op: str) -> None:
            media = client.media
            marker = f"load-{i}"
            try:
                if op == "get":
                    await media.get(entry_id=ids[i % len(ids)])
                elif op == "list":
                    await media.list(
                        filter=MediaEntryFilter(name_like="entry"), pager=FilterPager(page_size=5)
                    )
                elif op == "count":
                    await media.count(filter=MediaEntryFilter(name_like="entry"))
                elif op == "update":
                    await media.update(
                        entry_id=ids[i % len(ids)], media_entry=MediaEntry(tags=f"t{i}")
                    )
                else:
                    entry = await media.add(
                        entry=MediaEntry(
                            name=marker, media_type=MediaType.VIDEO, reference_id=marker
                        )
                    )
                    added[marker] = entry.id
            except KalturaTransportError as err:
                outcomes[op][f"{type(err).__name__}(request_sent={err.request_sent})"] += 1
                secret_watch.check_text(str(err))
                if op == "add" and err.request_sent:
                    unknown.add(marker)
                return
            except KalturaError as err:
                outcomes[op][type(err).__name__] += 1
                secret_watch.check_text(str(err))
                return
            except Exception as err:  # the assertion below reports it
                outside.append(err)
                return
            outcomes[op]["ok"] += 1

        async def worker() -> None:
            for i, op in pending:
                await one(i, op)

        started = time.perf_counter()
        async with client:
            with anyio.fail_after(240):
                async with anyio.create_task_group() as tg:
                    for _ in range(CONCURRENCY):
                        tg.start_soon(worker)
            elapsed = time.perf_counter() - started
            acquired = connections.in_use
        faulted = sum(rule.fired for rule in rules)
    # The emulator has stopped: every handler that was still running has finished, so the
    # entries below are final.
    created: collections.Counter[str] = collections.Counter(
        e.get("referenceId") for e in emu.entries.values() if e.get("referenceId")
    )

    assert not outside, f"exceptions outside KalturaError: {outside[:3]!r}"
    assert acquired == 0
    reads_total = sum(sum(outcomes[op].values()) for op in READS)
    reads_ok = sum(outcomes[op]["ok"] for op in READS)
    assert reads_total + sum(outcomes["add"].values()) + sum(outcomes["update"].values()) == CALLS
    assert reads_ok / reads_total >= 0.99, outcomes
    duplicated = [marker for marker, n in created.items() if n > 1]
    assert not duplicated
    # Every entry traces to exactly one call: a successful add (the same id), or an add
    # that reported an unknown outcome. No failed-for-sure add created anything.
    for marker, entry_id in added.items():
        assert created[marker] == 1 and emu.entries[entry_id]["referenceId"] == marker
    from_unknown = set(created) - set(added)
    assert from_unknown <= unknown
    assert len(created) == len(added) + len(from_unknown)
    # The faults really happened: lost responses of adds that ran.
    assert faulted >= CALLS * 0.08
    assert from_unknown, "no add lost its response: the fault mix did not bite"

    writes_ok = outcomes["add"]["ok"] + outcomes["update"]["ok"]
    writes = sum(outcomes["add"].values()) + sum(outcomes["update"].values())
    figures.record("load", "calls (reads/writes) at concurrency 64", f"{reads_total}/{writes}")
    figures.record("load", "requests faulted by the emulator", faulted)
    figures.record(
        "load", "reads succeeded", f"{reads_ok}/{reads_total} ({100 * reads_ok / reads_total:.2f}%)"
    )
    figures.record("load", "writes succeeded", f"{writes_ok}/{writes}")
    figures.record("load", "adds with outcome unknown (request_sent=True)", len(unknown))
    figures.record("load", "... of which the server had created", len(from_unknown))
    figures.record(
        "load",
        "entries traced to no reported call / markers duplicated",
        f"{len(from_unknown - unknown)} / {len(duplicated)}",
    )
    figures.record("load", "exceptions outside KalturaError", len(outside))
    figures.record("load", "connections acquired at the end", acquired)
    figures.record("load", "throughput (calls/s, this machine)", round(CALLS / elapsed))
    failures = collections.Counter()
    for op in ("add", "update"):
        failures.update({k: v for k, v in outcomes[op].items() if k != "ok"})
    figures.record(
        "load", "write failures by type", ", ".join(f"{k} {v}" for k, v in sorted(failures.items()))
    )
