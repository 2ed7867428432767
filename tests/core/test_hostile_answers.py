"""Answers nested past the recursion limit, or containers where an enum belongs, are
protocol errors, never RecursionError or an O(size) repr."""

from __future__ import annotations

from typing import Any

import pytest

from kaltura_async import KalturaProtocolError
from kaltura_async._codec import decode, decode_any
from kaltura_async._kind import Kind
from kaltura_async._transport import Transport, _AttemptFailed


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def test_decode_any_of_deep_nesting_is_a_protocol_error() -> None:
    with pytest.raises(KalturaProtocolError, match="nested deeper"):
        decode_any(nested(50_000))


def test_decode_of_deep_nesting_is_a_protocol_error() -> None:
    with pytest.raises(KalturaProtocolError):
        decode(Kind.STR, nested(50_000))


def test_enum_given_a_container_is_a_protocol_error() -> None:
    with pytest.raises(KalturaProtocolError, match="KalturaEntryStatus"):
        decode(Kind.enum("KalturaEntryStatus"), nested(5_000))
    with pytest.raises(KalturaProtocolError):
        decode(Kind.enum("KalturaEntryStatus"), {"a": 1})


def test_error_message_of_a_huge_answer_is_short() -> None:
    with pytest.raises(KalturaProtocolError) as info:
        decode(Kind.INT, ["x" * 1000] * 100_000)
    assert len(str(info.value)) < 200


async def test_transport_parse_of_json_nested_too_deep() -> None:
    with pytest.raises(_AttemptFailed) as info:
        await Transport._parse(
            b"[" * 100_000 + b"]" * 100_000, "application/json", "media.get", frozenset()
        )
    assert isinstance(info.value.info.error, KalturaProtocolError)
    assert "nested too deep" in str(info.value.info.error)
