"""Every generated class through the codec: synthetic wire data decodes, encodes back,
round-trips through the public converter, and polymorphic lists decode each item to its
own class."""

from __future__ import annotations

import enum
import importlib
import json
from typing import Any

import attrs
import pytest

from kaltura_async import KalturaValidationError
from kaltura_async._codec import decode, encode_object
from kaltura_async._kind import Kind
from kaltura_async._model import READ_ONLY, KalturaObject
from kaltura_async.converter import structure, unstructure
from kaltura_async.enums._registry import ENUMS
from kaltura_async.types._registry import OBJECT_TYPES


def _cls(wire: str) -> type[KalturaObject]:
    module, name = OBJECT_TYPES[wire]
    cls: type[KalturaObject] = getattr(
        importlib.import_module(f"kaltura_async.types.{module}"), name
    )
    return cls


def _enum(wire: str) -> type[enum.Enum]:
    module, name = ENUMS[wire]
    cls: type[enum.Enum] = getattr(importlib.import_module(f"kaltura_async.enums.{module}"), name)
    return cls


def _concrete(wire: str) -> str | None:
    """``wire`` itself when concrete, else the first concrete subclass (registry order)."""
    if not _cls(wire).__kaltura_abstract__:
        return wire
    for other in sorted(OBJECT_TYPES):
        cls = _cls(other)
        if not cls.__kaltura_abstract__ and issubclass(cls, _cls(wire)):
            return other
    return None


_LEAF = "KalturaString"  # a concrete class with one string field, for nested values


def _wire_item(item: str) -> dict[str, Any] | None:
    target = _LEAF if item == "any" else _concrete(item)
    if target is None:
        return None
    nested: dict[str, Any] = {"objectType": target}
    if target == _LEAF:
        nested["value"] = "nested"
    return nested


def _wire_value(kind: Kind, attr: str) -> Any:
    """A synthetic wire value of ``kind`` (``None``: no value can be built)."""
    head, rest = kind.tag, kind.name
    if head in ("int", "bigint"):
        return 7
    if head == "str":
        return f"s-{attr}"
    if head == "bool":
        return True
    if head == "float":
        return 1.5
    if head == "enum":
        members = list(_enum(rest))
        if members:
            return members[-1].value
        return 3 if issubclass(_enum(rest), int) else "raw"
    if head in ("obj", "any"):
        return _wire_item("any" if head == "any" else rest)
    item = _wire_item(rest)
    if item is None:
        return None
    return [item] if head == "list" else {"k": item}


def _all_fields(cls: type[KalturaObject]) -> list[tuple[str, str, Kind, int]]:
    out: list[tuple[str, str, Kind, int]] = []
    for klass in reversed(cls.__mro__):
        out.extend(vars(klass).get("__kaltura_fields__", ()))
    return out


def _synthetic_wire(wire: str) -> dict[str, Any]:
    data: dict[str, Any] = {"objectType": wire}
    for attr, name, kind, _flags in _all_fields(_cls(wire)):
        value = _wire_value(kind, attr)
        if value is not None:
            data[name] = value
    return data


def test_every_class_round_trips() -> None:
    checked = abstract = 0
    for wire in sorted(OBJECT_TYPES):
        cls = _cls(wire)
        data = _synthetic_wire(wire)
        obj = decode(Kind.obj(wire), data)
        assert type(obj) is cls, wire
        assert obj.unknown_fields == {}, wire
        for attr, name, kind, _flags in _all_fields(cls):
            if name in data:
                value = getattr(obj, attr)
                if kind.tag == "enum":
                    assert value == data[name], (wire, attr)
                elif kind.is_scalar:
                    assert value == data[name] and type(value) is type(data[name]), (wire, attr)
                else:
                    assert value is not None, (wire, attr)
        assert structure(data, cls) == obj
        # The public converter: every set field (read-only ones too) as JSON-safe data,
        # which is the wire data the object came from, and back to an equal object.
        full = unstructure(obj)
        assert full == data, wire
        assert json.loads(json.dumps(full)) == full, wire
        back = structure(json.loads(json.dumps(full)), cls)
        assert type(back) is cls and back == obj and back.unknown_fields == {}, wire
        if cls.__kaltura_abstract__:
            with pytest.raises(KalturaValidationError):
                encode_object(obj)
            abstract += 1
            continue
        sent = encode_object(obj)
        read_only = {name for _a, name, _k, flags in _all_fields(cls) if flags & READ_ONLY}
        assert sent == {k: v for k, v in data.items() if k not in read_only}, wire
        # what was sent decodes back to the object minus its read-only fields
        defaults = attrs.fields_dict(cls)
        reset: dict[str, Any] = {
            attr: defaults[attr].default
            for attr, _n, _k, flags in _all_fields(cls)
            if flags & READ_ONLY
        }
        expected = attrs.evolve(obj, **reset)
        assert decode(Kind.obj(wire), sent) == expected, wire
        checked += 1
    assert checked + abstract == len(OBJECT_TYPES) == 1617
    assert abstract == 201


def _spec_result(service_module: str) -> Kind:
    module = importlib.import_module(f"kaltura_async.services.{service_module}")
    result: Kind = module._SPEC_LIST.result
    return result


def test_base_entry_list_decodes_each_entry_to_its_own_class() -> None:
    from kaltura_async.enums import EntryStatus, MediaType
    from kaltura_async.types import (
        BaseEntry,
        BaseEntryListResponse,
        DataEntry,
        DocumentEntry,
        MediaEntry,
        Playlist,
    )

    kind = _spec_result("base_entry")
    assert kind is Kind.obj("KalturaBaseEntryListResponse")
    response = {
        "objectType": "KalturaBaseEntryListResponse",
        "totalCount": 5,
        "objects": [
            {"objectType": "KalturaMediaEntry", "id": "0_m", "mediaType": 1, "status": "2"},
            {"objectType": "KalturaPlaylist", "id": "0_p", "playlistType": 3},
            {"objectType": "KalturaDataEntry", "id": "0_d", "dataContent": "x"},
            {"objectType": "KalturaDocumentEntry", "id": "0_doc", "documentType": 11},
            {"objectType": "KalturaHologramEntry", "id": "0_h", "depth": 3, "tags": "a"},
        ],
    }
    page = decode(kind, response)
    assert isinstance(page, BaseEntryListResponse)
    assert page.total_count == 5
    assert page.objects is not None
    media, playlist, data, document, unknown = page.objects
    assert type(media) is MediaEntry and media.media_type is MediaType.VIDEO
    assert media.status == EntryStatus.READY
    assert type(playlist) is Playlist and playlist.playlist_type == 3
    assert type(data) is DataEntry and data.data_content == "x"
    assert type(document) is DocumentEntry and document.id == "0_doc"
    # an objectType this SDK does not know falls back to the declared class, losing nothing
    assert type(unknown) is BaseEntry
    assert unknown.id == "0_h" and unknown.tags == "a"
    assert unknown.unknown_fields == {"objectType": "KalturaHologramEntry", "depth": 3}
