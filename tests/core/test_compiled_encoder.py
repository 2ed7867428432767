"""Class-compiled object encoders give exactly what the generic encoder gives."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

import kaltura_async.types as generated
from kaltura_async import UNSET, KalturaValidationError
from kaltura_async._codec import _encode, encode_object
from kaltura_async._codec._encode import _encode_field, _generic_encoder, _sendable
from kaltura_async._codec._encoders import compile_encoder
from kaltura_async._kind import Kind
from kaltura_async._model import KalturaObject

from .models import Color, Shape, SpecialThing, Tag, Thing

VALUES = st.one_of(
    st.just(UNSET),
    st.none(),
    st.booleans(),
    st.integers(-(2**65), 2**65),
    st.sampled_from([2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**63 - 1, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["plain", "tab\there", "nul\x00", "\ud800", "\x7f", "é", "\ufffe", ""]),
    st.sampled_from([Color.RED, Color(7), Shape.ROUND, Shape("other"), 2, "round", b"x"]),
    st.just([Tag(value="a"), "text"]),
    st.just([Tag(value="a\x00")]),
    st.just({"k": Tag(value="v")}),
    st.just(Tag(value="nested")),
    st.just(Thing(name="child")),
)
FIELDS = [spec[0] for spec in _sendable(SpecialThing)[0]]


def _outcome(encoder: Any, obj: KalturaObject, update: bool) -> Any:
    try:
        return ("ok", encoder(obj, update, "entry", {id(obj): "entry"}))
    except KalturaValidationError as err:
        return ("refused", str(err), err.field)


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to itself and the exact types of the values compared."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


@settings(max_examples=400)
@given(st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, VALUES)), st.booleans())
def test_compiled_encoder_matches_the_generic_encoder(values: dict[str, Any], update: bool) -> None:
    obj = SpecialThing()
    for name, value in values.items():
        object.__setattr__(obj, name, value)
    compiled = compile_encoder(SpecialThing, _sendable(SpecialThing)[0], _encode_field)
    assert compiled is not None
    expected = _outcome(_generic_encoder(SpecialThing), obj, update)
    assert _same(_outcome(compiled, obj, update), expected)


def test_the_fast_checks_send_values_as_they_are_and_refuse_the_rest() -> None:
    compiled = compile_encoder(Thing, _sendable(Thing)[0], _encode_field)
    assert compiled is not None
    obj = Thing(name="n", count=2**31 - 1, ratio=0.5, enabled=False, color=Color.RED)
    assert compiled(obj, False, "t", {}) == {
        "objectType": "KalturaTestThing",
        "name": "n",
        "count": 2**31 - 1,
        "ratio": 0.5,
        "enabled": False,
        "color": 1,
    }
    assert "color" not in compiled(obj, True, "t", {})  # insert-only, dropped on update
    for field, value, words in (
        ("count", 2**31, "out of range"),
        ("ratio", math.inf, "finite"),
        ("name", "a\x00b", "NUL"),
        ("enabled", 1, "expected bool"),
    ):
        bad = Thing(**{field: value})
        with pytest.raises(KalturaValidationError, match=words) as info:
            compiled(bad, False, "t", {})
        assert info.value.field == f"t.{field}"


def test_a_class_is_compiled_on_its_second_use() -> None:
    cls = generated.MediaEntryFilter
    _encode._encoders.pop(cls, None)
    _encode._met_once.discard(cls)
    first = encode_object(cls(name_like="x"))
    assert cls not in _encode._encoders
    second = encode_object(cls(name_like="x"))
    assert first == second == {"objectType": "KalturaMediaEntryFilter", "nameLike": "x"}
    encoder = _encode._encoders[cls]
    assert encoder.__code__.co_filename == "<kaltura_async encoder for MediaEntryFilter>"


def test_attribute_names_that_are_not_identifiers_keep_the_generic_encoder() -> None:
    for attr in ("class", "__dict__", "a-b"):
        assert compile_encoder(Thing, ((attr, "x", Kind.STR, 0),), _encode_field) is None


def test_every_generated_class_compiles_and_encodes_like_the_generic_encoder() -> None:
    count = 0
    for name in generated.__all__:
        cls = getattr(generated, name)
        if not (isinstance(cls, type) and issubclass(cls, KalturaObject)):
            continue
        specs = _sendable(cls)[0]
        compiled = compile_encoder(cls, specs, _encode_field)
        assert compiled is not None, name
        obj = cls()
        # Every writable text field set to the same text, every other field left UNSET.
        for attr, _wire, kind, _flags in specs:
            if kind is Kind.STR:
                object.__setattr__(obj, attr, f"v-{attr}")
        for update in (False, True):
            assert compiled(obj, update, name, {}) == _generic_encoder(cls)(obj, update, name, {})
        count += 1
    assert count > 1500
