"""Refs and placeholder paths, and every validation the builder does before any I/O."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kaltura_async import Call, KalturaValidationError, MultiRequest, Ref, RefPathError
from kaltura_async._kind import Kind
from tests.core.models import SpecialThing, Tag, Thing, TokenResource

from .specs import ADD, ATTACH, COUNT, DELETE, GET, LIST, NO_MULTI, SERVE, UPDATE, call, client


def batch() -> MultiRequest:
    return client().multirequest()


def test_refs_number_from_one_and_write_wire_names() -> None:
    mr = batch()
    first: Ref[Thing] = mr.add(call(mr._client, ADD, thing=Thing(name="a")))
    listed = mr.add(call(mr._client, LIST))
    assert (first.number, listed.number) == (1, 2)
    assert str(first.id) == "{1:result:id}"
    assert str(first.created_at) == "{1:result:createdAt}"
    assert str(first.by_name["k"].value) == "{1:result:byName:k:value}"
    assert str(listed.objects[0].child.id) == "{2:result:objects:0:child:id}"
    assert str(listed.objects.all.id) == "{2:result:objects:_all:id}"
    assert str(listed.objects["_all"].name) == "{2:result:objects:_all:name}"
    assert str(listed) == "{2:result}"
    assert f"copy of {first.name}!" == "copy of {1:result:name}!"
    # The codec's hook gives no placeholder outside the batch's own encoding: a ref sent in
    # a plain call is refused (tests/reliability/test_bad_input.py).
    assert first.id.__kaltura_placeholder__() is None
    assert listed.objects.all.id.kind is Kind.STR
    assert listed.total_count.kind is Kind.INT
    assert "Thing" in repr(first)


@pytest.mark.parametrize(
    "path",
    [
        lambda r: r.nmae,
        lambda r: r.objects,  # a Thing, not a list response
        lambda r: r.id[0],
        lambda r: r.tags.value,
        lambda r: r.tags[-1],
        lambda r: r.id.all,
        lambda r: r.name["_all"],
        lambda r: r[1.5],
    ],
)
def test_paths_the_type_does_not_have(path: Any) -> None:
    mr = batch()
    ref = mr.add(call(mr._client, GET, id="x"))
    with pytest.raises(KalturaValidationError) as info:
        path(ref)
    assert "{1:result" in str(info.value)


def test_path_error_is_an_attribute_error_for_hasattr() -> None:
    mr = batch()
    ref = mr.add(call(mr._client, GET, id="x"))
    assert not hasattr(ref, "read")
    assert isinstance(RefPathError("x"), AttributeError)
    with pytest.raises(AttributeError):
        ref._private  # noqa: B018
    with pytest.raises(TypeError):
        list(ref.tags)


def test_copies_of_a_model_keep_their_refs() -> None:
    mr = batch()
    ref = mr.add(call(mr._client, GET, id="x"))
    model = copy.deepcopy(Thing(name=ref.name, tags=[Tag(value=ref.id)]))
    assert str(model.name) == "{1:result:name}"
    mr.add(call(mr._client, UPDATE, id=copy.copy(ref.id), thing=model))
    assert mr._entries[1].deps == {1}


def test_cast_reaches_a_subclass_field_and_checks_the_class() -> None:
    mr = batch()
    ref = mr.add(call(mr._client, GET, id="x"))
    with pytest.raises(KalturaValidationError):
        ref.special  # noqa: B018
    assert str(ref.cast(SpecialThing).special) == "{1:result:special}"
    with pytest.raises(KalturaValidationError):
        ref.cast(Tag)
    with pytest.raises(KalturaValidationError):
        ref.id.cast(SpecialThing)


def test_scalar_and_void_results() -> None:
    mr = batch()
    count = mr.add(call(mr._client, COUNT))
    gone = mr.add(call(mr._client, DELETE, id="x"))
    assert str(count) == "{1:result}"
    with pytest.raises(KalturaValidationError):
        count.value  # noqa: B018
    # A ref to a void result cannot be used as a value.
    with pytest.raises(KalturaValidationError):
        mr.add(call(mr._client, GET, id=gone))


def test_untyped_calls_take_any_wire_path() -> None:
    c = client()
    mr = c.multirequest()
    ref = mr.add(c.call("media", "list"))
    assert str(ref.objects[0].id) == "{1:result:objects:0:id}"
    assert str(ref.objects["_all"].id) == "{1:result:objects:_all:id}"


def test_refs_and_placeholder_strings_as_arguments_fields_and_text() -> None:
    mr = batch()
    c = mr._client
    first = mr.add(call(c, ADD, thing=Thing(name="a")))
    second = mr.add(
        call(
            c,
            UPDATE,
            id=first.id,
            thing=Thing(name=f"{first.name}-copy", tags=[Tag(value=first.id)]),
        )
    )
    mr.add(call(c, GET, id="<2:result:id>", version="{1:result:count}"))
    mr.add(call(c, ATTACH, id="x", resource=TokenResource(token="<1:result:id>")))
    entries = mr._entries
    assert [e.deps for e in entries] == [frozenset(), {1}, {2, 1}, {1}]
    # Plain whole-value placeholders become refs: they fit an int argument too.
    third = entries[2].call.params
    assert isinstance(third["id"], Ref) and str(third["id"]) == "{2:result:id}"
    assert isinstance(third["version"], Ref) and third["version"].kind is Kind.INT
    assert str(entries[3].call.params["resource"].token) == "{1:result:id}"
    assert second.number == 2


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"id": "{2:result:id}"}, "itself or a later call"),
        ({"id": "{5:result:id}"}, "itself or a later call"),
        ({"id": "{0:result:id}"}, "no call"),
        ({"id": "<1:result:nope>"}, "no field"),
        ({"id": "x{1:result:nope}y"}, "no field"),
    ],
)
def test_placeholder_strings_are_checked(params: dict[str, Any], message: str) -> None:
    mr = batch()
    mr.add(call(mr._client, GET, id="x"))
    with pytest.raises(KalturaValidationError, match=message):
        mr.add(call(mr._client, GET, **params))


def test_a_ref_to_itself_a_later_call_or_another_batch() -> None:
    c = client()
    mr, other = c.multirequest(), c.multirequest()
    foreign = other.add(call(c, GET, id="x"))
    mr.add(call(c, GET, id="x"))
    with pytest.raises(KalturaValidationError, match="another batch"):
        mr.add(call(c, GET, id=foreign.id))
    with pytest.raises(KalturaValidationError, match="itself"):
        mr.add(call(c, GET, id=Ref(mr._token, 2, ADD.result).id))
    with pytest.raises(KalturaValidationError, match="later"):
        mr.add(call(c, GET, id=Ref(mr._token, 9, ADD.result).id))
    with pytest.raises(KalturaValidationError, match="only scalar"):
        mr.add(call(c, GET, id=Ref(mr._token, 1, ADD.result)))


def test_actions_a_batch_refuses() -> None:
    c = client()
    mr = c.multirequest()
    with pytest.raises(KalturaValidationError, match="not allow"):
        mr.add(call(c, NO_MULTI))
    with pytest.raises(KalturaValidationError, match="serve"):
        mr.add(call(c, SERVE, id="x"))
    with pytest.raises(KalturaValidationError, match="expected a Call"):
        mr.add("media.get")  # type: ignore[arg-type]
    with pytest.raises(KalturaValidationError, match="another client"):
        mr.add(call(client(), GET, id="x"))
    assert len(mr) == 0


async def test_empty_batch_and_bad_options() -> None:
    c = client()
    with pytest.raises(KalturaValidationError, match="empty"):
        await c.multirequest().execute()
    with pytest.raises(KalturaValidationError, match="strategy"):
        c.multirequest(strategy="parallel")
    with pytest.raises(KalturaValidationError, match="max_batch"):
        c.multirequest(max_batch=0)
    with pytest.raises(KalturaValidationError, match="limit"):
        c.multirequest(limit=True)
    with pytest.raises(KalturaValidationError, match="unknown request option"):
        c.multirequest(colour="red")
    mr = c.multirequest(call(c, GET, id="x"))
    with pytest.raises(KalturaValidationError, match="strategy"):
        await mr.execute(strategy="both")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "name",
    ["{1:result:id}-{1:result:name}", "{1:result:id}}", "{1:result:id} {x}"],
)
async def test_server_strategy_refuses_what_the_server_mangles(name: str) -> None:
    c = client()
    mr = c.multirequest()
    first = mr.add(call(c, GET, id="x"))
    mr.add(call(c, UPDATE, id=first.id, thing=Thing(name=name)))
    with pytest.raises(KalturaValidationError, match="placeholder") as info:
        await mr.execute()
    assert info.value.field is not None and "thing.name" in info.value.field


async def test_bad_arguments_fail_before_any_io() -> None:
    c = client()  # nothing listens on this port: any I/O would fail differently
    mr = c.multirequest(call(c, GET, id="x"), call(c, GET, id=5))
    for strategy in ("server", "concurrent"):
        with pytest.raises(KalturaValidationError, match="id"):
            await mr.execute(strategy=strategy)
    assert c.transport.connector is None


def test_call_typing_keeps_the_result_type() -> None:
    c = client()
    mr = c.multirequest()
    get: Call[Thing] = call(c, GET, id="x")
    ref: Ref[Thing] = mr.add(get)
    entry_id: str = ref.id  # a path is typed Any so it fits any argument
    assert str(entry_id) == "{1:result:id}"
