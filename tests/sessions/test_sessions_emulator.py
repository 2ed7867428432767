"""KS generation, parsing and providers against the emulator's independent KS validator."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import anyio
import pytest

from kaltura_async import (
    AppTokenKSProvider,
    InvalidAppTokenHashError,
    InvalidKSError,
    KalturaClient,
    SecretKSProvider,
    generate_ks,
    parse_ks,
)
from kaltura_async.enums import AppTokenHashType, SessionType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import AppToken

pytestmark = pytest.mark.usefixtures("nothing_secret_logged")
_seen: list[str] = []


@pytest.fixture
def nothing_secret_logged(
    caplog: pytest.LogCaptureFixture, kaltura_emulator: KalturaEmulator
) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    _seen.clear()
    yield
    text = "\n".join(
        f"{r.getMessage()} {r.args!r} {r.exc_text or ''}"
        for r in caplog.get_records("setup") + caplog.get_records("call")
    )
    secrets = [kaltura_emulator.admin_secret, kaltura_emulator.user_secret, *_seen]
    assert not [s for s in secrets if s and s in text], "a secret reached the logs"
    assert "djJ8" not in text, "a KS reached the logs"


def client_for(emu: KalturaEmulator, **kw: object) -> KalturaClient:
    return KalturaClient(emu.url, partner_id=emu.partner_id, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", [1, 2])
async def test_local_ks_is_accepted_by_the_emulator(
    kaltura_emulator: KalturaEmulator, version: int
) -> None:
    emu = kaltura_emulator
    ks = generate_ks(
        emu.admin_secret, emu.partner_id, type=SessionType.ADMIN, expiry=60, version=version
    )
    _seen.append(ks)
    async with client_for(emu, ks=ks) as client:
        info = await client.session.get()
    assert info.partner_id == emu.partner_id
    assert info.session_type == SessionType.ADMIN


async def test_server_ks_parses_with_the_secret(kaltura_emulator: KalturaEmulator) -> None:
    emu = kaltura_emulator
    async with client_for(emu) as client:
        ks = await client.session.start(
            secret=emu.admin_secret,
            partner_id=emu.partner_id,
            type=SessionType.ADMIN,
            user_id="alice",
            expiry=600,
            privileges="disableentitlement,sview:*",
        )
    _seen.append(ks)
    info = parse_ks(ks, admin_secret=emu.admin_secret)
    assert info.partner_id == emu.partner_id and info.user_id == "alice"
    assert info.type == SessionType.ADMIN
    assert dict(info.privileges) == {"disableentitlement": "", "sview": "*"}
    assert 590 <= info.expires_at - time.time() <= 601


async def test_expired_ks_is_invalid_ks_with_reason(kaltura_emulator: KalturaEmulator) -> None:
    emu = kaltura_emulator
    ks = generate_ks(emu.admin_secret, emu.partner_id, type=2, expiry=1, _now=time.time() - 100)
    _seen.append(ks)
    async with client_for(emu, ks=ks) as client:
        with pytest.raises(InvalidKSError) as info:
            await client.media.list()
    assert info.value.reason == "EXPIRED"
    assert ks not in str(info.value) and ks not in repr(info.value.args_map)


@pytest.mark.parametrize("hash_type", ["SHA1", "MD5", "SHA256", "SHA512"])
async def test_app_token_flow(kaltura_emulator: KalturaEmulator, hash_type: str) -> None:
    emu = kaltura_emulator
    async with client_for(emu, ks=emu.admin_ks()) as admin:
        token = await admin.app_token.add(
            app_token=AppToken(
                hash_type=AppTokenHashType(hash_type),
                session_type=SessionType.ADMIN,
                session_duration=600,
            )
        )
    _seen.append(token.token)
    provider = AppTokenKSProvider(token.id, token.token, hash_type=hash_type)
    async with client_for(emu, ks_provider=provider) as client:
        page = await client.media.list()
        assert page.total_count == 0
        ks = await provider.get_ks(client._provider_view())
    _seen.append(ks)
    info = parse_ks(ks, admin_secret=emu.admin_secret)
    assert info.privileges.get("apptoken") == token.id
    assert provider.renewals == 1


async def test_app_token_wrong_hash_is_typed(kaltura_emulator: KalturaEmulator) -> None:
    emu = kaltura_emulator
    async with client_for(emu, ks=emu.admin_ks()) as admin:
        token = await admin.app_token.add(app_token=AppToken(hash_type=AppTokenHashType.SHA256))
    _seen.append(token.token)
    provider = AppTokenKSProvider(token.id, token.token, hash_type="SHA1")  # the wrong one
    async with client_for(emu, ks_provider=provider) as client:
        with pytest.raises(InvalidAppTokenHashError):
            await client.media.list()


async def test_worker_loop_over_a_one_second_ks(kaltura_emulator: KalturaEmulator) -> None:
    """200 paced calls over ~3 s with a 1 s KS: no call fails, renewals track the lifetime."""
    emu = kaltura_emulator
    provider = SecretKSProvider(emu.admin_secret, emu.partner_id, expiry=1, local=False)
    failures = 0
    started = time.monotonic()
    async with client_for(emu, ks_provider=provider) as client:
        for _ in range(200):
            try:
                await client.media.count()
            except InvalidKSError:
                failures += 1
            await anyio.sleep(0.015)  # the workload's own pace, not a wait for a result
    elapsed = time.monotonic() - started
    assert failures == 0
    # A KS's expiry is a whole second: one asked for at t with expiry=1 lives until
    # floor(t) + 1, and is renewed 10% of its remaining life ahead of that. So every
    # started second needs a KS, and within a second the lifetimes shrink tenfold per
    # renewal until one is shorter than the 15 ms pace: at most 1 + 2 more per second.
    seconds = int(elapsed) + 1
    assert seconds - 1 <= provider.renewals <= 3 * seconds


async def test_hundred_concurrent_calls_at_expiry_renew_once(
    kaltura_emulator: KalturaEmulator,
) -> None:
    emu = kaltura_emulator
    provider = SecretKSProvider(emu.admin_secret, emu.partner_id, expiry=3600, local=False)
    async with client_for(emu, ks_provider=provider) as client:
        await client.system.get_time()
        await client.media.count()
        assert provider.renewals == 1
        # The server logs the session out: every call in flight meets INVALID_KS at once.
        await client.session.end()
        counts = await client.gather(*(client.media.count() for _ in range(100)))
    assert counts == [0] * 100
    assert provider.renewals == 2
