"""Python values to wire parameters, and wire JSON back to typed objects.

Encoding validates as it goes, so bad input is a :class:`KalturaValidationError` naming
the field before any I/O. Decoding is lenient where the server is loose (ints as strings,
0/1/-1 for booleans, ``[]`` for an empty map) and strict only about the shape of the
protocol itself (a :class:`KalturaProtocolError`).

Objects are decoded through one cattrs :data:`converter`: a hook factory builds, per
class and on first use, a decoder from the class's ``__kaltura_fields__``; polymorphism is
resolved by ``objectType`` through the generated registry, which imports a class only when
its ``objectType`` is first met. An unknown ``objectType`` decodes as the declared class,
with every field it does not know kept in ``unknown_fields``.
"""

from __future__ import annotations

import enum
import importlib
import math
import re
import reprlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from ._errors import KalturaProtocolError, KalturaValidationError
from ._model import (
    INSERT_ONLY,
    READ_ONLY,
    UNSET,
    FieldSpec,
    KalturaObject,
    KalturaStrEnum,
    UnsetType,
)

__all__ = [
    "converter",
    "decode",
    "decode_any",
    "encode_object",
    "encode_params",
    "encode_value",
    "flatten",
    "is_api_exception",
    "register_enum",
    "register_type",
    "resolve_enum",
    "resolve_type",
]

API_EXCEPTION: Final = "KalturaAPIException"

# Characters the server refuses in strings (INVALID_PARAMETER_CHAR): XML 1.0 forbids them.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_extra_types: dict[str, type[KalturaObject]] = {}
_extra_enums: dict[str, type[enum.Enum]] = {}
_type_cache: dict[str, type[KalturaObject] | None] = {}
_enum_cache: dict[str, type[enum.Enum] | None] = {}


# ---------------------------------------------------------------------------- registry


def register_type(cls: type[KalturaObject]) -> type[KalturaObject]:
    """Make ``cls`` known by its ``__kaltura_object_type__`` (custom or test models)."""
    _extra_types[cls.__kaltura_object_type__] = cls
    _type_cache.pop(cls.__kaltura_object_type__, None)
    for cache in _choice_caches:
        cache.clear()
    _is_a_cache.clear()
    return cls


def register_enum(wire_name: str, cls: type[enum.Enum]) -> type[enum.Enum]:
    """Make an enum class known by its wire name (custom or test enums)."""
    _extra_enums[wire_name] = cls
    _enum_cache.pop(wire_name, None)
    return cls


def _generated(registry_module: str, table: str) -> Mapping[str, tuple[str, str]]:
    try:
        module = importlib.import_module(registry_module)
    except ImportError:
        return {}
    result: Mapping[str, tuple[str, str]] = getattr(module, table)
    return result


def _resolve(
    wire_name: str,
    cache: dict[str, Any],
    extra: Mapping[str, Any],
    package: str,
    table: str,
) -> Any:
    """A class by its wire name: registered ones first, then the generated registry of
    ``package``, whose module is imported on first use. Misses are cached too."""
    try:
        return cache[wire_name]
    except KeyError:
        pass
    cls = extra.get(wire_name)
    if cls is None:
        where = _generated(f"{package}._registry", table).get(wire_name)
        if where is not None:
            cls = getattr(importlib.import_module(f"{package}.{where[0]}"), where[1])
    cache[wire_name] = cls
    return cls


def resolve_type(wire_name: str) -> type[KalturaObject] | None:
    """The class for an ``objectType``, importing its module on first use; None if unknown."""
    cls: type[KalturaObject] | None = _resolve(
        wire_name, _type_cache, _extra_types, "kaltura_async.types", "OBJECT_TYPES"
    )
    return cls


def resolve_enum(wire_name: str) -> type[enum.Enum] | None:
    """The enum class for a wire enum name, importing it on first use; None if unknown."""
    cls: type[enum.Enum] | None = _resolve(
        wire_name, _enum_cache, _extra_enums, "kaltura_async.enums", "ENUMS"
    )
    return cls


_fields_cache: dict[type[KalturaObject], tuple[FieldSpec, ...]] = {}


def all_fields(cls: type[KalturaObject]) -> tuple[FieldSpec, ...]:
    """Every field of ``cls`` (bases first), later definitions replacing earlier ones."""
    try:
        return _fields_cache[cls]
    except KeyError:
        pass
    merged: dict[str, FieldSpec] = {}
    for klass in reversed(cls.__mro__):
        for spec in klass.__dict__.get("__kaltura_fields__", ()):
            merged[spec[1]] = spec
    result = tuple(merged.values())
    _fields_cache[cls] = result
    return result


_is_a_cache: dict[tuple[type, str], bool] = {}


def _is_a(cls: type, wire_name: str) -> bool:
    try:
        return _is_a_cache[cls, wire_name]
    except KeyError:
        pass
    result = any(getattr(k, "__kaltura_object_type__", None) == wire_name for k in cls.__mro__)
    _is_a_cache[cls, wire_name] = result
    return result


# ---------------------------------------------------------------------------- encoding


def _placeholder(value: Any) -> str | None:
    hook = getattr(type(value), "__kaltura_placeholder__", None)
    return None if hook is None else str(hook(value))


def _bad(path: str, expected: str, value: Any) -> KalturaValidationError:
    return KalturaValidationError(
        f"{path}: expected {expected}, got {type(value).__name__}", field=path
    )


def _check_str(path: str, value: str) -> str:
    if _INVALID_XML_CHARS.search(value):
        raise KalturaValidationError(
            f"{path}: contains a control character the server rejects", field=path
        )
    return value


def encode_value(kind: str, value: Any, path: str, *, update: bool = False) -> Any:
    """Encode one non-None value of ``kind`` for the JSON wire; ``path`` names it in errors."""
    ph = _placeholder(value)
    if ph is not None:
        return ph
    if kind == "str":
        if isinstance(value, str):
            return _check_str(path, str(value))
        raise _bad(path, "str", value)
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, datetime):
            return int(value.timestamp())
        raise _bad(path, "int", value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise _bad(path, "bool", value)
    if kind == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise KalturaValidationError(f"{path}: must be a finite number", field=path)
            return value
        raise _bad(path, "float", value)
    if kind.startswith("enum:"):
        return _encode_enum(kind[5:], value, path)
    if kind.startswith("obj:") or kind == "any":
        declared = "KalturaObjectBase" if kind == "any" else kind[4:]
        if not isinstance(value, KalturaObject):
            raise _bad(path, declared.removeprefix("Kaltura"), value)
        if declared != "KalturaObjectBase" and not _is_a(type(value), declared):
            raise KalturaValidationError(
                f"{path}: expected {declared.removeprefix('Kaltura')}, got {type(value).__name__}",
                field=path,
            )
        return encode_object(value, update=update, path=path)
    if kind.startswith("list:"):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            raise _bad(path, "list", value)
        item = kind[5:]
        return [_encode_item(item, v, f"{path}[{i}]", update) for i, v in enumerate(value)]
    if kind.startswith("map:"):
        if not isinstance(value, Mapping):
            raise _bad(path, "dict", value)
        item = kind[4:]
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise _bad(f"{path} key", "str", k)
            out[k] = _encode_item(item, v, f"{path}[{k!r}]", update)
        return out
    if kind == "file":
        raise KalturaValidationError(f"{path}: file data is sent as a multipart part", field=path)
    raise KalturaValidationError(f"{path}: unsupported kind {kind!r}", field=path)


def _encode_item(item: str, value: Any, path: str, update: bool) -> Any:
    # Kaltura arrays hold objects only; plain strings are KalturaString wrappers on the wire.
    if isinstance(value, str) and item in ("KalturaString", "KalturaStringValue", "any"):
        return {"objectType": "KalturaString", "value": _check_str(path, value)}
    if value is None:
        raise KalturaValidationError(f"{path}: None is not allowed inside a list", field=path)
    return encode_value("any" if item == "any" else f"obj:{item}", value, path, update=update)


def _encode_enum(wire: str, value: Any, path: str) -> Any:
    if isinstance(value, enum.Enum):
        value = value.value
    cls = resolve_enum(wire)
    is_int = cls is not None and issubclass(cls, int)
    if is_int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(path, f"{wire.removeprefix('Kaltura')} (int)", value)
        return int(value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _bad(path, f"{wire.removeprefix('Kaltura')}", value)
    return str(value) if cls is not None else value


def encode_object(obj: KalturaObject, *, update: bool = False, path: str = "") -> dict[str, Any]:
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
    out: dict[str, Any] = {"objectType": cls.__kaltura_object_type__}
    for attr, wire, kind, flags in all_fields(cls):
        value = getattr(obj, attr)
        if value is UNSET or flags & READ_ONLY or (update and flags & INSERT_ONLY):
            continue
        if value is None:
            out[wire + "__null"] = ""
            continue
        out[wire] = encode_value(kind, value, f"{where}.{attr}", update=update)
    return out


def encode_params(
    params: tuple[tuple[str, str], ...],
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
        if value is None or value is UNSET or kind == "file":
            continue
        out[name] = encode_value(kind, value, name, update=update)
    return out


def encode_untyped(value: Any, path: str) -> Any:
    """Encode a value of no declared kind (``client.call``): inferred from its Python type."""
    ph = _placeholder(value)
    if ph is not None:
        return ph
    if isinstance(value, KalturaObject):
        return encode_object(value, path=path)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise KalturaValidationError(f"{path}: must be a finite number", field=path)
        return value
    if isinstance(value, str):
        return _check_str(path, value)
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if v is UNSET:
                continue
            if v is None:
                out[f"{k}__null"] = ""
            else:
                out[str(k)] = encode_untyped(v, f"{path}.{k}")
        return out
    if isinstance(value, (list, tuple)):
        return [encode_untyped(v, f"{path}[{i}]") for i, v in enumerate(value)]
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


# ---------------------------------------------------------------------------- decoding


def is_api_exception(data: Any) -> bool:
    return isinstance(data, dict) and data.get("objectType") == API_EXCEPTION


# A bounded repr: a hostile answer may be huge or nested past the recursion limit.
_SHORT_REPR: Final = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = 40


def _protocol(expected: str, data: Any) -> KalturaProtocolError:
    shown = _SHORT_REPR.repr(data)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return KalturaProtocolError(f"expected {expected}, got {type(data).__name__} {shown}")


def _dec_str(data: Any) -> Any:
    if type(data) is str or data is None:
        return data
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return str(data)
    if isinstance(data, bool):
        return "1" if data else "0"
    raise _protocol("a string", data)


def _dec_int(data: Any) -> Any:
    if type(data) is int or data is None:
        return data
    if isinstance(data, bool):
        return int(data)
    if isinstance(data, float) and data.is_integer():
        return int(data)
    if isinstance(data, str):
        text = data.strip()
        if text == "":
            return None
        try:
            return int(text)
        except ValueError:
            try:
                as_float = float(text)
            except ValueError:
                raise _protocol("an integer", data) from None
            if as_float.is_integer():
                return int(as_float)
    raise _protocol("an integer", data)


def _dec_float(data: Any) -> Any:
    if type(data) is float or data is None:
        return data
    if isinstance(data, (int, float)):
        return float(data)
    if isinstance(data, str):
        try:
            return float(data)
        except ValueError:
            raise _protocol("a number", data) from None
    raise _protocol("a number", data)


_TRUE: Final = frozenset({"1", "true"})
_FALSE: Final = frozenset({"0", "false", ""})


def _dec_bool(data: Any) -> Any:
    if type(data) is bool or data is None:
        return data
    if isinstance(data, (int, float)):
        return None if data == -1 else bool(data)
    if isinstance(data, str):
        text = data.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if text == "-1":
            return None
    raise _protocol("a boolean", data)


def _dec_void(data: Any) -> Any:
    return None


Decoder = Callable[[Any], Any]
_decoder_cache: dict[str, Decoder] = {
    "str": _dec_str,
    "int": _dec_int,
    "float": _dec_float,
    "bool": _dec_bool,
    "void": _dec_void,
}


def decoder_for(kind: str) -> Decoder:
    """A function decoding wire data of ``kind`` (cached per kind)."""
    try:
        return _decoder_cache[kind]
    except KeyError:
        pass
    dec: Decoder
    if kind.startswith("enum:"):
        dec = _enum_decoder(kind[5:])
    elif kind.startswith("obj:"):
        dec = _object_decoder(kind[4:])
    elif kind == "any":
        dec = _object_decoder(None)
    elif kind.startswith("list:"):
        item = decoder_for("any" if kind[5:] == "any" else f"obj:{kind[5:]}")

        def dec(data: Any) -> Any:
            if data is None:
                return None
            if isinstance(data, dict):  # PHP serialises a sparse array as a map
                data = list(data.values())
            if not isinstance(data, list):
                raise _protocol("a list", data)
            return [item(v) for v in data]

    elif kind.startswith("map:"):
        item = decoder_for("any" if kind[4:] == "any" else f"obj:{kind[4:]}")

        def dec(data: Any) -> Any:
            if data is None:
                return None
            if isinstance(data, list) and not data:  # PHP's empty map is []
                return {}
            if not isinstance(data, dict):
                raise _protocol("a map", data)
            return {str(k): item(v) for k, v in data.items()}

    else:
        raise KalturaProtocolError(f"unknown kind {kind!r}")
    _decoder_cache[kind] = dec
    return dec


def _enum_decoder(wire: str) -> Decoder:
    cls = resolve_enum(wire)
    if cls is None:
        return _passthrough

    # Known values are looked up directly: Enum.__call__ costs several times more, and a
    # list response holds dozens of enum fields per object.
    members = cls._value2member_map_
    # KalturaStrEnum maps an int onto its digits (the server sends some string enums as ints).
    ints_as_text = issubclass(cls, KalturaStrEnum)

    def dec(data: Any) -> Any:
        try:
            member = members.get(data)
        except TypeError:  # unhashable: let the enum class refuse it below
            member = None
        if member is None and ints_as_text and type(data) is int:
            member = members.get(str(data))
        if member is not None:
            return member
        if data is None:
            return None
        if not isinstance(data, (str, int, float)):
            # Only a scalar can be an enum value; the enum's own error would repr the
            # whole (maybe huge, maybe deeply nested) container.
            raise _protocol(wire, data)
        try:
            return cls(data)
        except (ValueError, TypeError):  # TypeError: an enum with no members
            if not isinstance(data, bool):
                return data  # kept raw: an enum value must never fail a decode
            raise _protocol(wire, data) from None

    return dec


def _passthrough(data: Any) -> Any:
    return data


#: Per-decoder memos of objectType -> class decoder; cleared when a type is registered.
_choice_caches: list[dict[str, Callable[[dict[str, Any]], KalturaObject]]] = []


def _object_decoder(declared: str | None) -> Decoder:
    chosen: dict[str, Callable[[dict[str, Any]], KalturaObject]] = {}
    _choice_caches.append(chosen)

    def choose(object_type: Any) -> Callable[[dict[str, Any]], KalturaObject]:
        cls = resolve_type(object_type) if isinstance(object_type, str) else None
        if cls is None or (declared is not None and not _is_a(cls, declared)):
            base = resolve_type(declared) if declared is not None else None
            fallback = _class_decoder(base or KalturaObject)
            return lambda data: fallback(data, True)
        exact = _class_decoder(cls)
        return lambda data: exact(data, False)

    def dec(data: Any) -> Any:
        if type(data) is not dict:
            if data is None:
                return None
            if isinstance(data, list) and not data:  # PHP's empty object
                return None
            if not isinstance(data, dict):
                raise _protocol("an object", data)
        object_type: Any = data.get("objectType")
        try:
            fn = chosen[object_type]
        except (KeyError, TypeError):
            fn = choose(object_type)
            if type(object_type) is str:
                chosen[object_type] = fn
        return fn(data)

    return dec


_ClassDecoder = Callable[[dict[str, Any], bool], KalturaObject]
_class_decoders: dict[type[KalturaObject], _ClassDecoder] = {}


def structure_object(
    data: dict[str, Any], cls: type[KalturaObject], *, keep_type: bool = False
) -> KalturaObject:
    """Build ``cls`` from a wire object (``keep_type``: remember a foreign objectType)."""
    return _class_decoder(cls)(data, keep_type)


def _class_decoder(cls: type[KalturaObject]) -> _ClassDecoder:
    try:
        return _class_decoders[cls]
    except KeyError:
        fn = _class_decoders[cls] = _build_class_decoder(cls)
        return fn


#: Kinds whose decoder returns a value of exactly this type unchanged.
_IDENTITY_TYPES: Final[dict[str, type]] = {"str": str, "int": int, "bool": bool, "float": float}


def _build_class_decoder(cls: type[KalturaObject]) -> _ClassDecoder:
    table: dict[str, tuple[str, Decoder, type | None]] = {}
    for attr, wire, kind, _flags in all_fields(cls):
        table[wire] = (attr, decoder_for(kind), _IDENTITY_TYPES.get(kind))
    construct = type.__call__
    lookup = table.get

    def decode_class(data: dict[str, Any], keep_type: bool) -> KalturaObject:
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] | None = None
        for key, value in data.items():
            entry = lookup(key)
            if entry is not None:
                # Most values already have their final type; skip the decoder call then.
                kwargs[entry[0]] = value if type(value) is entry[2] else entry[1](value)
            elif key != "objectType" or keep_type:
                if extra is None:
                    extra = {}
                extra[key] = value
        if extra is not None:
            kwargs["unknown_fields"] = extra
        obj: KalturaObject = construct(cls, **kwargs)
        return obj

    return decode_class


def _too_deep() -> KalturaProtocolError:
    return KalturaProtocolError("the answer is nested deeper than the decoder's stack")


def decode(kind: str, data: Any) -> Any:
    """Decode wire ``data`` of ``kind`` (an API exception must be handled by the caller)."""
    try:
        return decoder_for(kind)(data)
    except RecursionError:
        raise _too_deep() from None


def decode_any(data: Any) -> Any:
    """Decode data of no declared kind (``client.call``): objects of a known objectType
    become models, everything else is returned as the JSON gave it."""
    try:
        return _decode_any(data)
    except RecursionError:
        raise _too_deep() from None


def _decode_any(data: Any) -> Any:
    if isinstance(data, dict):
        object_type = data.get("objectType")
        cls = resolve_type(object_type) if isinstance(object_type, str) else None
        if cls is not None:
            return structure_object(data, cls)
        return {k: _decode_any(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_decode_any(v) for v in data]
    return data


# ---------------------------------------------------------------------------- cattrs

if TYPE_CHECKING:
    import cattrs

    #: The one cattrs converter: ``converter.structure(data, MediaEntry)`` and
    #: ``converter.unstructure(entry)`` go through the same hooks as the transport.
    converter: cattrs.Converter

_converter: list[Any] = []


def __getattr__(name: str) -> Any:
    # The converter (and cattrs itself) is built on first use: the transport decodes
    # without it, and importing cattrs would add a sizeable part to ``import kaltura_async``.
    if name != "converter":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if not _converter:
        _converter.append(_build_converter())
    return _converter[0]


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, KalturaObject)


def _structure_hook_factory(cls: type[KalturaObject]) -> Callable[[Any, Any], Any]:
    dec = _object_decoder(cls.__kaltura_object_type__)

    def hook(data: Any, _cls: Any) -> Any:
        return dec(data)

    return hook


def _unstructure_hook_factory(cls: type[KalturaObject]) -> Callable[[Any], Any]:
    def hook(obj: Any) -> Any:
        return encode_object(obj)

    return hook


def _build_converter() -> Any:
    import cattrs

    conv = cattrs.Converter()
    conv.register_structure_hook_factory(_is_model, _structure_hook_factory)
    conv.register_unstructure_hook_factory(_is_model, _unstructure_hook_factory)
    conv.register_unstructure_hook(UnsetType, lambda _v: None)
    return conv
