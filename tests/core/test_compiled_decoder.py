"""Layout-compiled class decoders give exactly what the generic decoder gives."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings, strategies as st

from kaltura_async import UNSET, KalturaProtocolError
from kaltura_async._codec import decode, register_type
from kaltura_async._codec._compile import (
    MAX_LAYOUTS,
    _compilable,
    _compile,
    _generic,
    class_decoder,
)
from kaltura_async._codec._decode import field_plan
from kaltura_async._kind import Kind
from kaltura_async._model import KalturaObject

from .models import Color, Shape, SpecialThing, Thing

THING = Kind.obj("KalturaTestThing")


def _snapshot(obj: Any) -> Any:
    """Every attribute with its exact type, unknown fields included, recursively."""
    if isinstance(obj, KalturaObject):
        return (
            type(obj),
            {a.name: _snapshot(getattr(obj, a.name)) for a in attrs.fields(type(obj))},
        )
    if isinstance(obj, list):
        return [_snapshot(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _snapshot(v) for k, v in obj.items()}
    return (type(obj), obj if obj is not UNSET else "UNSET")


LENIENT = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.sampled_from(["", " 7 ", "1", "0", "-1", "true", "round", "myPlugin.Square", "2.0", "x"]),
    st.lists(st.just({"objectType": "KalturaTestTag", "value": "t"}), max_size=2),
    st.just({"objectType": "KalturaTestTag", "value": "v"}),
    st.just([]),
)
KEYS = st.sampled_from(
    [
        "id", "name", "count", "ratio", "enabled", "color", "shape", "tags", "byName",
        "child", "createdAt", "special", "newField", "objectType",
    ]
)  # fmt: skip


def _outcome(fn: Any, data: dict[str, Any]) -> Any:
    try:
        return ("ok", _snapshot(fn(data)))
    except KalturaProtocolError as err:
        return ("protocol error", str(err))


@settings(max_examples=300)
@given(
    st.dictionaries(KEYS, LENIENT, max_size=14),
    st.sampled_from([Thing, SpecialThing]),
    st.booleans(),
)
def test_compiled_layouts_match_the_generic_decoder(
    data: dict[str, Any], cls: type[KalturaObject], keep_type: bool
) -> None:
    plan = field_plan(cls)
    assert _compilable(cls, plan)
    reference = _generic(cls, plan, keep_type)
    compiled = _compile(cls, plan, tuple(data), keep_type, reference)
    assert _outcome(compiled, data) == _outcome(reference, data)


def test_the_second_sighting_of_a_layout_compiles_it_and_results_stay_equal() -> None:
    data = {"objectType": "KalturaTestThing", "id": "0_a", "count": "7", "color": 2, "x": [1]}
    first, second, third = (decode(THING, dict(data)) for _ in range(3))
    assert first == second == third
    assert _snapshot(first) == _snapshot(third)
    assert third.count == 7 and third.color is Color.GREEN
    assert third.unknown_fields == {"x": [1]} and third.ratio is UNSET
    # each object owns its unknown_fields
    assert third.unknown_fields is not second.unknown_fields


def test_layouts_are_bounded_per_class() -> None:
    decoder = class_decoder(Thing, field_plan(Thing), False)
    for i in range(MAX_LAYOUTS * 3):
        data = {"objectType": "KalturaTestThing", f"extra{i}": i, "name": "n"}
        for _ in range(2):
            obj = decoder(data)
            assert type(obj) is Thing and obj.unknown_fields == {f"extra{i}": i}
    # the closure's layout table holds no more than MAX_LAYOUTS entries
    cells = [
        c.cell_contents for c in decoder.__closure__ or () if isinstance(c.cell_contents, dict)
    ]
    assert cells and all(len(cell) <= MAX_LAYOUTS * 4 for cell in cells)
    layouts = [cell for cell in cells if all(callable(v) for v in cell.values())]
    assert any(len(cell) == MAX_LAYOUTS for cell in layouts)


def test_hostile_keys_never_reach_the_generated_source() -> None:
    evil = '"); import os; os._exit(3); ("'
    data = {"objectType": "KalturaTestThing", evil: 1, "name\nx": 2, "name": "n"}
    for _ in range(3):
        thing = decode(THING, dict(data))
    assert thing.name == "n"
    assert thing.unknown_fields == {evil: 1, "name\nx": 2}


def test_an_unhashable_enum_value_is_a_protocol_error_on_the_compiled_path() -> None:
    good = {"objectType": "KalturaTestThing", "color": 1, "shape": "round"}
    bad = {"objectType": "KalturaTestThing", "color": {"a": 1}, "shape": "round"}
    decode(THING, good)
    decode(THING, good)
    with pytest.raises(KalturaProtocolError):
        decode(THING, bad)
    with pytest.raises(KalturaProtocolError):
        decode(THING, bad)
    assert decode(THING, good).shape is Shape.ROUND


@attrs.define(kw_only=True, slots=True)
class Checked(KalturaObject):
    __kaltura_object_type__ = "KalturaTestChecked"
    __kaltura_abstract__ = False
    __kaltura_fields__ = (("size", "size", Kind.INT, 0),)
    size: int | None = attrs.field(default=UNSET, validator=lambda _s, _a, v: _check(v))


def _check(value: Any) -> None:
    if isinstance(value, int) and value < 0:
        raise ValueError("negative")


register_type(Checked)


def test_a_class_with_validators_is_never_compiled() -> None:
    assert not _compilable(Checked, field_plan(Checked))
    kind = Kind.obj("KalturaTestChecked")
    for _ in range(3):
        assert decode(kind, {"objectType": "KalturaTestChecked", "size": 3}).size == 3
        with pytest.raises(ValueError):
            decode(kind, {"objectType": "KalturaTestChecked", "size": -1})


MEDIA_ENTRY = {
    "objectType": "KalturaMediaEntry",
    "id": "0_abc",
    "name": "n",
    "status": 2,
    "moderationStatus": 6,
    "type": 1,
    "mediaType": 1,
    "sourceType": "1",
    "licenseType": -1,
    "plays": 10,
    "rank": 0,
    "createdAt": 1700000000,
    "blockAutoTranscript": False,
    "operationAttributes": [],
    "displayInSearch": 1,
}
ENUM_VALUES = st.sampled_from([2, "2", -1, "-1", 7, "7", 2.0, True, False, 999, "999", "x", None])


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from(sorted(MEDIA_ENTRY)), unique=True),
    st.dictionaries(
        st.sampled_from(["status", "type", "mediaType", "sourceType", "licenseType"]),
        ENUM_VALUES,
    ),
    st.booleans(),
)
def test_generated_enum_fields_decode_alike_on_both_paths(
    keys: list[str], values: dict[str, Any], keep_type: bool
) -> None:
    from kaltura_async.types import MediaEntry

    data = {key: values.get(key, MEDIA_ENTRY[key]) for key in keys}
    plan = field_plan(MediaEntry)
    assert _compilable(MediaEntry, plan)
    reference = _generic(MediaEntry, plan, keep_type)
    compiled = _compile(MediaEntry, plan, tuple(data), keep_type, reference)
    assert _outcome(compiled, data) == _outcome(reference, data)


def test_collection_is_paused_while_decoding_and_restored_after() -> None:
    import gc
    import threading

    from kaltura_async._codec import _decode

    seen: list[bool] = []

    def spy(data: Any) -> Any:
        seen.append(gc.isenabled())
        return data

    _decode._decoder_cache[Kind.parse("obj:KalturaTestSpy")] = spy
    try:
        assert gc.isenabled()
        decode(Kind.parse("obj:KalturaTestSpy"), {})
        assert seen == [False] and gc.isenabled()
        gc.disable()
        try:
            decode(Kind.parse("obj:KalturaTestSpy"), {})
            assert not gc.isenabled()  # an application's own choice is left alone
        finally:
            gc.enable()
        errors: list[BaseException] = []

        def many() -> None:
            try:
                for _ in range(2000):
                    decode(THING, {"objectType": "KalturaTestThing", "name": "n"})
            except BaseException as err:  # pragma: no cover - reported below
                errors.append(err)

        threads = [threading.Thread(target=many) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors and gc.isenabled()
        with pytest.raises(KalturaProtocolError):
            decode(THING, 5)
        assert gc.isenabled()
    finally:
        del _decode._decoder_cache[Kind.parse("obj:KalturaTestSpy")]
