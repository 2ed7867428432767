"""Cast a raw parameter tree into typed action arguments, following the schema (wire §2.2-2.6).

Objects become dicts carrying ``objectType`` (a sent subclass wins, abstract classes are
refused, unknown keys are dropped, ``x__null`` becomes the NULL marker). Scalars follow the
server's lenient casts; enums are checked unless the enum is dynamic (it has plugin values such
as ``"room.room"``, which the server passes through). Integer properties that hold times
(``...At``, ``...Date`` and their range filters, ``expiry``) take relative values like the
server's ``kTime::getRelativeTime`` (``alpha/apps/kaltura/lib/kTime.class.php``): any value v
with |v| <= 315,360,000 (ten years), **0 included**, means now + v; only ``-1`` (remove the
date) and the empty string (0) are kept as sent.
"""

from __future__ import annotations

import re
import time
from typing import Any, Final

from ._errors import api_error
from ._params import UploadedFile
from ._schema import ActionInfo, ParamInfo, PropInfo, schema

__all__ = ["NULL", "cast_args", "check_insert", "check_update", "apply_update", "require"]


class _NullField:
    """The marker a ``field__null`` key leaves in an object: clear this field on update."""

    _instance: _NullField | None = None

    def __new__(cls) -> _NullField:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NULL"


NULL: Final = _NullField()
_MISSING: Final = object()
_SCALARS = frozenset({"int", "string", "bool", "float", "bigint"})
_INT_PREFIX = re.compile(r"\s*[+-]?\d+")
_FLOAT_PREFIX = re.compile(r"\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)")
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TIME_NAME = re.compile(r"(At|Date)(GreaterThanOrEqual|LessThanOrEqual|GreaterThan|LessThan)?$")
_MAX_RELATIVE = 315360000
_dynamic_enums: dict[str, bool] = {}


def _is_dynamic(enum_type: str) -> bool:
    found = _dynamic_enums.get(enum_type)
    if found is None:
        values = schema().enum_values(enum_type) or frozenset()
        found = any(isinstance(v, str) and "." in v for v in values)
        _dynamic_enums[enum_type] = found
    return found


def php_int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        m = _INT_PREFIX.match(value)
        return int(m.group()) if m else 0
    return 0


def php_float(value: Any) -> float:
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, str):
        m = _FLOAT_PREFIX.match(value)
        return float(m.group()) if m else 0.0
    return 0.0


def php_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() != "false" and value not in ("", "0")
    return bool(value)


def php_str(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def cast_scalar(
    type_: str, enum_type: str | None, value: Any, name: str, is_time: bool = False
) -> Any:
    if type_ == "int":
        if enum_type and isinstance(value, str) and value.lower() in ("true", "false"):
            number = 1 if value.lower() == "true" else 0
        else:
            number = php_int(value)
        if enum_type:
            allowed = schema().enum_values(enum_type)
            if allowed is not None and number not in allowed and not _is_dynamic(enum_type):
                raise api_error("INVALID_ENUM_VALUE", php_str(value), name, enum_type)
        if is_time and value != "" and number != -1 and -_MAX_RELATIVE <= number <= _MAX_RELATIVE:
            number += int(time.time())
        return number
    if type_ in ("float", "bigint"):
        return php_float(value)
    if type_ == "bool":
        return php_bool(value)
    text = php_str(value)
    if _BAD_XML_CHARS.search(text):
        raise api_error("INVALID_PARAMETER_CHAR", name)
    if enum_type:
        allowed = schema().enum_values(enum_type)
        if allowed is not None and text not in allowed and not _is_dynamic(enum_type):
            raise api_error("INVALID_ENUM_VALUE", text, name, enum_type)
    return text


def _sorted_items(data: dict[str, Any]) -> list[Any]:
    def key(k: str) -> tuple[int, int, str]:
        return (0, int(k), "") if k.lstrip("-").isdigit() else (1, 0, k)

    return [data[k] for k in sorted(data, key=key)]


def build_object(declared: str, data: Any, name: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise api_error("PROPERTY_VALIDATION_WRONG_FORMAT", name, declared)
    sch = schema()
    cls = declared
    sent = data.get("objectType")
    if isinstance(sent, str) and sent != declared and sch.has_class(sent):
        if sch.is_subclass(sent, declared):
            cls = sent
    if sch.is_abstract(cls):
        raise api_error("OBJECT_TYPE_ABSTRACT", cls)
    props = sch.properties(cls)
    obj: dict[str, Any] = {"objectType": cls}
    for key, value in data.items():
        if key.endswith("__null"):
            prop = props.get(key[:-6])
            if prop is not None and prop.type not in ("array", "map"):
                obj[prop.name] = NULL
            continue
        prop = props.get(key)
        if prop is None or value is None:
            continue
        obj[key] = _cast_prop(prop, value, cls)
    return obj


def _cast_prop(prop: PropInfo, value: Any, cls: str) -> Any:
    if prop.type in _SCALARS:
        is_time = prop.type == "int" and (
            prop.name == "expiry" or _TIME_NAME.search(prop.name) is not None
        )
        return cast_scalar(prop.type, prop.enum_type, value, prop.name, is_time)
    if prop.type == "array":
        if isinstance(value, dict):
            if "-" in value:
                return []
            value = _sorted_items(value)
        if value == "":
            return []
        if not isinstance(value, list):
            raise api_error("PROPERTY_VALIDATION_WRONG_FORMAT", f"{cls}::{prop.name}", "array")
        item_type = prop.array_type or "KalturaObjectBase"
        return [build_object(item_type, item, f"{cls}::{prop.name}") for item in value]
    if prop.type == "map":
        if isinstance(value, list):
            value = {str(i): v for i, v in enumerate(value)}
        if not isinstance(value, dict):
            raise api_error("PROPERTY_VALIDATION_WRONG_FORMAT", f"{cls}::{prop.name}", "map")
        if "-" in value:
            return {}
        item_type = prop.array_type or "KalturaObjectBase"
        return {k: build_object(item_type, v, f"{cls}::{prop.name}") for k, v in value.items()}
    if prop.type == "file":
        return value
    return build_object(prop.type, value, f"{cls}::{prop.name}")


def _default(param: ParamInfo) -> Any:
    raw = param.default
    if raw is None or raw == "null":
        return None
    if param.type == "bool":
        return raw.lower() == "true"
    if param.type == "int":
        return php_int(raw)
    if param.type in ("float", "bigint"):
        return php_float(raw)
    return raw


def cast_args(action: ActionInfo, params: dict[str, Any]) -> dict[str, Any]:
    """Typed arguments by name; raises the server's errors for missing or malformed ones."""
    out: dict[str, Any] = {}
    for param in action.params:
        value = params.get(param.name, _MISSING)
        if value is _MISSING or value is None:
            if not param.optional:
                raise api_error("MISSING_MANDATORY_PARAMETER", param.name)
            out[param.name] = _default(param)
            continue
        out[param.name] = _cast_param(param, value)
    return out


def _cast_param(param: ParamInfo, value: Any) -> Any:
    if param.type == "file":
        if not isinstance(value, UploadedFile):
            raise api_error("UPLOAD_ERROR")
        return value
    if param.type in _SCALARS:
        if isinstance(value, dict | list):
            raise api_error("PROPERTY_VALIDATION_WRONG_FORMAT", param.name, param.type)
        return cast_scalar(param.type, param.enum_type, value, param.name)
    if param.type == "array":
        items = _sorted_items(value) if isinstance(value, dict) else value
        if not isinstance(items, list):
            raise api_error("PROPERTY_VALIDATION_WRONG_FORMAT", param.name, "array")
        item_type = param.array_type or "KalturaObjectBase"
        return [build_object(item_type, item, param.name) for item in items]
    if param.type == "map":
        if not isinstance(value, dict):
            raise api_error("PROPERTY_VALIDATION_WRONG_FORMAT", param.name, "map")
        item_type = param.array_type or "KalturaObjectBase"
        return {k: build_object(item_type, v, param.name) for k, v in value.items()}
    return build_object(param.type, value, param.name)


def _sent(value: Any) -> bool:
    return value is not None


def check_insert(obj: dict[str, Any]) -> None:
    """Refuse read-only properties on add (PROPERTY_VALIDATION_NOT_UPDATABLE)."""
    cls = obj["objectType"]
    props = schema().properties(cls)
    for key, value in obj.items():
        prop = props.get(key)
        if prop is not None and prop.read_only and value is not NULL and _sent(value):
            raise api_error("PROPERTY_VALIDATION_NOT_UPDATABLE", f"{cls}::{key}")


def check_update(obj: dict[str, Any], stored: dict[str, Any]) -> None:
    """Refuse read-only and insert-only properties whose value differs from the stored one."""
    cls = obj["objectType"]
    props = schema().properties(cls)
    for key, value in obj.items():
        prop = props.get(key)
        if prop is None or not (prop.read_only or prop.insert_only):
            continue
        new = None if value is NULL else value
        if new != stored.get(key):
            raise api_error("PROPERTY_VALIDATION_NOT_UPDATABLE", f"{cls}::{key}")


def apply_update(stored: dict[str, Any], obj: dict[str, Any]) -> None:
    """Partial update: only sent fields change; NULL clears."""
    for key, value in obj.items():
        if key == "objectType":
            continue
        if value is NULL:
            stored.pop(key, None)
        else:
            stored[key] = value


def require(obj: dict[str, Any], *names: str) -> None:
    for name in names:
        value = obj.get(name)
        if value is None or value is NULL:
            raise api_error("PROPERTY_VALIDATION_CANNOT_BE_NULL", f"{obj['objectType']}::{name}")
