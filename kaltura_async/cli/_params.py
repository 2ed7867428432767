"""``call``'s ``key=value`` parameters checked against the action in the schema index.

For an action the index knows, every parameter and every field of an object parameter must
exist, and each value is converted to its declared type (int, float, bool, string, enum);
what does not fit is a :class:`UsageError` naming the parameter, never its value. An action
the index does not know (newer than the schema) is sent as given, values read as JSON scalars.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .._pagination import MAX_PAGE_SIZE
from ..testing._schema import Schema, schema
from ._output import parse_value
from ._settings import UsageError

__all__ = ["check_params"]

_BOOLS = {"true": True, "1": True, "false": False, "0": False}


def check_params(service: str, action: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Raw ``{name: str | nested dict}`` -> wire parameters of ``service.action``.

    Raises UsageError for an unknown parameter or field, or a value of the wrong type."""
    index = schema()
    info = index.action(service, action)
    if info is None:
        return {name: _untyped(value) for name, value in raw.items()}
    declared = {p.name: p for p in info.params}
    out: dict[str, Any] = {}
    for name, value in raw.items():
        param = declared.get(name)
        if param is None:
            known = ", ".join(declared) or "none"
            raise UsageError(
                f"{service}.{action} has no parameter {name} (parameters: {known})", field=name
            )
        out[name] = _convert(index, value, param.type, param.enum_type, name)
    return out


def _untyped(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _untyped(v) for k, v in value.items()}
    return parse_value(value)


def _number(kind: Callable[[str], Any], noun: str) -> Callable[[str, str], Any]:
    def convert(text: str, where: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise UsageError(f"{where} must be {noun}", field=where) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise UsageError(f"{where} must be {noun}", field=where)
        return value

    return convert


_SCALARS: dict[str, Callable[[str, str], Any]] = {
    "int": _number(int, "an integer"),
    "float": _number(float, "a number"),
}


def _convert(index: Schema, value: Any, type_: str, enum_type: str | None, where: str) -> Any:
    if index.has_class(type_):
        return _object(index, value, type_, where)
    if isinstance(value, dict):
        raise UsageError(f"{where} is a {type_}, not an object: it has no fields", field=where)
    if enum_type is not None and index.enum_values(enum_type) is not None:
        return _enum(index, value, type_, enum_type, where)
    if type_ in _SCALARS:
        return _SCALARS[type_](value, where)
    if type_ == "bool":
        if value.lower() not in _BOOLS:
            raise UsageError(f"{where} must be true or false", field=where)
        return _BOOLS[value.lower()]
    if type_ == "string":
        return value
    return parse_value(value)  # arrays, maps, files: as given


def _enum(index: Schema, value: str, type_: str, enum_type: str, where: str) -> Any:
    members = index.enum_members(enum_type)
    if value in members:  # a label: statusEqual=READY
        return members[value]
    allowed = index.enum_values(enum_type) or frozenset()
    candidate: Any = value
    if type_ == "int":
        candidate = _SCALARS["int"](value, where)
    if candidate not in allowed and str(candidate) not in {str(v) for v in allowed}:
        names = ", ".join(members)
        raise UsageError(f"{where} must be a {enum_type} ({names})", field=where)
    return candidate


def _object(index: Schema, value: Any, type_: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UsageError(
            f"{where} is a {type_}: give its fields ({where}.field=value)", field=where
        )
    cls = type_
    out: dict[str, Any] = {}
    if "objectType" in value:
        chosen = value["objectType"]
        if not isinstance(chosen, str) or not (
            index.has_class(chosen) and index.is_subclass(chosen, type_)
        ):
            raise UsageError(f"{where}.objectType must name a {type_} class", field=where)
        cls = chosen
        out["objectType"] = chosen
    props = index.properties(cls)
    for name, field_value in value.items():
        if name == "objectType":
            continue
        prop = props.get(name)
        path = f"{where}.{name}"
        if prop is None:
            raise UsageError(f"{cls} has no field {name} ({path})", field=path)
        out[name] = _convert(index, field_value, prop.type, prop.enum_type, path)
    if cls == "KalturaFilterPager" or index.is_subclass(cls, "KalturaFilterPager"):
        size = out.get("pageSize")
        if size is not None and not 1 <= size <= MAX_PAGE_SIZE:
            raise UsageError(
                f"{where}.pageSize must be from 1 to {MAX_PAGE_SIZE}", field=f"{where}.pageSize"
            )
    return out
