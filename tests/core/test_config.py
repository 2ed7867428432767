"""Retry-delay math, configuration validation, client construction and log redaction."""

from __future__ import annotations

import logging
import random

import pytest

from kaltura_async import KalturaClient, KalturaValidationError, Limits, RetryPolicy, Timeout
from kaltura_async._logging import redact, redact_text


def waits(
    policy: RetryPolicy, retry_afters: list[float | None], seed: int = 7
) -> list[float | None]:
    gen = policy.delays(random.Random(seed))
    next(gen)
    return [gen.send(ra) for ra in retry_afters]


@pytest.mark.parametrize(
    ("policy", "retry_afters", "ceilings"),
    [
        # default: 1 s doubling, 3 retries, then no more
        (RetryPolicy(), [None, None, None, None], [1.0, 2.0, 4.0, None]),
        # the cap holds the ceiling
        (RetryPolicy(base_delay=5, max_delay=8, max_retries=4), [None] * 4, [5.0, 8.0, 8.0, 8.0]),
        # no retries at all
        (RetryPolicy.none(), [None], [None]),
    ],
)
def test_full_jitter_stays_under_the_exponential_ceiling(
    policy: RetryPolicy, retry_afters: list[float | None], ceilings: list[float | None]
) -> None:
    for seed in range(20):
        got = waits(policy, retry_afters, seed)
        for wait, ceiling in zip(got, ceilings, strict=True):
            if ceiling is None:
                assert wait is None
            else:
                assert wait is not None and 0.0 <= wait <= ceiling


def test_jitter_is_spread_not_constant() -> None:
    firsts = {waits(RetryPolicy(), [None], seed)[0] for seed in range(50)}
    assert len(firsts) > 40


@pytest.mark.parametrize(
    ("retry_afters", "expected"),
    [
        ([0.0], [0.0]),  # Retry-After: 0 -> immediately
        ([12.5], [12.5]),  # honoured exactly, over the computed backoff
        ([60.0], [60.0]),  # the maximum itself is still honoured
        ([61.0], [None]),  # beyond max_retry_after: the caller decides, no retry
        ([3.0, 3.0, 3.0, 3.0], [3.0, 3.0, 3.0, None]),  # still bounded by max_retries
    ],
)
def test_retry_after_table(retry_afters: list[float | None], expected: list[float | None]) -> None:
    assert waits(RetryPolicy(), retry_afters) == expected


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: RetryPolicy(max_retries=-1), "retry.max_retries"),
        (lambda: RetryPolicy(max_retries=True), "retry.max_retries"),
        (lambda: RetryPolicy(base_delay=float("nan")), "retry.base_delay"),
        (lambda: RetryPolicy(max_delay=-1), "retry.max_delay"),
        (lambda: Timeout(total=0), "timeout.total"),
        (lambda: Timeout(connect=float("inf")), "timeout.connect"),
        (lambda: Timeout(sock_read="5"), "timeout.sock_read"),
    ],
)
def test_bad_config_values(factory: object, field: str) -> None:
    with pytest.raises(KalturaValidationError) as info:
        factory()  # type: ignore[operator]
    assert info.value.field == field


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("https://www.kaltura.com", "https://www.kaltura.com"),
        ("https://www.kaltura.com/", "https://www.kaltura.com"),
        ("https://www.kaltura.com/api_v3", "https://www.kaltura.com"),
        ("https://www.kaltura.com/api_v3/", "https://www.kaltura.com"),
        ("http://127.0.0.1:8080/kaltura/api_v3/index.php", "http://127.0.0.1:8080/kaltura"),
    ],
)
def test_service_url_forms(given: str, normal: str) -> None:
    assert KalturaClient(given).service_url == normal


@pytest.mark.parametrize("bad", ["", "www.kaltura.com", "ftp://x", "https://", "https://h?x=1", 42])
def test_malformed_service_url(bad: object) -> None:
    with pytest.raises(KalturaValidationError) as info:
        KalturaClient(bad)  # type: ignore[arg-type]
    assert info.value.field == "service_url"


@pytest.mark.parametrize(
    ("bad", "what"),
    [("ftp://user:s3cr3t@x", "the scheme 'ftp'"), ("user:s3cr3t@x", "the scheme 'user'"),
     ("https://:s3cr3t@", "no host"), ("s3cr3t", "no scheme")],
)  # fmt: skip
def test_a_malformed_service_url_is_not_repeated_in_the_error(bad: str, what: str) -> None:
    with pytest.raises(KalturaValidationError) as info:
        KalturaClient(bad)
    assert what in str(info.value)
    assert "s3cr3t" not in str(info.value) and "s3cr3t" not in repr(info.value)


def test_regions() -> None:
    assert KalturaClient.for_region("frp2").service_url == "https://api.de.kaltura.com"
    assert KalturaClient.for_region("NVP1").service_url == "https://www.kaltura.com"
    assert {
        KalturaClient.for_region(code).service_url
        for code in ("nvp1", "frp2", "irp2", "sgp2", "cap2", "syp2")
    } == {
        "https://www.kaltura.com",
        "https://api.de.kaltura.com",
        "https://api.eu.kaltura.com",
        "https://api.sg.kaltura.com",
        "https://api.ca.kaltura.com",
        "https://api.ap.kaltura.com",
    }
    with pytest.raises(KalturaValidationError, match="region"):
        KalturaClient.for_region("mars1")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"partner_id": "123"}, "partner_id"),
        ({"ks": ""}, "ks"),
        ({"timeout": 30}, "timeout"),
        ({"retry": 3}, "retry"),
        ({"limits": {"max_connections": 5}}, "limits"),
        ({"max_concurrency": 0}, "max_concurrency"),
    ],
)
def test_bad_client_arguments(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(KalturaValidationError) as info:
        KalturaClient("https://www.kaltura.com", **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


def test_repr_and_options_show_no_secret() -> None:
    ks = "djJ8MTIzfHNlY3JldA=="
    client = KalturaClient("https://www.kaltura.com", partner_id=1, ks=ks)
    assert ks not in repr(client)
    view = client.with_options(language="en")
    assert ks not in repr(view) and ks not in repr(view.options)
    assert view.transport is client.transport
    assert ks not in repr(client.call("media", "list"))
    with pytest.raises(KalturaValidationError, match="unknown request option"):
        client.with_options(kss="x")


def test_with_options_shares_limits_and_pool() -> None:
    client = KalturaClient("https://www.kaltura.com", limits=Limits(max_connections=3))
    view = client.with_options(partner_id=5)
    assert view.partner_id == 5 and client.partner_id is None
    assert view.transport is client.transport and view.limiter is client.limiter


def test_redaction_at_any_depth() -> None:
    payload = {
        "ks": "abc",
        "nested": {"secret": "s3", "list": [{"tokenHash": "h"}, {"password": "p"}]},
        "1:ks": "x",
        "name": "ok",
    }
    out = redact(payload)
    assert out["ks"] == out["nested"]["secret"] == out["1:ks"] == "<redacted>"
    assert out["nested"]["list"] == [{"tokenHash": "<redacted>"}, {"password": "<redacted>"}]
    assert out["name"] == "ok"
    assert "djJ8" not in redact_text("sent ks=djJ8MTIzfGFiY2RlZg== to the server")
    assert "hunter2" not in redact_text('{"secret": "hunter2"}')


def test_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, "kaltura_async")
    logging.getLogger("kaltura_async").debug("params %s", {"ks": "djJ8c2VjcmV0", "entryId": "0_a"})
    text = caplog.records[-1].getMessage()
    assert "djJ8c2VjcmV0" not in text and "0_a" in text


def test_calls_have_no_read_timeout_by_default_and_upload_chunks_have_one() -> None:
    from kaltura_async._upload import _chunk_timeout

    default = Timeout()
    assert (default.total, default.connect, default.sock_read) == (60.0, 10.0, None)
    assert default.to_aiohttp().sock_read is None
    chunk = _chunk_timeout(default, 8 * 1024 * 1024)
    assert chunk.sock_read == 90.0
    assert chunk.total is not None and chunk.total > 90.0
    assert chunk.connect == 10.0
    assert _chunk_timeout(Timeout(sock_read=120), 1024).sock_read == 120
    assert _chunk_timeout(Timeout(sock_read=5), 1024).sock_read == 90.0
    off = _chunk_timeout(Timeout.none(), 8 * 1024 * 1024)
    assert (off.total, off.connect, off.sock_read) == (None, None, None)
