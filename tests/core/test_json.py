"""The fast JSON path reads and writes what the standard library does."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from kaltura_async._codec import encode_object, encode_params
from kaltura_async._json import dumps, loads
from kaltura_async._kind import Kind
from kaltura_async.types import FilterPager, MediaEntry, MediaEntryFilter


def _stdlib_dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _outcome(parse: Any, raw: bytes) -> Any:
    try:
        value = parse(raw)
    except RecursionError:
        return "RecursionError"
    except ValueError:
        return "ValueError"
    return ("value", json.dumps(value, allow_nan=True, sort_keys=False))


@pytest.mark.parametrize(
    "raw",
    [
        b'\xef\xbb\xbf{"a":1}',  # UTF-8 byte order mark
        '{"a":"é"}'.encode("utf-16"),  # another encoding the standard library detects
        b'{"a":"\\ud800"}',  # an escaped lone surrogate
        b'{"a":NaN,"b":-Infinity}',
        b'{"a":1000000000000000000000000000001,"b":-18446744073709551617}',
        b'{"a":1e400}',
        b'{"a":"\xff"}',  # invalid UTF-8
        b"<html><body>502</body></html>",
        b"",
        b'{"a":1} x',
        b'{"a":1,"a":2}',
        b"[" * 100_000 + b"]" * 100_000,  # nested past any stack: refused
    ],
)
def test_odd_input_reads_as_the_standard_library_reads_it(raw: bytes) -> None:
    assert _outcome(loads, raw) == _outcome(json.loads, raw)


def test_huge_integers_stay_exact() -> None:
    assert loads(b'{"views":1000000000000000000000000000001}') == {"views": 10**30 + 1}


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**80), 2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(JSON_VALUES)
def test_any_document_parses_to_the_same_value(value: Any) -> None:
    raw = _stdlib_dumps(value)
    assert _outcome(loads, raw) == _outcome(json.loads, raw)


@settings(max_examples=300)
@given(st.binary(max_size=64))
def test_any_bytes_parse_or_fail_as_the_standard_library_does(raw: bytes) -> None:
    assert _outcome(loads, raw) == _outcome(json.loads, raw)


def _has_exponent_float(value: Any) -> bool:
    if isinstance(value, float):
        return "e" in repr(value)
    if isinstance(value, list):
        return any(_has_exponent_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_exponent_float(v) for v in value.values())
    return False


@settings(max_examples=300)
@given(JSON_VALUES)
def test_bodies_are_the_bytes_the_standard_library_writes(value: Any) -> None:
    try:
        expected = _stdlib_dumps(value)
    except UnicodeEncodeError:  # lone surrogates: refused by both
        with pytest.raises(UnicodeEncodeError):
            dumps(value)
        return
    if _has_exponent_float(value):
        # "1e16" instead of "1e+16": the same JSON number, read back to the same value
        assert json.loads(dumps(value)) == json.loads(expected)
    else:
        assert dumps(value) == expected


def test_request_bodies_of_typed_calls_are_unchanged() -> None:
    entry = MediaEntry(
        name="Ünïcødé 名前 \U0001f600",
        description='quotes " and \\ backslashes, tab\t and newline\n',
        tags="a,b",
        reference_id="ref/1",
    )
    bodies = [
        {
            "filter": encode_object(MediaEntryFilter(name_like="demo", id_in="0_a,0_b")),
            "pager": encode_object(FilterPager(page_size=500, page_index=3)),
            "ks": "djJ8MTAwfGJlbmNo",
            "clientTag": "kaltura-async",
        },
        {"entry": encode_object(entry), "ks": "x", "partnerId": 2**40},
        encode_params((("entryId", Kind.STR), ("version", Kind.INT)), {"entryId": "0_x"}),
        {"1": {"service": "media", "action": "get", "entryId": "{2:result:id}"}, "ks": "k"},
        {"ratio": 0.1, "big": 1.5, "neg": -0.0},
    ]
    for body in bodies:
        assert dumps(body) == _stdlib_dumps(body)


def test_non_finite_floats_never_reach_a_body() -> None:
    # The encoder refuses them before a body exists; dumps is never asked to write one.
    from kaltura_async import KalturaValidationError
    from kaltura_async._codec import encode_untyped

    for bad in (math.nan, math.inf):
        with pytest.raises(KalturaValidationError):
            encode_untyped({"x": bad}, "params")
