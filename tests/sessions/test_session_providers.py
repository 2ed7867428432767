"""KS providers: caching, renewal ahead of expiry, single flight, INVALID_KS renewal, app tokens."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable

import pytest
from session_fakes import (
    ADMIN_SECRET,
    APP_TOKEN,
    PARTNER_ID,
    SENSITIVE,
    FakeClient,
    FakeClock,
    FakeSessionServer,
    wait_until,
)

from kaltura_async import (
    InvalidAppTokenHashError,
    KalturaProtocolError,
    KalturaValidationError,
    StartSessionError,
)
from kaltura_async._session import (
    AppTokenKSProvider,
    KSProvider,
    SecretKSProvider,
    StaticKS,
    _lifetime,
    default_renew_margin,
    generate_ks,
    parse_ks,
)

TOKEN_ID = "0_ab12cd34"


def _remote(clock: FakeClock, **kw: object) -> SecretKSProvider:
    return SecretKSProvider(ADMIN_SECRET, PARTNER_ID, local=False, clock=clock, **kw)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- basics


def test_providers_satisfy_the_protocol(clock: FakeClock) -> None:
    for provider in (
        StaticKS("x"),
        SecretKSProvider(ADMIN_SECRET, clock=clock),
        AppTokenKSProvider(TOKEN_ID, APP_TOKEN),
    ):
        assert isinstance(provider, KSProvider)


@pytest.mark.parametrize(
    ("lifetime", "margin"), [(1, 0.1), (600, 60), (3000, 300), (86400, 300), (0, 0)]
)
def test_default_margin(lifetime: float, margin: float) -> None:
    assert default_renew_margin(lifetime) == pytest.approx(margin)


def test_lifetime_from_server_expiry() -> None:
    assert _lifetime(1100, 1000, 3600) == 100  # the server capped it
    assert _lifetime(9000, 1000, 3600) == 3600  # never more than asked
    assert _lifetime(9000, 1000, None) == 8000
    assert _lifetime(None, 1000, 60) == 60
    assert _lifetime(900, 1000, 60) == 60  # our clock runs ahead: trust the request


async def test_static_ks_never_renews(client: FakeClient) -> None:
    ks = generate_ks(ADMIN_SECRET, PARTNER_ID, version=1)
    SENSITIVE.add(ks)
    provider = StaticKS(ks)
    assert await provider.get_ks(client) == ks
    # Returning the rejected KS itself tells the client to give up and raise.
    assert await provider.renew(client, ks) == ks
    assert provider.renewals == 0
    assert repr(provider) == f"StaticKS(partner_id={PARTNER_ID}, version=1)"
    assert repr(StaticKS("not a ks")) == "StaticKS()"
    with pytest.raises(KalturaValidationError):
        StaticKS("")


@pytest.mark.parametrize("version", [1, 2])
async def test_local_secret_provider_caches(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock, version: int
) -> None:
    provider = SecretKSProvider(ADMIN_SECRET, version=version, user_id="worker", clock=clock)
    ks = await provider.get_ks(client)
    SENSITIVE.add(ks)
    assert await provider.get_ks(client) == ks
    info = parse_ks(ks, ADMIN_SECRET)
    # The partner comes from the client; the type defaults to ADMIN.
    assert (info.version, info.partner_id, info.type, info.user_id) == (
        version,
        PARTNER_ID,
        2,
        "worker",
    )
    assert info.expires_at == int(clock.time()) + 86400
    assert provider.renewals == 1 and provider.seconds_left == 86400
    assert server.calls == []  # generated locally: no request at all


async def test_remote_secret_provider_calls_session_start(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock
) -> None:
    provider = _remote(clock, privileges="disableentitlement", expiry=3600, type=0)
    ks = await provider.get_ks(client)
    assert server.calls == [
        (
            "session",
            "start",
            {
                "secret": ADMIN_SECRET,
                "userId": "",
                "type": 0,
                "partnerId": PARTNER_ID,
                "expiry": 3600,
                "privileges": "disableentitlement",
            },
            None,  # the provider-less view sends no KS
        )
    ]
    assert parse_ks(ks, ADMIN_SECRET).privileges == {"disableentitlement": ""}


async def test_remote_provider_honours_the_server_cap(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock
) -> None:
    server.max_expiry = 100
    provider = _remote(clock)
    first = await provider.get_ks(client)
    # Lifetime 100 s (read back from the KS), margin 10 s: fresh for 90 s.
    clock.advance(89.5)
    assert await provider.get_ks(client) == first
    clock.advance(0.5)
    assert await provider.get_ks(client) != first
    assert server.count("session", "start") == 2


async def test_remote_provider_rejects_a_non_ks_answer(
    client: FakeClient, clock: FakeClock
) -> None:
    async def weird(service: str, action: str, /, **params: object) -> object:
        return None

    client.call = weird  # type: ignore[method-assign]
    with pytest.raises(KalturaProtocolError):
        await _remote(clock).get_ks(client)


async def test_partner_id_is_required_somewhere(client: FakeClient, clock: FakeClock) -> None:
    client.partner_id = None
    provider = SecretKSProvider(ADMIN_SECRET, clock=clock)
    with pytest.raises(KalturaValidationError, match="partner_id") as err:
        await provider.get_ks(client)
    assert ADMIN_SECRET not in str(err.value)
    assert (
        parse_ks(await SecretKSProvider(ADMIN_SECRET, 99).get_ks(client), ADMIN_SECRET).partner_id
        == 99
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"admin_secret": ""},
        {"expiry": 0},
        {"expiry": "60"},
        {"version": 3},
        {"type": "ADMIN"},
        {"renew_margin": -1},
        {"renew_margin": float("nan")},
        {"partner_id": "abc"},
    ],
)
def test_secret_provider_bad_arguments(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"admin_secret": ADMIN_SECRET}
    args.update(kwargs)
    with pytest.raises(KalturaValidationError) as err:
        SecretKSProvider(**args)  # type: ignore[arg-type]
    assert ADMIN_SECRET not in str(err.value)


# ----------------------------------------------------------------------------- expiry and renewal


async def test_worker_loop_with_one_second_lifetime(client: FakeClient, clock: FakeClock) -> None:
    """200 calls, 1/8 s apart, on 1-second KSs: every KS used is valid when used.

    The default margin for a 1 s lifetime is 0.1 s, so a KS serves the calls made within
    0.9 s of its issue: 0, 1/8, ..., 7/8 s, that is 8 calls. 200 calls need 200 / 8 = 25.
    """
    provider = SecretKSProvider(ADMIN_SECRET, expiry=1, version=1, clock=clock)
    used: set[str] = set()
    for _ in range(200):
        ks = await provider.get_ks(client)
        used.add(ks)
        assert parse_ks(ks, ADMIN_SECRET).seconds_left(now=clock.time()) > 0
        clock.advance(0.125)
    SENSITIVE.update(used)
    assert provider.renewals == 25 == len(used)


async def test_explicit_margin(client: FakeClient, clock: FakeClock) -> None:
    # A "1 s" KS expires at int(now) + 1, so one made mid-second lives less. The margin
    # (0.5 s, capped at half the life) renews at .0, .5, .75 and .875 of each second:
    # 4 KSs per second, 100 for 200 calls 0.125 s apart.
    provider = SecretKSProvider(ADMIN_SECRET, expiry=1, renew_margin=0.5, version=1, clock=clock)
    for _ in range(200):
        SENSITIVE.add(await provider.get_ks(client))
        clock.advance(0.125)
    assert provider.renewals == 100


async def test_margin_longer_than_lifetime_is_capped_at_half(
    client: FakeClient, clock: FakeClock
) -> None:
    provider = SecretKSProvider(ADMIN_SECRET, expiry=10, renew_margin=3600, version=1, clock=clock)
    first = await provider.get_ks(client)
    clock.advance(4.9)
    assert await provider.get_ks(client) == first
    clock.advance(0.1)
    assert await provider.get_ks(client) != first


async def crowd(
    server: FakeSessionServer, n: int, call: Callable[[], Awaitable[str]]
) -> list[str | BaseException]:
    """Run ``n`` copies of ``call`` at once, holding the server until all ``n`` are inside."""
    started = 0

    async def one() -> str:
        nonlocal started
        started += 1
        return await call()

    async def hold() -> None:
        await wait_until(lambda: started == n)

    server.before_call = hold
    try:
        return await asyncio.gather(*(one() for _ in range(n)), return_exceptions=True)
    finally:
        server.before_call = None


async def test_hundred_concurrent_callers_at_expiry_cause_one_renewal(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock
) -> None:
    provider = _remote(clock, expiry=60)
    first = await provider.get_ks(client)
    clock.advance(60)
    results = await crowd(server, 100, lambda: provider.get_ks(client))
    assert provider.renewals == 2
    assert server.count("session", "start") == 2
    assert len(set(results)) == 1 and results[0] != first and isinstance(results[0], str)


async def test_a_failed_renewal_is_shared_not_repeated(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock
) -> None:
    provider = _remote(clock)
    server.failure = StartSessionError("START_SESSION_ERROR", "Error while starting session")
    results = await crowd(server, 20, lambda: provider.get_ks(client))
    assert all(isinstance(r, StartSessionError) for r in results)
    assert server.count("session", "start") == 1
    # The next wave tries again, and succeeds once the server does.
    server.failure = None
    assert await provider.get_ks(client)
    assert provider.renewals == 1


async def test_cancelled_renewal_lets_the_next_caller_renew(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock
) -> None:
    provider = _remote(clock)
    blocker = asyncio.Event()

    async def block() -> None:
        await blocker.wait()

    server.before_call = block
    task = asyncio.create_task(provider.get_ks(client))
    await wait_until(lambda: server.count("session", "start") == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    server.before_call = None
    assert await provider.get_ks(client)
    assert provider.renewals == 1 and server.count("session", "start") == 2


# ----------------------------------------------------------------------------- INVALID_KS


async def test_renew_after_invalid_ks(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock
) -> None:
    provider = _remote(clock)
    first = await provider.get_ks(client)
    # The server refused the current KS (e.g. LOGOUT) although it is fresh: renew.
    second = await provider.renew(client, first)
    assert second != first and provider.renewals == 2
    # A late report about the old KS: already renewed since, nothing to do.
    assert await provider.renew(client, first) == second
    assert provider.renewals == 2
    assert await provider.get_ks(client) == second


async def test_concurrent_invalid_ks_reports_renew_once(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock
) -> None:
    provider = _remote(clock)
    rejected = await provider.get_ks(client)
    results = await crowd(server, 10, lambda: provider.renew(client, rejected))
    assert len(set(results)) == 1 and results[0] != rejected and isinstance(results[0], str)
    assert provider.renewals == 2 and server.count("session", "start") == 2


async def test_renew_before_any_ks(client: FakeClient, clock: FakeClock) -> None:
    provider = _remote(clock)
    assert await provider.renew(client, "a KS from elsewhere")
    assert provider.renewals == 1


async def test_renew_with_an_old_ks_when_the_current_one_is_stale(
    client: FakeClient, clock: FakeClock
) -> None:
    provider = _remote(clock, expiry=10)
    first = await provider.get_ks(client)
    clock.advance(1)
    second = await provider.renew(client, first)
    clock.advance(60)
    third = await provider.renew(client, first)
    assert len({first, second, third}) == 3 and provider.renewals == 3


# ----------------------------------------------------------------------------- app tokens


@pytest.mark.parametrize("hash_type", ["SHA1", "MD5", "SHA256", "SHA512"])
@pytest.mark.parametrize("answer_as", ["mapping", "model", "unregistered"])
async def test_app_token_flow(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock, hash_type: str, answer_as: str
) -> None:
    server.app_tokens[TOKEN_ID] = (APP_TOKEN, hash_type, 600)
    server.answer_as = answer_as
    provider = AppTokenKSProvider(TOKEN_ID, APP_TOKEN, hash_type=hash_type.lower(), clock=clock)
    ks = await provider.get_ks(client)

    (w_svc, w_act, w_params, w_ks), (a_svc, a_act, a_params, a_ks) = server.calls
    assert (w_svc, w_act, w_params, w_ks) == (
        "session",
        "startWidgetSession",
        {"widgetId": f"_{PARTNER_ID}"},
        None,
    )
    widget_info = parse_ks(a_ks or "", ADMIN_SECRET)
    assert widget_info.privileges == {"view": "*", "widget": "1"} and widget_info.type == 0
    expected_hash = getattr(hashlib, hash_type.lower())(
        ((a_ks or "") + APP_TOKEN).encode()
    ).hexdigest()
    assert (a_svc, a_act, a_params) == (
        "appToken",
        "startSession",
        {"id": TOKEN_ID, "tokenHash": expected_hash},
    )
    assert parse_ks(ks, ADMIN_SECRET).privileges["apptoken"] == TOKEN_ID

    # The lifetime comes from the response's absolute expiry: 600 s, margin 60 s.
    clock.advance(539)
    assert await provider.get_ks(client) == ks
    clock.advance(1)
    assert await provider.get_ks(client) != ks
    assert provider.renewals == 2 and server.count("appToken", "startSession") == 2
    assert APP_TOKEN not in repr(provider) and ks not in repr(provider)


async def test_app_token_requested_session_parameters(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock
) -> None:
    server.app_tokens[TOKEN_ID] = (APP_TOKEN, "SHA256", 600)
    provider = AppTokenKSProvider(
        TOKEN_ID,
        APP_TOKEN,
        hash_type="SHA256",
        partner_id=PARTNER_ID,
        user_id="svc",
        type=0,
        expiry=120,
        privileges="edit:*",
        clock=clock,
    )
    await provider.get_ks(client)
    params = server.calls[-1][2]
    assert {k: params[k] for k in ("userId", "type", "expiry", "sessionPrivileges")} == {
        "userId": "svc",
        "type": 0,
        "expiry": 120,
        "sessionPrivileges": "edit:*",
    }
    assert provider.seconds_left == 120


async def test_app_token_wrong_hash_type_is_the_servers_typed_error(
    client: FakeClient, server: FakeSessionServer, clock: FakeClock
) -> None:
    server.app_tokens[TOKEN_ID] = (APP_TOKEN, "SHA256", 600)
    provider = AppTokenKSProvider(TOKEN_ID, APP_TOKEN, hash_type="MD5", clock=clock)
    with pytest.raises(InvalidAppTokenHashError) as err:
        await provider.get_ks(client)
    assert APP_TOKEN not in str(err.value)
    assert provider.renewals == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"token_id": ""},
        {"token": ""},
        {"hash_type": "SHA3"},
        {"hash_type": 1},
        {"expiry": -5},
        {"renew_margin": "soon"},
    ],
)
def test_app_token_bad_arguments(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"token_id": TOKEN_ID, "token": APP_TOKEN}
    args.update(kwargs)
    with pytest.raises(KalturaValidationError) as err:
        AppTokenKSProvider(**args)  # type: ignore[arg-type]
    assert APP_TOKEN not in str(err.value)


def test_app_token_hash_helper() -> None:
    provider = AppTokenKSProvider(TOKEN_ID, APP_TOKEN, hash_type="SHA512")
    assert provider.token_hash("abc") == hashlib.sha512(f"abc{APP_TOKEN}".encode()).hexdigest()


# ----------------------------------------------------------------------------- secrecy


async def test_reprs_and_logs_carry_no_secret(
    client: FakeClient,
    server: FakeSessionServer,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.app_tokens[TOKEN_ID] = (APP_TOKEN, "SHA1", 600)
    providers = [
        SecretKSProvider(ADMIN_SECRET, PARTNER_ID, clock=clock),
        _remote(clock),
        AppTokenKSProvider(TOKEN_ID, APP_TOKEN, clock=clock),
    ]
    issued = [await p.get_ks(client) for p in providers]
    issued += [await p.renew(client, ks) for p, ks in zip(providers, issued, strict=True)]
    SENSITIVE.update(issued)
    assert (
        repr(providers[0])
        == f"SecretKSProvider(partner_id={PARTNER_ID}, type=2, version=2, local=True)"
    )
    assert (
        repr(providers[2])
        == f"AppTokenKSProvider(token_id={TOKEN_ID!r}, partner_id=None, hash_type='SHA1')"
    )
    texts = [repr(p) for p in providers] + [repr(parse_ks(ks, ADMIN_SECRET)) for ks in issued]
    texts += [r.getMessage() for r in caplog.records]
    # The providers do log (so the check below is not vacuous) ...
    renewal_logs = [
        r for r in caplog.records if r.name == "kaltura_async" and r.levelno == logging.DEBUG
    ]
    assert len(renewal_logs) == 6
    # ... and nothing they log or show holds a KS, secret, token or token hash.
    for text in texts:
        assert not [s for s in SENSITIVE if s in text]


async def test_app_token_answer_without_a_ks_is_a_protocol_error(
    client: FakeClient, clock: FakeClock
) -> None:
    async def no_ks(service: str, action: str, /, **params: object) -> object:
        return {"partnerId": PARTNER_ID}

    client.call = no_ks  # type: ignore[method-assign]
    with pytest.raises(KalturaProtocolError, match="startWidgetSession"):
        await AppTokenKSProvider(TOKEN_ID, APP_TOKEN, clock=clock).get_ks(client)
