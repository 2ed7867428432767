"""Models to JSON-safe dicts and back: the SDK's cattrs converter.

Use it wherever a model leaves the process: caching a listed page in Redis, passing an
entry to a job queue, writing a fixture::

    from kaltura_async.converter import structure, unstructure

    data = unstructure(entry)            # {"objectType": "KalturaMediaEntry", "id": ..., ...}
    redis.set(key, json.dumps(data))
    entry = structure(json.loads(redis.get(key)), MediaEntry)

    page = unstructure(result.objects)   # a list of dicts
    entries = structure(page, list[MediaEntry])

The dict form is the wire form the server itself answers with: camelCase field names,
``objectType`` first, enums as their values, nested objects and lists as dicts and lists.
Unlike what is *sent* to the server (:func:`~kaltura_async._codec.encode_object`), it keeps
every field that is set, read-only ones (``id``, ``createdAt``) included, ``None`` as JSON
``null``, and the :attr:`~kaltura_async.KalturaObject.unknown_fields` a newer server sent;
fields that were never set (``UNSET``) are left out and come back UNSET. So
``structure(unstructure(x), type(x)) == x`` for every model, and the class of a subclass
(``KalturaMediaEntry`` read where a ``KalturaBaseEntry`` is declared) survives the trip.

:data:`converter` is a :class:`cattrs.Converter`: :func:`unstructure` and :func:`structure`
are its methods, and users may register hooks for their own types on it (or copy it).
Structuring goes through the same hand-written decoders as every API answer (lenient
scalars, open enums, polymorphic ``objectType``; a malformed value raises
:class:`~kaltura_async.KalturaProtocolError`); those decoders stay hand-written because
they are the hot path of every call, see :mod:`kaltura_async._codec._decode`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import cattrs

from ._codec import all_fields, decoder_for
from ._kind import Kind
from ._model import UNSET, KalturaObject, UnsetType

__all__ = ["converter", "structure", "unstructure"]

T = TypeVar("T")

_PLAIN = (str, int, float, bool, type(None))


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, KalturaObject)


def _structure_hook_factory(cls: type[KalturaObject]) -> Callable[[Any, Any], Any]:
    declared = cls.__kaltura_object_type__
    dec = decoder_for(Kind.ANY if declared == "KalturaObjectBase" else Kind.obj(declared))

    def structure_model(data: Any, _cls: Any) -> Any:
        return dec(data)

    return structure_model


def _unstructure_hook_factory(cls: type[KalturaObject]) -> Callable[[Any], Any]:
    fields = tuple((attr, wire) for attr, wire, _kind, _flags in all_fields(cls))
    object_type = cls.__kaltura_object_type__
    nested = converter.unstructure

    def unstructure_model(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"objectType": object_type}
        if obj.unknown_fields:
            # A foreign objectType kept here (an unknown subclass) replaces the class's own.
            out.update(nested(obj.unknown_fields))
        for attr, wire in fields:
            value = getattr(obj, attr)
            if value is UNSET:
                continue
            out[wire] = value if type(value) in _PLAIN else nested(value)
        return out

    return unstructure_model


def _build() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_structure_hook_factory(_is_model, _structure_hook_factory)
    conv.register_unstructure_hook_factory(_is_model, _unstructure_hook_factory)
    conv.register_unstructure_hook(UnsetType, lambda _v: None)
    # The wire carries times as Unix seconds; the encoder accepts a datetime for an int.
    conv.register_unstructure_hook(datetime, lambda v: int(v.timestamp()))
    return conv


#: The converter: ``converter.unstructure(model)`` and ``converter.structure(data, cls)``.
converter: cattrs.Converter = _build()


def unstructure(value: Any) -> Any:
    """``value`` (a model, or lists/dicts of models) as JSON-safe dicts, lists and scalars."""
    return converter.unstructure(value)


def structure(data: Any, cls: type[T]) -> T:
    """Build ``cls`` (a model class, or e.g. ``list[MediaEntry]``) from :func:`unstructure`
    output or from wire JSON. Raises KalturaProtocolError on a malformed value."""
    return converter.structure(data, cls)
