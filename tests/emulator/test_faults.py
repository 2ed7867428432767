"""Fault injection and action counters."""

from __future__ import annotations

import aiohttp
import pytest
from rawhttp import Raw, api_error

from kaltura_async.testing import FaultRule, KalturaEmulator

_ENTRY = {"objectType": "KalturaMediaEntry", "name": "f", "mediaType": 1}


async def _post(raw: Raw, body: dict[str, object]) -> aiohttp.ClientResponse:
    return await raw.session.post(raw.url("media", "add"), json={"format": 1, "ks": raw.ks, **body})


async def test_http_error_with_retry_after_does_not_run(raw: Raw, emu: KalturaEmulator) -> None:
    emu.faults.add(
        service="media", action="add", kind="http_error", status=502, retry_after=3, count=1
    )
    async with await _post(raw, {"entry": _ENTRY}) as resp:
        assert resp.status == 502 and resp.headers["Retry-After"] == "3"
        assert resp.content_type == "text/html"
    assert emu.counters[("media", "add")] == 0
    assert (await raw.add_entry())["status"] == 7
    assert emu.counters[("media", "add")] == 1


async def test_too_many_requests(raw: Raw, emu: KalturaEmulator) -> None:
    emu.faults.add(FaultRule(kind="too_many_requests", service="media"))
    async with await _post(raw, {"entry": _ENTRY}) as resp:
        assert resp.status == 429 and resp.headers["Retry-After"] == "1"


async def test_reset_before_and_after(raw: Raw, emu: KalturaEmulator) -> None:
    emu.faults.add(service="media", action="add", kind="reset_before", count=1)
    with pytest.raises(aiohttp.ClientError):
        async with await _post(raw, {"entry": _ENTRY}) as resp:
            await resp.read()
    assert emu.counters[("media", "add")] == 0 and not emu.entries
    emu.faults.add(service="media", action="add", kind="reset_after", count=1)
    with pytest.raises(aiohttp.ClientError):
        async with await _post(raw, {"entry": _ENTRY}) as resp:
            await resp.read()
    assert emu.counters[("media", "add")] == 1 and len(emu.entries) == 1


async def test_truncated_body(raw: Raw, emu: KalturaEmulator) -> None:
    emu.faults.add(service="media", action="add", kind="truncated")
    with pytest.raises(aiohttp.ClientPayloadError):
        async with await _post(raw, {"entry": _ENTRY}) as resp:
            await resp.read()
    assert emu.counters[("media", "add")] == 1


async def test_html_page(raw: Raw, emu: KalturaEmulator) -> None:
    emu.faults.add(kind="html")
    async with await _post(raw, {"entry": _ENTRY}) as resp:
        assert resp.status == 200 and resp.content_type == "text/html"
        assert (await resp.text()).startswith("<html>")


async def test_action_blocked_only_hits_matching_sub_requests(
    raw: Raw, emu: KalturaEmulator
) -> None:
    emu.faults.add(service="system", action="ping", kind="action_blocked")
    got = await raw.multi(
        {
            "format": 1,
            "ks": raw.ks,
            "0": {"service": "system", "action": "ping"},
            "1": {"service": "system", "action": "getTime"},
        }
    )
    err = api_error(got[0], "ACTION_BLOCKED")
    assert err["args"] == {"ACTION_NAME": "ping", "SERVICE_NAME": "system"}
    assert isinstance(got[1], int)


async def test_rate_is_seeded_and_reproducible(raw: Raw, emu: KalturaEmulator) -> None:
    def pattern() -> list[bool]:
        emu.reset()
        rule = emu.faults.add(kind="action_blocked", rate=0.5)
        return [emu.faults.blocked("system", "ping") for _ in range(32)] + [rule.fired > 0]

    first = pattern()
    assert first == pattern()
    assert 0 < sum(first[:32]) < 32


async def test_latency_rule_and_global_latency(raw: Raw, emu: KalturaEmulator) -> None:
    emu.set_latency(0.001)
    emu.faults.add(kind="latency", latency=0.001, count=2)
    assert await raw.call("system", "ping", ks=False) is True
    assert emu.faults.rules[0].fired == 1


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        FaultRule(kind="explode")  # type: ignore[arg-type]
