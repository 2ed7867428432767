"""Python values to wire parameters: objects, action arguments and form fields.

Encoding validates as it goes, so bad input is a :class:`KalturaValidationError` naming
the field (``entry.name``, ``filter.tags[2]``) before any I/O. Each value is checked
against its schema type:

- ``int`` fits 32 bits, ``bigint`` 64 bits (the official clients' Integer and Long);
- an enum value is a member of *that* enum class, or a raw value of its type;
- strings (and map keys) are encodable as UTF-8 (no lone surrogate) and hold none of the
  control characters the server refuses (NUL among them);
- ``datetime`` values (sent as Unix seconds) carry a time zone;
- objects, lists and maps nest at most :data:`MAX_DEPTH` deep and never contain
  themselves;
- a multirequest ``Ref`` is sent only inside its own batch.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from datetime import datetime
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import Any, Final

from .._errors import KalturaValidationError
from .._kind import Kind
from .._model import INSERT_ONLY, READ_ONLY, UNSET, FieldSpec, KalturaObject
from ._encoders import ObjectEncoder, compile_encoder
from ._registry import all_fields, is_a, resolve_enum

__all__ = [
    "BIGINT_RANGE",
    "INT_RANGE",
    "MAX_DEPTH",
    "encode_object",
    "encode_params",
    "encode_untyped",
    "encode_value",
    "flatten",
]

# Characters the server refuses in strings (INVALID_PARAMETER_CHAR): XML 1.0 forbids them.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A code point in the surrogate range is a lone surrogate in a Python str: no UTF-8 for it.
_SURROGATES = re.compile("[\ud800-\udfff]")

#: The schema's ``int``: 32-bit signed, as in the official clients (Java ``Integer``).
INT_RANGE: Final = (-(2**31), 2**31 - 1)
#: The schema's ``bigint``: 64-bit signed (Java ``Long``).
BIGINT_RANGE: Final = (-(2**63), 2**63 - 1)

#: How deep objects, lists and maps may nest in one value. The deepest real structures
#: (response profiles with related profiles, eSearch operators) stay well under 20 levels;
#: a deeper one is almost always a mistake, and a cycle would recurse forever.
MAX_DEPTH: Final = 64

#: Containers being encoded on the current path: ``id`` -> the path where it was entered.
_Active = dict[int, str]

#: Kaltura arrays hold objects only; plain strings go as these wrapper objects.
_STRING_ITEMS = frozenset({"KalturaString", "KalturaStringValue", "any"})


def _placeholder(value: Any, path: str) -> str | None:
    """A multirequest ref's placeholder text; a ref outside its own batch is refused."""
    hook = getattr(type(value), "__kaltura_placeholder__", None)
    if hook is None:
        return None
    text = hook(value)
    if text is None:
        raise KalturaValidationError(
            f"{path}: {value!r} is the result of a call in a MultiRequest; it can be sent "
            "only in that batch (add this call to it, or await the batch and pass the value)",
            field=path,
        )
    return str(text)


def _enter(active: _Active, value: object, path: str) -> int:
    """Record a container on the current path; refuse a cycle or excessive depth."""
    key = id(value)
    if key in active:
        raise KalturaValidationError(
            f"{path}: contains itself (the same {type(value).__name__} as "
            f"{active[key]}); a cycle cannot be sent",
            field=path,
        )
    if len(active) >= MAX_DEPTH:
        raise KalturaValidationError(
            f"{path}: nested more than {MAX_DEPTH} levels deep", field=path
        )
    active[key] = path
    return key


def _check_int(path: str, value: int, bounds: tuple[int, int], name: str) -> int:
    low, high = bounds
    if not low <= value <= high:
        raise KalturaValidationError(
            f"{path}: {value} is out of range for a Kaltura {name} ({low} to {high})", field=path
        )
    return int(value)


def _timestamp(path: str, value: datetime) -> int:
    if value.tzinfo is None or value.utcoffset() is None:
        raise KalturaValidationError(
            f"{path}: a naive datetime has no time zone, so its Unix time depends on this "
            "host's; give it one (datetime.now(timezone.utc), dt.replace(tzinfo=...)) or "
            "pass Unix seconds",
            field=path,
        )
    return _check_int(path, int(value.timestamp()), INT_RANGE, "int")


def _bad(path: str, expected: str, value: Any) -> KalturaValidationError:
    return KalturaValidationError(
        f"{path}: expected {expected}, got {type(value).__name__}", field=path
    )


def _check_str(path: str, value: str) -> str:
    # Printable ASCII (the common case) holds none of the refused characters.
    if value.isascii() and value.isprintable():
        return value
    bad = _INVALID_XML_CHARS.search(value)
    if bad:
        what = "a NUL character" if bad[0] == "\x00" else "a control character"
        raise KalturaValidationError(
            f"{path}: contains {what} (at index {bad.start()}) the server rejects", field=path
        )
    bad = _SURROGATES.search(value)
    if bad:
        raise KalturaValidationError(
            f"{path}: is not encodable as UTF-8 (a lone surrogate at index {bad.start()})",
            field=path,
        )
    return value


def _check_key(path: str, key: Any) -> str:
    if not isinstance(key, str):
        raise _bad(f"{path} key", "str", key)
    return _check_str(f"{path} key {key!r}", key)


def encode_value(
    kind: Kind, value: Any, path: str, *, update: bool = False, _active: _Active | None = None
) -> Any:
    """Encode one non-None value of ``kind`` for the JSON wire; ``path`` names it in errors."""
    ph = _placeholder(value, path)
    if ph is not None:
        return ph
    tag = kind.tag
    if tag == "str":
        if isinstance(value, str):
            return _check_str(path, str(value))
        raise _bad(path, "str", value)
    if tag == "int" or tag == "bigint":
        if isinstance(value, int) and not isinstance(value, bool):
            return _check_int(path, value, INT_RANGE if tag == "int" else BIGINT_RANGE, tag)
        if isinstance(value, datetime):
            return _timestamp(path, value)
        raise _bad(path, tag, value)
    if tag == "bool":
        if isinstance(value, bool):
            return value
        raise _bad(path, "bool", value)
    if tag == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise KalturaValidationError(f"{path}: must be a finite number", field=path)
            return value
        raise _bad(path, "float", value)
    if tag == "enum":
        return _encode_enum(kind.name, value, path)
    if _active is None:
        _active = {}
    if tag == "obj" or tag == "any":
        declared = "KalturaObjectBase" if tag == "any" else kind.name
        if not isinstance(value, KalturaObject):
            raise _bad(path, declared.removeprefix("Kaltura"), value)
        if declared != "KalturaObjectBase" and not is_a(type(value), declared):
            raise KalturaValidationError(
                f"{path}: expected {declared.removeprefix('Kaltura')}, got {type(value).__name__}",
                field=path,
            )
        return encode_object(value, update=update, path=path, _active=_active)
    if tag == "list":
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise _bad(path, "list", value)
        key = _enter(_active, value, path)
        items = [
            _encode_item(kind, v, f"{path}[{i}]", update, _active) for i, v in enumerate(value)
        ]
        del _active[key]
        return items
    if tag == "map":
        if not isinstance(value, Mapping):
            raise _bad(path, "dict", value)
        key = _enter(_active, value, path)
        out: dict[str, Any] = {}
        for k, v in value.items():
            out[_check_key(path, k)] = _encode_item(kind, v, f"{path}[{k!r}]", update, _active)
        del _active[key]
        return out
    if tag == "file":
        raise KalturaValidationError(f"{path}: file data is sent as a multipart part", field=path)
    raise KalturaValidationError(f"{path}: unsupported kind {str(kind)!r}", field=path)


def _encode_item(container: Kind, value: Any, path: str, update: bool, active: _Active) -> Any:
    # Kaltura arrays hold objects only; plain strings are KalturaString wrappers on the wire.
    if isinstance(value, str) and container.name in _STRING_ITEMS:
        return {"objectType": "KalturaString", "value": _check_str(path, value)}
    if value is None:
        raise KalturaValidationError(f"{path}: None is not allowed inside a list", field=path)
    return encode_value(container.item, value, path, update=update, _active=active)


def _encode_enum(wire: str, value: Any, path: str) -> Any:
    cls = resolve_enum(wire)
    name = wire.removeprefix("Kaltura")
    if isinstance(value, enum.Enum):
        if cls is not None and not isinstance(value, cls):
            raise KalturaValidationError(
                f"{path}: expected a {name} value, got {type(value).__name__}.{value.name}",
                field=path,
            )
        value = value.value
    is_int = cls is not None and issubclass(cls, int)
    if is_int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(path, f"{name} (int)", value)
        return _check_int(path, value, INT_RANGE, "int")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _bad(path, name, value)
    if isinstance(value, int):
        _check_int(path, value, INT_RANGE, "int")
    text = _check_str(path, str(value))
    return text if cls is not None else value


def encode_object(
    obj: KalturaObject, *, update: bool = False, path: str = "", _active: _Active | None = None
) -> dict[str, Any]:
    """The wire form of ``obj``: ``objectType`` plus every set, writable field.

    UNSET fields are omitted, ``None`` becomes ``name__null``, read-only fields are never
    sent and insert-only ones are dropped when ``update`` is true. An abstract class is
    refused: the server needs a concrete ``objectType``.
    """
    cls = type(obj)
    where = path or cls.__name__
    if cls.__kaltura_abstract__:
        raise KalturaValidationError(
            f"{where}: {cls.__name__} is abstract; pass one of its concrete subclasses",
            field=where,
        )
    if _active is None:
        _active = {}
    key = _enter(_active, obj, where)
    encoder = _encoders.get(cls) or _new_encoder(cls)
    out = encoder(obj, update, where, _active)
    del _active[key]
    return out


def _encode_field(kind: Kind, value: Any, path: str, update: bool, active: _Active) -> Any:
    """One set, non-None field value of an object (``path``: ``where.attr``)."""
    if type(value) is str and kind is Kind.STR:
        return _check_str(path, value)
    return encode_value(kind, value, path, update=update, _active=active)


def _generic_encoder(cls: type[KalturaObject]) -> ObjectEncoder:
    specs, values_of = _sendable(cls)
    object_type = cls.__kaltura_object_type__

    def encode_generic(
        obj: KalturaObject, update: bool, where: str, active: _Active
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"objectType": object_type}
        values = values_of(obj)
        # Pair each field with its value in C and visit only those that are set.
        for (attr, wire, kind, flags), value in compress(
            zip(specs, values, strict=True), map(is_not, values, repeat(UNSET))
        ):
            if update and flags & INSERT_ONLY:
                continue
            if value is None:
                out[wire + "__null"] = ""
            else:
                out[wire] = _encode_field(kind, value, f"{where}.{attr}", update, active)
        return out

    return encode_generic


#: Each class's compiled encoder (or its generic one, when it cannot be compiled).
_encoders: dict[type[KalturaObject], ObjectEncoder] = {}
#: Classes encoded once so far: a class met once (a script's one call) is not worth
#: compiling for, so the second use compiles.
_met_once: set[type[KalturaObject]] = set()


def _new_encoder(cls: type[KalturaObject]) -> ObjectEncoder:
    if cls not in _met_once:
        _met_once.add(cls)
        return _generic_encoder(cls)
    encoder = compile_encoder(cls, _sendable(cls)[0], _encode_field)
    if encoder is None:
        encoder = _generic_encoder(cls)
    _encoders[cls] = encoder
    return encoder


_sendable_cache: dict[type[KalturaObject], tuple[tuple[FieldSpec, ...], Any]] = {}


def _sendable(cls: type[KalturaObject]) -> tuple[tuple[FieldSpec, ...], Any]:
    """The writable field specs of ``cls`` and a getter of their values as one tuple."""
    try:
        return _sendable_cache[cls]
    except KeyError:
        pass
    specs = tuple(spec for spec in all_fields(cls) if not spec[3] & READ_ONLY)
    if not specs:
        entry: tuple[tuple[FieldSpec, ...], Any] = (specs, lambda _obj: ())
    elif len(specs) == 1:
        getter = attrgetter(specs[0][0])
        entry = (specs, lambda obj: (getter(obj),))
    else:
        entry = (specs, attrgetter(*(spec[0] for spec in specs)))
    _sendable_cache[cls] = entry
    return entry


def encode_params(
    params: tuple[tuple[str, Kind], ...],
    values: Mapping[str, Any],
    *,
    update: bool = False,
    where: str = "",
    required: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Encode an action's arguments; None/UNSET arguments are left off (the server ignores
    a top-level ``__null``), file arguments are left for the multipart encoder. A
    ``required`` argument that is missing, or an empty id, is refused before any I/O."""
    known = {name for name, _ in params}
    for name in values:
        if name not in known:
            raise KalturaValidationError(f"{where}: unknown parameter {name!r}", field=name)
    for name in required:
        value = values.get(name)
        if value is None or value is UNSET:
            raise KalturaValidationError(f"{where}: {name!r} is required", field=name)
        if isinstance(value, str) and name.endswith("Id") and not value.strip():
            raise KalturaValidationError(f"{where}: {name!r} is an empty id", field=name)
    out: dict[str, Any] = {}
    for name, kind in params:
        value = values.get(name)
        if value is None or value is UNSET or kind is Kind.FILE:
            continue
        out[name] = encode_value(kind, value, name, update=update)
    return out


def encode_untyped(value: Any, path: str, _active: _Active | None = None) -> Any:
    """Encode a value of no declared kind (``client.call``): inferred from its Python type.

    Ints must fit 64 bits (the widest Kaltura type); the rest is checked as for typed values.
    """
    ph = _placeholder(value, path)
    if ph is not None:
        return ph
    if _active is None:
        _active = {}
    if isinstance(value, KalturaObject):
        return encode_object(value, path=path, _active=_active)
    if isinstance(value, enum.Enum):
        value = value.value
        if isinstance(value, str):
            return _check_str(path, value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return _check_int(path, value, BIGINT_RANGE, "bigint")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise KalturaValidationError(f"{path}: must be a finite number", field=path)
        return value
    if isinstance(value, str):
        return _check_str(path, value)
    if isinstance(value, datetime):
        return _timestamp(path, value)
    if isinstance(value, Mapping):
        key = _enter(_active, value, path)
        out: dict[str, Any] = {}
        for k, v in value.items():
            name = _check_key(path, k)
            if v is UNSET:
                continue
            if v is None:
                out[f"{name}__null"] = ""
            else:
                out[name] = encode_untyped(v, f"{path}.{name}", _active)
        del _active[key]
        return out
    if isinstance(value, (list, tuple)):
        key = _enter(_active, value, path)
        items = [encode_untyped(v, f"{path}[{i}]", _active) for i, v in enumerate(value)]
        del _active[key]
        return items
    raise KalturaValidationError(f"{path}: cannot send a {type(value).__name__}", field=path)


def flatten(params: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten a JSON-style parameter tree into ``a:b:c`` form fields (query strings)."""
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.extend(flatten(value, name + ":") if value else [(name + ":-", "")])
        elif isinstance(value, list):
            if not value:
                out.append((name + ":-", ""))
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    out.extend(flatten(item, f"{name}:{i}:"))
                else:
                    out.append((f"{name}:{i}", _scalar_text(item)))
        else:
            out.append((name, _scalar_text(value)))
    return out


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)
