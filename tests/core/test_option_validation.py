"""Limits, request options, verify_ssl and session are checked when given, naming the field."""

from __future__ import annotations

import ssl
from typing import Any

import pytest

from kaltura_async import KalturaClient, KalturaValidationError, Limits, RequestOptions


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_connections": -1}, "limits.max_connections"),
        ({"max_connections_per_host": 2.5}, "limits.max_connections_per_host"),
        ({"max_connections": True}, "limits.max_connections"),
        ({"keepalive_timeout": 0}, "limits.keepalive_timeout"),
        ({"ttl_dns_cache": -5}, "limits.ttl_dns_cache"),
    ],
)
def test_bad_limits(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(KalturaValidationError) as info:
        Limits(**changes)
    assert info.value.field == field


def test_good_limits() -> None:
    assert Limits(max_connections=0, ttl_dns_cache=None).max_connections == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ks": ""}, "ks"),
        ({"ks": 5}, "ks"),
        ({"partner_id": "12"}, "partner_id"),
        ({"partner_id": True}, "partner_id"),
        ({"client_tag": 1}, "client_tag"),
        ({"language": 5}, "language"),
        ({"timeout": 3}, "timeout"),
        ({"retry": 3}, "retry"),
        ({"idempotent": "yes"}, "idempotent"),
    ],
)
def test_bad_request_options(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(KalturaValidationError) as info:
        RequestOptions().merge(**changes)
    assert info.value.field == field


def test_good_request_options() -> None:
    options = RequestOptions().merge(partner_id=5, idempotent=True, language="en")
    assert options.partner_id == 5 and options.idempotent is True


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"verify_ssl": "no"}, "verify_ssl"), ({"session": object()}, "session")],
)
def test_bad_client_transport_arguments(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(KalturaValidationError) as info:
        KalturaClient("http://127.0.0.1:1", **kwargs)
    assert info.value.field == field


def test_ssl_context_is_accepted() -> None:
    KalturaClient("https://127.0.0.1:1", verify_ssl=ssl.create_default_context())
