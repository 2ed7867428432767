"""Hand-written models in the exact shape the generator emits, for codec tests."""

from __future__ import annotations

import attrs

from kaltura_async._codec import register_enum, register_type
from kaltura_async._kind import Kind
from kaltura_async._model import (
    INSERT_ONLY,
    READ_ONLY,
    UNSET,
    KalturaIntEnum,
    KalturaObject,
    KalturaStrEnum,
)


class Color(KalturaIntEnum):
    RED = 1
    GREEN = 2


class Shape(KalturaStrEnum):
    ROUND = "round"
    PLUGIN_VALUE = "myPlugin.Square"


@attrs.define(kw_only=True, slots=True)
class Tag(KalturaObject):
    __kaltura_object_type__ = "KalturaTestTag"
    __kaltura_abstract__ = False
    __kaltura_fields__ = (("value", "value", Kind.STR, 0),)
    value: str | None = UNSET


@attrs.define(kw_only=True, slots=True)
class Thing(KalturaObject):
    __kaltura_object_type__ = "KalturaTestThing"
    __kaltura_abstract__ = False
    __kaltura_fields__ = (
        ("id", "id", Kind.STR, READ_ONLY),
        ("name", "name", Kind.STR, 0),
        ("count", "count", Kind.INT, 0),
        ("ratio", "ratio", Kind.FLOAT, 0),
        ("enabled", "enabled", Kind.BOOL, 0),
        ("color", "color", Kind.enum("KalturaTestColor"), INSERT_ONLY),
        ("shape", "shape", Kind.enum("KalturaTestShape"), 0),
        ("tags", "tags", Kind.list_of("KalturaTestTag"), 0),
        ("by_name", "byName", Kind.map_of("KalturaTestTag"), 0),
        ("child", "child", Kind.obj("KalturaTestThing"), 0),
        ("created_at", "createdAt", Kind.INT, READ_ONLY),
    )
    id: str | None = UNSET
    name: str | None = UNSET
    count: int | None = UNSET
    ratio: float | None = UNSET
    enabled: bool | None = UNSET
    color: Color | None = UNSET
    shape: Shape | None = UNSET
    tags: list[Tag] | None = UNSET
    by_name: dict[str, Tag] | None = UNSET
    child: Thing | None = UNSET
    created_at: int | None = UNSET


@attrs.define(kw_only=True, slots=True)
class SpecialThing(Thing):
    __kaltura_object_type__ = "KalturaTestSpecialThing"
    __kaltura_abstract__ = False
    __kaltura_fields__ = (("special", "special", Kind.STR, 0),)
    special: str | None = UNSET


@attrs.define(kw_only=True, slots=True)
class AbstractResource(KalturaObject):
    __kaltura_object_type__ = "KalturaTestResource"
    __kaltura_abstract__ = True
    __kaltura_fields__ = ()


@attrs.define(kw_only=True, slots=True)
class TokenResource(AbstractResource):
    __kaltura_object_type__ = "KalturaTestTokenResource"
    __kaltura_abstract__ = False
    __kaltura_fields__ = (("token", "token", Kind.STR, 0),)
    token: str | None = UNSET


@attrs.define(kw_only=True, slots=True)
class ThingList(KalturaObject):
    __kaltura_object_type__ = "KalturaTestThingListResponse"
    __kaltura_abstract__ = False
    __kaltura_fields__ = (
        ("objects", "objects", Kind.list_of("KalturaTestThing"), READ_ONLY),
        ("total_count", "totalCount", Kind.INT, READ_ONLY),
    )
    objects: list[Thing] | None = UNSET
    total_count: int | None = UNSET


for _cls in (Tag, Thing, SpecialThing, AbstractResource, TokenResource, ThingList):
    register_type(_cls)
register_enum("KalturaTestColor", Color)
register_enum("KalturaTestShape", Shape)
