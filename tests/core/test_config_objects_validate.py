"""Every configuration object checks the type and range of each field when it is built.

Before, ``RetryPolicy(deadline="60")`` was accepted and failed with a TypeError at the first
call, and ``RetryPolicy(retry_writes="no")`` counted as true (a lost answer then created two
entries).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kaltura_async import (
    AppTokenKSProvider,
    KalturaValidationError,
    Limits,
    RequestOptions,
    RetryPolicy,
    SecretKSProvider,
    Timeout,
)

SECRET = "0123456789abcdef0123456789abcdef"

BAD: list[tuple[str, Callable[[], Any], str]] = [
    # RetryPolicy
    ("deadline as text", lambda: RetryPolicy(deadline="60"), "retry.deadline"),
    ("deadline zero", lambda: RetryPolicy(deadline=0), "retry.deadline"),
    ("deadline negative", lambda: RetryPolicy(deadline=-1.0), "retry.deadline"),
    ("deadline inf", lambda: RetryPolicy(deadline=float("inf")), "retry.deadline"),
    ("deadline nan", lambda: RetryPolicy(deadline=float("nan")), "retry.deadline"),
    ("deadline bool", lambda: RetryPolicy(deadline=True), "retry.deadline"),
    ("retry_writes text", lambda: RetryPolicy(retry_writes="no"), "retry.retry_writes"),
    ("retry_writes int", lambda: RetryPolicy(retry_writes=1), "retry.retry_writes"),
    ("retry_writes None", lambda: RetryPolicy(retry_writes=None), "retry.retry_writes"),
    ("statuses text", lambda: RetryPolicy(retry_statuses="503"), "retry.retry_statuses"),
    ("statuses int", lambda: RetryPolicy(retry_statuses=503), "retry.retry_statuses"),
    ("status as text", lambda: RetryPolicy(retry_statuses={"503"}), "retry.retry_statuses"),
    ("status 200", lambda: RetryPolicy(retry_statuses={200}), "retry.retry_statuses"),
    ("status 302", lambda: RetryPolicy(retry_statuses={302}), "retry.retry_statuses"),
    ("status 600", lambda: RetryPolicy(retry_statuses={600}), "retry.retry_statuses"),
    ("status bool", lambda: RetryPolicy(retry_statuses={True}), "retry.retry_statuses"),
    ("max_retries float", lambda: RetryPolicy(max_retries=2.0), "retry.max_retries"),
    ("max_retries text", lambda: RetryPolicy(max_retries="3"), "retry.max_retries"),
    ("base_delay text", lambda: RetryPolicy(base_delay="1"), "retry.base_delay"),
    ("max_delay inf", lambda: RetryPolicy(max_delay=float("inf")), "retry.max_delay"),
    ("max_retry_after bool", lambda: RetryPolicy(max_retry_after=False), "retry.max_retry_after"),
    # Timeout
    ("total negative", lambda: Timeout(total=-1), "timeout.total"),
    ("connect bool", lambda: Timeout(connect=True), "timeout.connect"),
    ("sock_read nan", lambda: Timeout(sock_read=float("nan")), "timeout.sock_read"),
    # Limits
    ("connections float", lambda: Limits(max_connections=10.0), "limits.max_connections"),
    ("keepalive text", lambda: Limits(keepalive_timeout="30"), "limits.keepalive_timeout"),
    ("dns cache bool", lambda: Limits(ttl_dns_cache=False), "limits.ttl_dns_cache"),
    # RequestOptions
    ("partner_id 2**40", lambda: RequestOptions(partner_id=2**40), "partner_id"),
    ("ks with NUL", lambda: RequestOptions(ks="djJ8\x00"), "ks"),
    ("client_tag surrogate", lambda: RequestOptions(client_tag="a\ud800"), "client_tag"),
    ("language NUL", lambda: RequestOptions(language="e\x00n"), "language"),
    ("response_profile text", lambda: RequestOptions(response_profile="x"), "response_profile"),
    ("idempotent int", lambda: RequestOptions(idempotent=1), "idempotent"),
    ("timeout dict", lambda: RequestOptions(timeout={"total": 5}), "timeout"),
    # KS providers
    ("version bool", lambda: SecretKSProvider(SECRET, 1, version=True), "version"),
    ("local text", lambda: SecretKSProvider(SECRET, 1, local="no"), "local"),
    ("type 1", lambda: SecretKSProvider(SECRET, 1, type=1), "type"),
    (
        "renew_margin inf",
        lambda: SecretKSProvider(SECRET, 1, renew_margin=float("inf")),
        "renew_margin",
    ),
    ("app token type 7", lambda: AppTokenKSProvider("0_t", "tok", type=7), "type"),
    ("app token user_id int", lambda: AppTokenKSProvider("0_t", "tok", user_id=5), "user_id"),
    (
        "app token privileges",
        lambda: AppTokenKSProvider("0_t", "tok", privileges=["a"]),
        "privileges",
    ),
]


@pytest.mark.parametrize(("factory", "field"), [row[1:] for row in BAD], ids=[r[0] for r in BAD])
def test_bad_config_is_refused_when_built(factory: Callable[[], Any], field: str) -> None:
    with pytest.raises(KalturaValidationError) as info:
        factory()
    assert info.value.field == field


def test_good_config_is_kept() -> None:
    policy = RetryPolicy(deadline=None, retry_writes=True, retry_statuses=[503, 429])
    assert policy.retry_statuses == frozenset({503, 429})
    assert policy.deadline is None and policy.retry_writes is True
    assert RetryPolicy(deadline=0.5, base_delay=0).deadline == 0.5
    assert RetryPolicy().retry_statuses == frozenset({408, 429, 500, 502, 503, 504})
    assert RequestOptions(partner_id=-2, client_tag="tag").partner_id == -2
    assert SecretKSProvider(SECRET, 1, type=0, version=1, local=False).type == 0
