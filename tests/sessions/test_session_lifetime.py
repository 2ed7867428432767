"""A locally generated KS lives until ``int(now) + expiry``, and the provider knows it."""

from __future__ import annotations

from session_fakes import ADMIN_SECRET, FakeClock

from kaltura_async._session import SecretKSProvider, parse_ks


async def test_local_ks_lifetime_counts_from_the_whole_second() -> None:
    clock = FakeClock()
    clock.advance(0.9)  # the wall clock now stands 0.9 s into a second
    provider = SecretKSProvider(ADMIN_SECRET, 1000, expiry=2, clock=clock)
    ks = await provider.get_ks(None)  # type: ignore[arg-type]
    info = parse_ks(ks, ADMIN_SECRET)
    assert info.expires_at == int(clock.time()) + 2
    left = provider.seconds_left
    assert left is not None and abs(left - (info.expires_at - clock.time())) < 1e-6
    clock.advance(1.05)  # past the KS's real life minus the margin: renewed
    assert await provider.get_ks(None) != ks  # type: ignore[arg-type]
