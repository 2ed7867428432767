"""Parse a Kaltura API schema (the XML of ``api_v3/api_schema.php``) into a small model."""

from __future__ import annotations

import hashlib
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs

__all__ = [
    "Action",
    "EnumConst",
    "EnumDef",
    "Param",
    "Plugin",
    "Property",
    "Result",
    "Schema",
    "ServiceDef",
    "ClassDef",
    "load_schema",
    "parse_schema",
    "read_schema_bytes",
]

#: Bounded so a wrong URL cannot make the generator hang forever.
_FETCH_TIMEOUT = 60.0


@attrs.frozen
class EnumConst:
    name: str
    value: str


@attrs.frozen
class EnumDef:
    name: str
    #: ``"int"`` or ``"string"``
    type: str
    plugin: str | None
    consts: tuple[EnumConst, ...]


@attrs.frozen
class Property:
    name: str
    type: str
    enum_type: str | None
    array_type: str | None
    read_only: bool
    insert_only: bool


@attrs.frozen
class ClassDef:
    name: str
    base: str | None
    abstract: bool
    plugin: str | None
    properties: tuple[Property, ...]


@attrs.frozen
class Param:
    name: str
    type: str
    enum_type: str | None
    array_type: str | None
    optional: bool
    default: str | None


@attrs.frozen
class Result:
    #: ``None`` for an action that returns nothing, ``"file"`` for a serve action
    type: str | None
    array_type: str | None


@attrs.frozen
class Action:
    name: str
    multirequest: bool
    params: tuple[Param, ...]
    result: Result


@attrs.frozen
class ServiceDef:
    #: wire id, e.g. ``"caption_captionasset"``
    id: str
    #: the schema's camelCase name, e.g. ``"captionAsset"``
    name: str
    plugin: str | None
    actions: tuple[Action, ...]


@attrs.frozen
class Plugin:
    name: str
    dependencies: tuple[str, ...]
    services: tuple[str, ...]


@attrs.frozen
class Schema:
    api_version: str
    #: hex sha256 of the XML bytes the model was parsed from
    sha256: str
    enums: tuple[EnumDef, ...]
    classes: tuple[ClassDef, ...]
    services: tuple[ServiceDef, ...]
    plugins: tuple[Plugin, ...]


def _flag(elem: ET.Element, name: str) -> bool:
    return elem.get(name, "0") == "1"


def _required(elem: ET.Element, name: str) -> str:
    value = elem.get(name)
    if value is None:
        raise ValueError(f"<{elem.tag}> without a {name!r} attribute")
    return value


def _section(root: ET.Element, tag: str) -> list[ET.Element]:
    node = root.find(tag)
    return [] if node is None else list(node)


def _typed(elem: ET.Element) -> tuple[str, str, str | None, str | None]:
    """What properties and params share: name, type, enumType, arrayType (in field order)."""
    return (
        _required(elem, "name"),
        _required(elem, "type"),
        elem.get("enumType"),
        elem.get("arrayType"),
    )


def _parse_enum(elem: ET.Element) -> EnumDef:
    consts = tuple(
        EnumConst(_required(c, "name"), _required(c, "value")) for c in elem.iter("const")
    )
    return EnumDef(_required(elem, "name"), _required(elem, "enumType"), elem.get("plugin"), consts)


def _parse_class(elem: ET.Element) -> ClassDef:
    props = tuple(
        Property(
            *_typed(p),
            read_only=_flag(p, "readOnly"),
            insert_only=_flag(p, "insertOnly"),
        )
        for p in elem.iter("property")
    )
    return ClassDef(
        name=_required(elem, "name"),
        base=elem.get("base"),
        abstract=_flag(elem, "abstract"),
        plugin=elem.get("plugin"),
        properties=props,
    )


def _parse_action(elem: ET.Element) -> Action:
    params = tuple(
        Param(
            *_typed(p),
            optional=_flag(p, "optional"),
            default=p.get("default"),
        )
        for p in elem.iter("param")
    )
    res = elem.find("result")
    result = Result(None, None) if res is None else Result(res.get("type"), res.get("arrayType"))
    return Action(
        _required(elem, "name"), elem.get("enableInMultiRequest", "1") == "1", params, result
    )


def _parse_service(elem: ET.Element) -> ServiceDef:
    return ServiceDef(
        id=_required(elem, "id"),
        name=_required(elem, "name"),
        plugin=elem.get("plugin"),
        actions=tuple(_parse_action(a) for a in elem.iter("action")),
    )


def _parse_plugin(elem: ET.Element) -> Plugin:
    return Plugin(
        name=_required(elem, "name"),
        dependencies=tuple(_required(d, "pluginName") for d in elem.iter("dependency")),
        services=tuple(_required(s, "name") for s in elem.iter("pluginService")),
    )


def parse_schema(data: bytes) -> Schema:
    """Parse schema XML bytes; the sha256 recorded is of exactly these bytes."""
    root = ET.fromstring(data)
    if root.tag != "xml" or "apiVersion" not in root.attrib:
        raise ValueError("not a Kaltura API schema: expected <xml apiVersion=...> at the root")
    return Schema(
        api_version=root.attrib["apiVersion"],
        sha256=hashlib.sha256(data).hexdigest(),
        enums=tuple(_parse_enum(e) for e in _section(root, "enums")),
        classes=tuple(_parse_class(c) for c in _section(root, "classes")),
        services=tuple(_parse_service(s) for s in _section(root, "services")),
        plugins=tuple(_parse_plugin(p) for p in _section(root, "plugins")),
    )


def read_schema_bytes(source: str | Path) -> bytes:
    """The schema XML from a file path or an http(s) URL (``.../api_v3/api_schema.php``)."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        request = urllib.request.Request(text, headers={"Accept": "application/xml"})
        with urllib.request.urlopen(request, timeout=_FETCH_TIMEOUT) as response:
            body: bytes = response.read()
        return body
    return Path(text).read_bytes()


def load_schema(source: str | Path) -> Schema:
    return parse_schema(read_schema_bytes(source))
