"""The public converter: models to JSON-safe dicts and back (caches, job queues)."""

from __future__ import annotations

import json
import pickle

import cattrs
import pytest

from kaltura_async import UNSET, KalturaProtocolError
from kaltura_async._kind import Kind
from kaltura_async.converter import converter, structure, unstructure

from .models import Color, Shape, SpecialThing, Tag, Thing, ThingList


def _through_json(data: object) -> object:
    return json.loads(json.dumps(data))


def test_read_only_fields_and_nulls_survive_the_trip() -> None:
    thing = Thing(id="0_x", created_at=1700000000, name=None, count=3, color=Color.RED)
    data = unstructure(thing)
    assert data == {
        "objectType": "KalturaTestThing",
        "id": "0_x",
        "createdAt": 1700000000,
        "name": None,
        "count": 3,
        "color": 1,
    }
    back = structure(_through_json(data), Thing)
    assert back == thing
    assert back.ratio is UNSET and back.name is None


def test_nested_lists_maps_and_subclasses_keep_their_classes() -> None:
    page = ThingList(
        objects=[
            Thing(name="a", tags=[Tag(value="t")], by_name={"k": Tag(value="v")}),
            SpecialThing(name="b", special="s", child=Thing(name="c")),
        ],
        total_count=2,
    )
    back = structure(_through_json(unstructure(page)), ThingList)
    assert back == page
    assert back.objects is not None and type(back.objects[1]) is SpecialThing


def test_lists_of_models_structure_with_a_generic_type() -> None:
    things = [Thing(name="a"), SpecialThing(special="s")]
    data = unstructure(things)
    assert [d["objectType"] for d in data] == ["KalturaTestThing", "KalturaTestSpecialThing"]
    assert structure(_through_json(data), list[Thing]) == things


def test_unknown_fields_and_a_foreign_object_type_are_kept() -> None:
    wire = {"objectType": "KalturaTestThingV2", "name": "n", "newField": {"a": [1, 2]}}
    thing = structure(wire, Thing)
    assert type(thing) is Thing
    assert thing.unknown_fields == {"objectType": "KalturaTestThingV2", "newField": {"a": [1, 2]}}
    data = unstructure(thing)
    assert data == wire
    again = structure(_through_json(data), Thing)
    assert again.unknown_fields == thing.unknown_fields and again == thing


def test_open_enum_values_round_trip() -> None:
    thing = structure({"objectType": "KalturaTestThing", "color": 99, "shape": "plugin.X"}, Thing)
    assert isinstance(thing.color, Color) and thing.color == 99
    assert isinstance(thing.shape, Shape) and thing.shape == "plugin.X"
    assert unstructure(thing) == {
        "objectType": "KalturaTestThing",
        "color": 99,
        "shape": "plugin.X",
    }


def test_malformed_data_is_a_protocol_error() -> None:
    with pytest.raises(KalturaProtocolError):
        structure({"objectType": "KalturaTestThing", "count": "many"}, Thing)


def test_it_is_a_cattrs_converter_users_can_extend() -> None:
    assert isinstance(converter, cattrs.Converter)
    assert converter.unstructure(Thing(name="x")) == unstructure(Thing(name="x"))
    assert unstructure(UNSET) is None


def test_kinds_are_interned_value_objects() -> None:
    assert Kind.obj("KalturaTestThing") is Kind.obj("KalturaTestThing")
    assert Kind.parse("list:KalturaTestTag") is Kind.list_of("KalturaTestTag")
    assert Kind.list_of("KalturaTestTag").item is Kind.obj("KalturaTestTag")
    assert Kind.map_of("any").item is Kind.ANY
    assert pickle.loads(pickle.dumps(Kind.enum("KalturaTestColor"))) is Kind.enum(
        "KalturaTestColor"
    )
    assert str(Kind.obj("KalturaMediaEntry")) == "obj:KalturaMediaEntry"
    assert repr(Kind.map_of("KalturaString")) == "Kind.map_of('KalturaString')"
    assert Kind.enum("KalturaMediaType").is_scalar and not Kind.ANY.is_scalar
    with pytest.raises(ValueError):
        Kind.parse("obj:")
    with pytest.raises(ValueError):
        Kind.parse("str:Extra")
    with pytest.raises(AttributeError):
        Kind.STR.name = "x"  # type: ignore[misc]
