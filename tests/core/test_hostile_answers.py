"""Answers nested past the recursion limit, or containers where an enum belongs, are
protocol errors, never RecursionError or an O(size) repr."""

from __future__ import annotations

from typing import Any

import pytest

from kaltura_async import KalturaProtocolError, _json
from kaltura_async._answers import unparsable
from kaltura_async._codec import decode, decode_any
from kaltura_async._kind import Kind


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


def test_an_answer_nested_too_deep_is_named_so() -> None:
    raw = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(RecursionError) as caught:
        _json.loads(raw)
    error, cause = unparsable(raw, "application/json", "media.get", frozenset(), caught.value)
    assert isinstance(error, KalturaProtocolError)
    assert "nested too deep" in str(error)
    assert str(cause) == "RecursionError at byte ?"
