"""KS expiry under load: a provider with a 2-second KS keeps 64 workers going, no call fails."""

from __future__ import annotations

import collections
from typing import Any

import aiohttp
import anyio

from kaltura_async import KalturaClient, KalturaError, SecretKSProvider
from kaltura_async.enums import MediaType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import FilterPager, MediaEntry, MediaEntryFilter

from .conftest import Figures, SecretWatch

WORKERS = 64
RENEWALS = 4
MAX_CALLS = 40_000


async def test_short_lived_ks_renewed_under_load(
    threaded_emulator: KalturaEmulator, secret_watch: SecretWatch, figures: Figures
) -> None:
    emu = threaded_emulator
    ids = emu.seed_entries(50)
    provider = SecretKSProvider(emu.admin_secret, emu.partner_id, expiry=2)
    secret_watch.check_text(repr(provider))
    requests = 0

    async def on_request_end(*_: Any) -> None:
        nonlocal requests
        requests += 1

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(on_request_end)
    failures: collections.Counter[str] = collections.Counter()
    calls = 0

    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        client = KalturaClient(
            emu.url, partner_id=emu.partner_id, ks_provider=provider, session=session
        )

        logged_out = False

        async def worker(n: int) -> None:
            nonlocal calls, logged_out
            while provider.renewals < RENEWALS and calls < MAX_CALLS:
                if n == 0 and not logged_out and provider.renewals == 2:
                    # Renewal ahead of expiry can win every race on a quiet machine, so the
                    # server also revokes one KS mid-run: every call in flight with it then
                    # meets INVALID_KS and must be re-sent with a fresh one, not fail.
                    logged_out = True
                    await client.session.end()
                    continue
                calls += 1
                i = calls
                try:
                    if i % 3 == 0:
                        await client.media.get(entry_id=ids[i % len(ids)])
                    elif i % 3 == 1:
                        await client.media.list(
                            filter=MediaEntryFilter(name_like="entry"),
                            pager=FilterPager(page_size=3),
                        )
                    else:
                        await client.media.add(
                            entry=MediaEntry(name=f"ks-{i}", media_type=MediaType.AUDIO)
                        )
                except KalturaError as err:
                    failures[type(err).__name__] += 1
                    secret_watch.check_text(str(err))

        with anyio.fail_after(120):
            async with anyio.create_task_group() as tg:
                for n in range(WORKERS):
                    tg.start_soon(worker, n)
        await client.aclose()
        secret_watch.add(getattr(provider, "_ks", None))

    rejected = requests - calls - 1  # session.end is the one request that is no call
    assert logged_out
    assert not failures, failures
    assert provider.renewals >= RENEWALS
    assert rejected > 0, "no call met a rejected KS: the test did not exercise renewal"
    ran = sum(emu.counters[("media", a)] for a in ("get", "list", "add"))
    assert ran == calls
    figures.record("ks expiry", "calls with a 2 s KS from SecretKSProvider", calls)
    figures.record("ks expiry", "KSs obtained (renewals)", provider.renewals)
    figures.record("ks expiry", "requests rejected INVALID_KS and re-sent with a new KS", rejected)
    figures.record("ks expiry", "failed calls", sum(failures.values()))
