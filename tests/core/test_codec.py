"""Codec units: encoding rules, lenient decoding, polymorphism, and round trips."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, strategies as st

from kaltura_async import UNSET, KalturaProtocolError, KalturaValidationError
from kaltura_async._codec import (
    decode,
    decode_any,
    encode_object,
    encode_params,
    encode_untyped,
    flatten,
)
from kaltura_async._kind import Kind

from .models import (
    AbstractResource,
    Color,
    Shape,
    SpecialThing,
    Tag,
    Thing,
    ThingList,
    TokenResource,
)


def test_unset_fields_are_omitted_and_object_type_is_sent() -> None:
    assert encode_object(Thing(name="a")) == {"objectType": "KalturaTestThing", "name": "a"}


def test_none_inside_an_object_becomes_null_marker() -> None:
    assert encode_object(Thing(name=None)) == {"objectType": "KalturaTestThing", "name__null": ""}


def test_top_level_none_argument_is_omitted() -> None:
    params = (("entryId", Kind.STR), ("version", Kind.INT))
    assert encode_params(params, {"entryId": "0_a", "version": None}) == {"entryId": "0_a"}


def test_read_only_never_sent_and_insert_only_dropped_on_update() -> None:
    thing = Thing(id="0_x", created_at=5, color=Color.RED, name="n")
    assert encode_object(thing) == {"objectType": "KalturaTestThing", "color": 1, "name": "n"}
    assert encode_object(thing, update=True) == {"objectType": "KalturaTestThing", "name": "n"}


def test_enums_bools_lists_maps_and_empty_arrays() -> None:
    thing = Thing(
        enabled=False,
        shape=Shape.PLUGIN_VALUE,
        tags=[],
        by_name={"a": Tag(value="x")},
    )
    assert encode_object(thing) == {
        "objectType": "KalturaTestThing",
        "enabled": False,
        "shape": "myPlugin.Square",
        "tags": [],
        "byName": {"a": {"objectType": "KalturaTestTag", "value": "x"}},
    }


def test_abstract_object_is_refused_before_io() -> None:
    with pytest.raises(KalturaValidationError, match="abstract"):
        encode_params(
            (("resource", Kind.obj("KalturaTestResource")),), {"resource": AbstractResource()}
        )
    assert encode_params(
        (("resource", Kind.obj("KalturaTestResource")),), {"resource": TokenResource(token="t")}
    ) == {"resource": {"objectType": "KalturaTestTokenResource", "token": "t"}}


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (Thing(name=5), "Thing.name"),
        (Thing(count="3"), "Thing.count"),
        (Thing(count=True), "Thing.count"),
        (Thing(enabled=1), "Thing.enabled"),
        (Thing(ratio=math.nan), "Thing.ratio"),
        (Thing(color="red"), "Thing.color"),
        (Thing(tags=[Tag(value="a"), None]), "Thing.tags[1]"),
        (Thing(tags="abc"), "Thing.tags"),
        (Thing(child=Tag(value="x")), "Thing.child"),
        (Thing(name="bad\x01char"), "Thing.name"),
        (Thing(by_name={1: Tag()}), "Thing.by_name key"),
    ],
)
def test_wrong_types_name_the_field(value: Thing, field: str) -> None:
    with pytest.raises(KalturaValidationError) as info:
        encode_object(value)
    assert info.value.field == field
    assert field in str(info.value)


def test_unknown_model_field_is_a_validation_error() -> None:
    with pytest.raises(KalturaValidationError, match="nme") as info:
        Thing(nme="x")  # type: ignore[call-arg]
    assert info.value.field == "nme"


def test_unknown_action_parameter_is_a_validation_error() -> None:
    with pytest.raises(KalturaValidationError, match="entryid"):
        encode_params((("entryId", Kind.STR),), {"entryid": "x"})


def test_decode_lenient_scalars() -> None:
    data = {
        "objectType": "KalturaTestThing",
        "count": "42",
        "ratio": 3,
        "enabled": 1,
        "name": 17,
        "color": "2",
        "createdAt": 1700000000,
    }
    thing = decode(Kind.obj("KalturaTestThing"), data)
    assert thing == Thing(
        count=42, ratio=3.0, enabled=True, name="17", color=Color.GREEN, created_at=1700000000
    )
    assert isinstance(thing.ratio, float)
    assert decode(Kind.BOOL, -1) is None
    assert decode(Kind.BOOL, "false") is False
    assert decode(Kind.INT, "") is None
    assert decode(Kind.VOID, None) is None


def test_missing_key_is_unset_and_unknown_keys_are_kept() -> None:
    thing = decode(
        Kind.obj("KalturaTestThing"), {"objectType": "KalturaTestThing", "newField": [1]}
    )
    assert thing.name is UNSET
    assert thing.unknown_fields == {"newField": [1]}


def test_polymorphic_decode_picks_subclass_by_object_type() -> None:
    page = decode(
        Kind.obj("KalturaTestThingListResponse"),
        {
            "objects": [
                {"name": "a", "objectType": "KalturaTestThing"},
                {"name": "b", "special": "s", "objectType": "KalturaTestSpecialThing"},
            ],
            "totalCount": 2,
            "objectType": "KalturaTestThingListResponse",
        },
    )
    assert isinstance(page, ThingList)
    assert [type(o) for o in page.objects] == [Thing, SpecialThing]
    assert page.objects[1].special == "s"


def test_unknown_object_type_falls_back_to_declared_class() -> None:
    thing = decode(
        Kind.obj("KalturaTestThing"),
        {"name": "a", "fancy": 1, "objectType": "KalturaFutureThing"},
    )
    assert type(thing) is Thing
    assert thing.name == "a"
    assert thing.unknown_fields == {"fancy": 1, "objectType": "KalturaFutureThing"}


def test_unrelated_object_type_falls_back_to_declared_class() -> None:
    thing = decode(Kind.obj("KalturaTestThing"), {"value": "v", "objectType": "KalturaTestTag"})
    assert type(thing) is Thing
    assert thing.unknown_fields["objectType"] == "KalturaTestTag"


def test_unknown_enum_values_decode() -> None:
    thing = decode(Kind.obj("KalturaTestThing"), {"color": 99, "shape": "newPlugin.Value"})
    assert thing.color == 99 and thing.color.name == "UNKNOWN_99"
    assert thing.shape == "newPlugin.Value"


def test_php_empty_shapes() -> None:
    assert decode(Kind.map_of("KalturaTestTag"), []) == {}
    assert decode(Kind.obj("KalturaTestTag"), []) is None
    assert decode(
        Kind.list_of("KalturaTestTag"), {"0": {"value": "a", "objectType": "KalturaTestTag"}}
    ) == [Tag(value="a")]


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (Kind.INT, "abc"),
        (Kind.INT, [1]),
        (Kind.BOOL, "maybe"),
        (Kind.list_of("KalturaTestTag"), "x"),
        (Kind.obj("KalturaTestTag"), 5),
        (Kind.STR, {}),
    ],
)
def test_wrong_shapes_are_protocol_errors(kind: Kind, data: Any) -> None:
    with pytest.raises(KalturaProtocolError):
        decode(kind, data)


def test_decode_any_builds_known_types_and_keeps_unknown_dicts() -> None:
    assert decode_any({"value": "a", "objectType": "KalturaTestTag"}) == Tag(value="a")
    assert decode_any({"x": 1, "objectType": "KalturaNope"}) == {
        "x": 1,
        "objectType": "KalturaNope",
    }
    assert decode_any([1, "a"]) == [1, "a"]


def test_untyped_encoding_and_flatten() -> None:
    encoded = encode_untyped(
        {"objectType": "KalturaMediaEntryFilter", "nameLike": "x", "gone": None}, "filter"
    )
    assert encoded == {"objectType": "KalturaMediaEntryFilter", "nameLike": "x", "gone__null": ""}
    assert flatten({"filter": encoded, "ids": [], "flag": True}) == [
        ("filter:objectType", "KalturaMediaEntryFilter"),
        ("filter:nameLike", "x"),
        ("filter:gone__null", ""),
        ("ids:-", ""),
        ("flag", "1"),
    ]


safe_text = st.text(
    st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff",
    ),
    max_size=20,
)
tags = st.builds(Tag, value=st.one_of(st.just(UNSET), safe_text))


def things(depth: int = 2) -> st.SearchStrategy[Thing]:
    child = st.just(UNSET) if depth == 0 else st.one_of(st.just(UNSET), things(depth - 1))
    return st.builds(
        Thing,
        name=st.one_of(st.just(UNSET), safe_text),
        count=st.one_of(st.just(UNSET), st.integers(-(2**31), 2**31 - 1)),
        ratio=st.one_of(st.just(UNSET), st.floats(allow_nan=False, allow_infinity=False)),
        enabled=st.one_of(st.just(UNSET), st.booleans()),
        color=st.one_of(st.just(UNSET), st.sampled_from(Color)),
        shape=st.one_of(st.just(UNSET), st.sampled_from(Shape)),
        tags=st.one_of(st.just(UNSET), st.lists(tags, max_size=3)),
        by_name=st.one_of(st.just(UNSET), st.dictionaries(safe_text, tags, max_size=3)),
        child=child,
    )


@given(things())
def test_round_trip(thing: Thing) -> None:
    assert decode(Kind.obj("KalturaTestThing"), encode_object(thing)) == thing
