"""Every enum, class, service and action of the schema exists in the generated code.

The schema is read here with plain ElementTree, not with the generator's parser, so a
parser bug cannot hide itself.
"""

from __future__ import annotations

import importlib
import inspect
import xml.etree.ElementTree as ET
from typing import Any

import attrs
import pytest

from kaltura_async._call import ActionSpec, Call, Service
from kaltura_async._kind import Kind
from kaltura_async._model import (
    INSERT_ONLY,
    READ_ONLY,
    UNSET,
    KalturaIntEnum,
    KalturaStrEnum,
)
from kaltura_async.enums._registry import ENUMS
from kaltura_async.services._registry import SERVICES
from kaltura_async.types._registry import OBJECT_TYPES


def _load(package: str, where: tuple[str, str]) -> Any:
    return getattr(importlib.import_module(f"kaltura_async.{package}.{where[0]}"), where[1])


def _expected_kind(elem: ET.Element, class_names: set[str], enums_with_values: set[str]) -> str:
    """The text form of the kind (``str(Kind)``) a schema item gets. An enum without constants
    cannot hold a value in Python, so such items keep their raw type."""
    type_, enum_type, array_type = elem.get("type"), elem.get("enumType"), elem.get("arrayType")
    if enum_type in enums_with_values:
        return f"enum:{enum_type}"
    scalars = {"int": "int", "bigint": "bigint", "string": "str", "bool": "bool", "float": "float"}
    if type_ in scalars:
        return scalars[type_]
    if type_ in ("array", "map"):
        return ("list:" if type_ == "array" else "map:") + (array_type or "any")
    if type_ == "file":
        return "file"
    assert type_ is not None
    return f"obj:{type_}" if type_ in class_names else "any"


def _enums_with_values(root: ET.Element) -> set[str]:
    return {e.attrib["name"] for e in root.findall("enums/enum") if e.find("const") is not None}


def test_counts_match_the_schema(schema_root: ET.Element) -> None:
    assert len(ENUMS) == len(schema_root.findall("enums/enum")) == 625
    assert len(OBJECT_TYPES) == len(schema_root.findall("classes/class")) == 1617
    assert len(SERVICES) == len(schema_root.findall("services/service")) == 124
    assert len(schema_root.findall("services/service/action")) == 815


def test_every_enum(schema_root: ET.Element) -> None:
    for elem in schema_root.findall("enums/enum"):
        wire = elem.attrib["name"]
        cls = _load("enums", ENUMS[wire])
        assert cls.__name__ == wire.removeprefix("Kaltura")
        is_int = elem.attrib["enumType"] == "int"
        assert issubclass(cls, KalturaIntEnum if is_int else KalturaStrEnum), wire
        for const in elem.findall("const"):
            raw: int | str = int(const.attrib["value"]) if is_int else const.attrib["value"]
            member = cls(raw)
            # a declared value resolves to a real member, not an UNKNOWN_ pseudo-member
            assert member.name in cls.__members__, (wire, raw)
            assert member == raw


def test_every_class(schema_root: ET.Element) -> None:
    class_names = {c.attrib["name"] for c in schema_root.findall("classes/class")}
    with_values = _enums_with_values(schema_root)
    for elem in schema_root.findall("classes/class"):
        wire = elem.attrib["name"]
        cls = _load("types", OBJECT_TYPES[wire])
        assert cls.__name__ == wire.removeprefix("Kaltura")
        assert cls.__kaltura_object_type__ == wire
        assert cls.__kaltura_abstract__ is (elem.get("abstract") == "1"), wire
        parent = cls.__mro__[1]
        base = elem.get("base")
        assert parent.__kaltura_object_type__ == (base or "KalturaObjectBase"), wire
        props = elem.findall("property")
        specs = cls.__kaltura_fields__
        assert [s[1] for s in specs] == [p.attrib["name"] for p in props], wire
        by_attr = {f.name: f for f in attrs.fields(cls)}
        for (attr, _wire, kind, flags), prop in zip(specs, props, strict=True):
            assert str(kind) == _expected_kind(prop, class_names, with_values), (wire, attr)
            assert bool(flags & READ_ONLY) is (prop.attrib["readOnly"] == "1")
            assert bool(flags & INSERT_ONLY) is (prop.attrib["insertOnly"] == "1")
            assert by_attr[attr].default is UNSET
            assert by_attr[attr].kw_only


class _NoClient:
    """Stands in for a KalturaClient: building a Call does no I/O and needs none."""


def _specs(module: Any) -> dict[str, ActionSpec]:
    return {v.action: v for v in vars(module).values() if isinstance(v, ActionSpec)}


def test_every_service_and_action(schema_root: ET.Element) -> None:
    class_names = {c.attrib["name"] for c in schema_root.findall("classes/class")}
    with_values = _enums_with_values(schema_root)
    by_id: dict[str, type[Service]] = {}
    for where in SERVICES.values():
        cls = _load("services", where)
        specs = _specs(importlib.import_module(cls.__module__))
        ids = {s.service for s in specs.values()}
        assert len(ids) <= 1, cls
        by_id.update(dict.fromkeys(ids, cls))
    for elem in schema_root.findall("services/service"):
        service_id = elem.attrib["id"]
        cls = by_id[service_id]
        service = cls(_NoClient())  # type: ignore[arg-type]
        specs = _specs(importlib.import_module(cls.__module__))
        made: dict[str, Call[Any]] = {}
        for name, method in inspect.getmembers(service, inspect.ismethod):
            if name.startswith("_"):
                continue
            call = method(**dict.fromkeys(inspect.signature(method).parameters))
            made[call.spec.action] = call
        actions = elem.findall("action")
        assert sorted(made) == sorted(a.attrib["name"] for a in actions) == sorted(specs)
        for action in actions:
            spec = specs[action.attrib["name"]]
            call = made[action.attrib["name"]]
            assert call.spec is spec
            params = action.findall("param")
            assert [p for p, _ in spec.params] == [p.attrib["name"] for p in params]
            assert list(call.params) == [p.attrib["name"] for p in params]
            for (_, kind), param in zip(spec.params, params, strict=True):
                assert str(kind) == _expected_kind(param, class_names, with_values)
            assert spec.multirequest is (action.attrib["enableInMultiRequest"] == "1")
            result = action.find("result")
            assert result is not None
            rtype = result.get("type")
            if rtype is None:
                assert spec.result is Kind.VOID
            elif rtype == "file":
                assert spec.result is Kind.SERVE
                assert spec.safe and not spec.multirequest
            else:
                assert str(spec.result) == _expected_kind(result, class_names, with_values)
            assert spec.update is action.attrib["name"].startswith("update")


@pytest.mark.parametrize(
    ("attribute", "service_id"),
    [
        ("media", "media"),
        ("upload_token", "uploadtoken"),
        ("caption_asset", "caption_captionasset"),
        ("metadata_profile", "metadata_metadataprofile"),
        ("esearch", "elasticsearch_esearch"),
        ("base_entry", "baseentry"),
        ("bulk_upload", "bulkupload"),
        ("bulk", "bulkupload_bulk"),
    ],
)
def test_service_attribute_names(attribute: str, service_id: str) -> None:
    cls = _load("services", SERVICES[attribute])
    assert {s.service for s in _specs(importlib.import_module(cls.__module__)).values()} == {
        service_id
    }


def test_method_signatures_put_required_first_and_type_optionals_as_none() -> None:
    from kaltura_async.services.media import MediaService

    sig = inspect.signature(MediaService.add_from_entry)
    names = list(sig.parameters)
    assert names == ["self", "source_entry_id", "media_entry", "source_flavor_params_id"]
    assert sig.parameters["source_entry_id"].default is inspect.Parameter.empty
    assert sig.parameters["media_entry"].default is None
    assert sig.parameters["media_entry"].annotation == "MediaEntry | None"
    listing = inspect.signature(MediaService.list)
    assert listing.return_annotation == "Call[MediaListResponse]"


def test_model_field_annotations_are_precise() -> None:
    from kaltura_async.types import MediaEntry

    ann = inspect.get_annotations(MediaEntry)
    # Typed as what a decoded field may hold: a value, null, or never sent (UNSET).
    assert ann["media_type"] == "MediaType | None | UnsetType"
    assert ann["streams"] == "list[StreamContainer] | None | UnsetType"
    assert ann["credit_url"] == "str | None | UnsetType"
    obj_ann = inspect.get_annotations(_load("types", OBJECT_TYPES["KalturaObject"]))
    assert obj_ann["related_objects"] == "dict[str, ListResponse] | None | UnsetType"


def test_only_a_leading_required_id_is_positional() -> None:
    """A schema release that adds or reorders parameters cannot shift a positional call:
    every parameter is keyword-only except a leading required id."""

    positional_ids = 0
    for module_name, class_name in SERVICES.values():
        cls = getattr(importlib.import_module(f"kaltura_async.services.{module_name}"), class_name)
        for name, func in vars(cls).items():
            if name.startswith("_") or not callable(func):
                continue
            params = list(inspect.signature(func).parameters.values())[1:]
            for i, p in enumerate(params):
                if p.kind is inspect.Parameter.KEYWORD_ONLY:
                    continue
                assert i == 0 and p.default is inspect.Parameter.empty, (class_name, name, p)
                assert p.name == "id" or p.name.endswith("_id"), (class_name, name, p)
                positional_ids += 1
    assert positional_ids > 100  # get/update/delete of most services take their id first
