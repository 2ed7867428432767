"""The type registry: wire names (``objectType``, enum names) to classes, and field specs.

Generated classes are found through the generated ``_registry`` tables of
``kaltura_async.types`` and ``kaltura_async.enums``; a class's module is imported only when
its wire name is first resolved, so ``import kaltura_async`` never loads 1,600 models.
Classes registered at run time (custom or test models) take precedence.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Mapping
from typing import Any

from .._model import FieldSpec, KalturaObject

__all__ = [
    "all_fields",
    "is_a",
    "on_register",
    "register_enum",
    "register_type",
    "resolve_enum",
    "resolve_type",
]

_extra_types: dict[str, type[KalturaObject]] = {}
_extra_enums: dict[str, type[enum.Enum]] = {}
_type_cache: dict[str, type[KalturaObject] | None] = {}
_enum_cache: dict[str, type[enum.Enum] | None] = {}
_fields_cache: dict[type[KalturaObject], tuple[FieldSpec, ...]] = {}
_is_a_cache: dict[tuple[type, str], bool] = {}

#: Called with no arguments after a type is registered: caches built on resolved types
#: (the decoder's objectType choices) drop what they hold.
_listeners: list[Callable[[], None]] = []


def on_register(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever :func:`register_type` changes what a name resolves to."""
    _listeners.append(listener)


def register_type(cls: type[KalturaObject]) -> type[KalturaObject]:
    """Make ``cls`` known by its ``__kaltura_object_type__`` (custom or test models)."""
    _extra_types[cls.__kaltura_object_type__] = cls
    _type_cache.pop(cls.__kaltura_object_type__, None)
    _is_a_cache.clear()
    for listener in _listeners:
        listener()
    return cls


def register_enum(wire_name: str, cls: type[enum.Enum]) -> type[enum.Enum]:
    """Make an enum class known by its wire name (custom or test enums)."""
    _extra_enums[wire_name] = cls
    _enum_cache.pop(wire_name, None)
    return cls


#: How many wire names a name-keyed cache holds at most beyond the schema's own (1,617
#: classes, 625 enums): unknown ``objectType`` names are remembered only up to it.
MAX_CACHED_NAMES = 4096


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
    # A miss is cached only while the cache is small: the names come from what a server
    # sends, and a server sending ever new ones must not grow memory without end.
    if cls is not None or len(cache) < MAX_CACHED_NAMES:
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


def is_a(cls: type, wire_name: str) -> bool:
    """Whether ``cls`` is, or derives from, the class whose ``objectType`` is ``wire_name``."""
    try:
        return _is_a_cache[cls, wire_name]
    except KeyError:
        pass
    result = any(getattr(k, "__kaltura_object_type__", None) == wire_name for k in cls.__mro__)
    _is_a_cache[cls, wire_name] = result
    return result
