"""Wire JSON (already parsed) to typed objects.

Decoding is lenient where the server is loose (ints as strings, 0/1/-1 for booleans,
``[]`` for an empty map or object) and strict only about the shape of the protocol itself
(a :class:`KalturaProtocolError`). Objects are polymorphic: ``objectType`` picks the class
through the registry, which imports a class only when its ``objectType`` is first met; an
unknown (or unrelated) ``objectType`` decodes as the declared class, with every field it
does not know, ``objectType`` included, kept in ``unknown_fields``. Unknown enum values
become pseudo-members, or stay raw for enums that cannot hold them. Absent fields stay
:data:`~kaltura_async.UNSET`.

This is the hot path of every call, so it is hand-written rather than driven by cattrs:
per class, on first use, a decoder is built from the class's field specs that visits only
the keys the answer holds and skips the conversion of values that already have their
final type, and each key layout the server repeats gets a decoder compiled for it
(:mod:`._compile`, about 4x faster per object). The public cattrs converter
(:mod:`kaltura_async.converter`) structures through these same decoders. Nothing here
touches the event loop; the caches are bounded or keyed by code-defined names, and the
garbage-collector pause (:func:`without_gc`) is counted across threads, so a large body
can be decoded in a worker thread.
"""

from __future__ import annotations

import enum
import gc
import reprlib
import threading
from collections.abc import Callable
from typing import Any, Final, TypeVar

from .._errors import KalturaProtocolError
from .._kind import Kind
from .._logging import redact_text
from .._model import KalturaObject, KalturaStrEnum
from ._compile import ClassDecoder, FieldPlan, class_decoder, identity_type
from ._registry import (
    MAX_CACHED_NAMES,
    all_fields,
    is_a,
    on_register,
    resolve_enum,
    resolve_type,
)

__all__ = [
    "API_EXCEPTION",
    "Decoder",
    "decode",
    "decode_any",
    "decoder_for",
    "is_api_exception",
    "structure_object",
    "without_gc",
]

API_EXCEPTION: Final = "KalturaAPIException"

T = TypeVar("T")


def is_api_exception(data: Any) -> bool:
    """Whether parsed wire data is a ``KalturaAPIException`` (an error answer)."""
    return isinstance(data, dict) and data.get("objectType") == API_EXCEPTION


# A bounded repr: a hostile answer may be huge or nested past the recursion limit.
_SHORT_REPR: Final = reprlib.Repr()
_SHORT_REPR.maxlevel = 3
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = 40


def _protocol(expected: str, data: Any) -> KalturaProtocolError:
    # Bounded, and without anything shaped like a KS or a secret (an answer may echo one).
    shown = redact_text(_SHORT_REPR.repr(data))
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return KalturaProtocolError(f"expected {expected}, got {type(data).__name__} {shown}")


# ---------------------------------------------------------------------------- scalars


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


def _passthrough(data: Any) -> Any:
    return data


# ---------------------------------------------------------------------------- by kind

Decoder = Callable[[Any], Any]
_decoder_cache: dict[Kind, Decoder] = {
    Kind.STR: _dec_str,
    Kind.INT: _dec_int,
    Kind.BIGINT: _dec_int,
    Kind.FLOAT: _dec_float,
    Kind.BOOL: _dec_bool,
    Kind.VOID: _dec_void,
}


def decoder_for(kind: Kind) -> Decoder:
    """A function decoding wire data of ``kind`` (cached per kind)."""
    try:
        return _decoder_cache[kind]
    except KeyError:
        pass
    dec: Decoder
    tag = kind.tag
    if tag == "enum":
        dec = _enum_decoder(kind.name)
    elif tag == "obj":
        dec = _object_decoder(kind.name)
    elif tag == "any":
        dec = _object_decoder(None)
    elif tag == "list":
        dec = _list_decoder(decoder_for(kind.item))
    elif tag == "map":
        dec = _map_decoder(decoder_for(kind.item))
    else:
        raise KalturaProtocolError(f"unknown kind {str(kind)!r}")
    _decoder_cache[kind] = dec
    return dec


def _list_decoder(item: Decoder) -> Decoder:
    def dec(data: Any) -> Any:
        if data is None:
            return None
        if isinstance(data, dict):  # PHP serialises a sparse array as a map
            data = list(data.values())
        if not isinstance(data, list):
            raise _protocol("a list", data)
        return [item(v) for v in data]

    return dec


def _map_decoder(item: Decoder) -> Decoder:
    def dec(data: Any) -> Any:
        if data is None:
            return None
        if isinstance(data, list) and not data:  # PHP's empty map is []
            return {}
        if not isinstance(data, dict):
            raise _protocol("a map", data)
        return {str(k): item(v) for k, v in data.items()}

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


# ---------------------------------------------------------------------------- objects

#: Per-decoder memos of objectType -> class decoder; cleared when a type is registered.
_choice_caches: list[dict[str, ClassDecoder]] = []


def _forget_choices() -> None:
    for cache in _choice_caches:
        cache.clear()


on_register(_forget_choices)


def _object_decoder(declared: str | None) -> Decoder:
    chosen: dict[str, ClassDecoder] = {}
    _choice_caches.append(chosen)

    def choose(object_type: Any) -> ClassDecoder:
        cls = resolve_type(object_type) if isinstance(object_type, str) else None
        if cls is None or (declared is not None and not is_a(cls, declared)):
            base = resolve_type(declared) if declared is not None else None
            return _class_decoder(base or KalturaObject, True)
        return _class_decoder(cls, False)

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
            # Bounded: the names are what the server sends (see MAX_CACHED_NAMES).
            if type(object_type) is str and len(chosen) < MAX_CACHED_NAMES:
                chosen[object_type] = fn
        return fn(data)

    return dec


_class_decoders: dict[tuple[type[KalturaObject], bool], ClassDecoder] = {}


def structure_object(
    data: dict[str, Any], cls: type[KalturaObject], *, keep_type: bool = False
) -> KalturaObject:
    """Build ``cls`` from a wire object (``keep_type``: remember a foreign objectType)."""
    return _class_decoder(cls, keep_type)(data)


def _class_decoder(cls: type[KalturaObject], keep_type: bool) -> ClassDecoder:
    try:
        return _class_decoders[cls, keep_type]
    except KeyError:
        pass
    fn = _class_decoders[cls, keep_type] = class_decoder(cls, field_plan(cls), keep_type)
    return fn


def field_plan(cls: type[KalturaObject]) -> FieldPlan:
    """How each wire key of ``cls`` decodes: attribute, decoder, type kept as is, and the
    value-to-member map of an enum field (looked up before calling its decoder)."""
    plan: FieldPlan = {}
    for attr, wire, kind, _flags in all_fields(cls):
        lookups = None
        if kind.tag == "enum":
            enum_cls = resolve_enum(kind.name)
            if enum_cls is not None:
                lookups = (enum_cls._value2member_map_, _int_members(enum_cls))
        plan[wire] = (attr, decoder_for(kind), identity_type(kind), lookups)
    return plan


def _int_members(cls: type[enum.Enum]) -> dict[int, Any] | None:
    """For a string enum, its members by the int their value spells in decimal (``"2"``:
    2, ``"-1"``: -1), as the enum decoder maps an int onto its digits; None otherwise."""
    if not issubclass(cls, KalturaStrEnum):
        return None
    out: dict[int, Any] = {}
    for value, member in cls._value2member_map_.items():
        digits = value[1:] if value[:1] == "-" else value
        if isinstance(value, str) and digits.isascii() and digits.isdigit():
            if str(int(value)) == value:
                out[int(value)] = member
    return out


# ---------------------------------------------------------------------------- entry points


def _too_deep() -> KalturaProtocolError:
    return KalturaProtocolError("the answer is nested deeper than the decoder's stack")


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


def without_gc(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` with the cyclic garbage collector paused, then restored.

    A list answer becomes hundreds of models (a large one, hundreds of thousands of
    objects), each tracked by the collector: their allocation alone sets off collections,
    full ones in a large process, each a pass over every live object holding the
    interpreter lock, in the middle of work that creates no reference cycles at all.
    Nested and concurrent pauses (threads decoding at once) are counted: the collector
    runs again when the last one ends, if it ran before the first, so an application's
    own ``gc.disable()`` is left alone.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        return fn(*args)
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def decode(kind: Kind, data: Any) -> Any:
    """Decode wire ``data`` of ``kind`` (an API exception must be handled by the caller)."""
    try:
        return without_gc(decoder_for(kind), data)
    except RecursionError:
        raise _too_deep() from None


def decode_any(data: Any) -> Any:
    """Decode data of no declared kind (``client.call``): objects of a known objectType
    become models, everything else is returned as the JSON gave it."""
    try:
        return without_gc(_decode_any, data)
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
