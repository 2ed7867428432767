"""Refs: typed placeholders for the result of an earlier call of a batch, and the rules
that turn them into wire placeholders or into the values they stand for.

``ref.objects[0].id`` is ``{N:result:objects:0:id}``, checked against the declared result
class (fields through its MRO, wire names on the wire). The server's substitution rules
(wire-protocol §4) are followed when a ref is resolved here instead of by the server: a
value embedded in a string is inserted as text, ``_all`` joins with a trailing comma, a
missing value is empty.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final, Generic, NoReturn, TypeVar

import attrs

from ._codec import all_fields, resolve_type
from ._codec._encode import MAX_DEPTH
from ._errors import KalturaValidationError, RefPathError
from ._kind import Kind
from ._model import UNSET, KalturaObject
from ._pipeline import prepare

if TYPE_CHECKING:
    from ._call import Call
    from ._config import RequestOptions
    from ._pipeline import Prepared

__all__ = [
    "ALL",
    "PLACEHOLDER",
    "Ref",
    "coerce",
    "prepare_in",
    "encoding_batch",
    "lookup",
    "placeholder_text",
    "walk_params",
]

T = TypeVar("T")
T2 = TypeVar("T2")

# The server's own placeholder regex is greedy (``\{[0-9]+:result:?(.*)?\}``); this one
# finds each placeholder on its own, so a value holding two can be refused.
PLACEHOLDER: Final = re.compile(r"\{([0-9]+):result(?::([^{}]*))?\}")
ANGLE: Final = re.compile(r"<([0-9]+):result(?::([^<>{}]*))?>")
ALL: Final = "_all"

#: The batch whose calls are being encoded: the only one whose refs become placeholders.
encoding_batch: ContextVar[object | None] = ContextVar("kaltura_encoding_batch", default=None)


def prepare_in(batch: object, call: Call[Any], options: RequestOptions) -> Prepared:
    """``call`` prepared as a call of ``batch`` (its refs encoded as placeholders)."""
    token = encoding_batch.set(batch)
    try:
        return prepare(call, options)
    finally:
        encoding_batch.reset(token)


@functools.cache
def fields_by(cls: type[KalturaObject], key: int) -> dict[str, tuple[str, str, Kind]]:
    """``key`` 0: attribute -> (attr, wire, kind); 1: wire -> (attr, wire, kind)."""
    return {str(spec[key]): (spec[0], spec[1], spec[2]) for spec in all_fields(cls)}


def _step(kind: Kind, segment: str | int, *, wire: bool, where: str) -> tuple[str, Kind, bool]:
    """One path step from a value of ``kind``: (wire segment, new kind, is a join).

    ``wire`` says whether a name segment is a wire name (placeholder strings) or an
    attribute name (ref attribute access).
    """
    if kind is Kind.UNTYPED:
        return (str(segment), Kind.UNTYPED, segment == ALL)
    if isinstance(segment, int) or (wire and isinstance(segment, str) and segment.isdigit()):
        if kind.tag == "list":
            return (str(segment), kind.item, False)
        raise RefPathError(f"{where}: a {kind.type_name} cannot be indexed", field=where)
    if segment == ALL:
        if kind.tag == "list":
            return (ALL, kind.item, True)
        raise RefPathError(f"{where}: _all needs a list, not a {kind.type_name}", field=where)
    if kind.tag == "map":
        return (segment, kind.item, False)
    if kind.tag == "obj":
        cls = resolve_type(kind.name)
        if cls is None:  # a type this process cannot know: nothing to check against
            return (segment, Kind.UNTYPED, False)
        found = fields_by(cls, 1 if wire else 0).get(segment)
        if found is None:
            raise RefPathError(f"{where}: {cls.__name__} has no field {segment!r}", field=where)
        return (found[1], found[2], False)
    if kind is Kind.ANY:
        raise RefPathError(
            f"{where}: the result is any object; use .cast(SomeType) before its fields",
            field=where,
        )
    raise RefPathError(f"{where}: a {kind.type_name} has no field {segment!r}", field=where)


def placeholder_text(number: int, path: Sequence[str]) -> str:
    return f"{{{number}:result:{':'.join(path)}}}" if path else f"{{{number}:result}}"


class Ref(Generic[T]):
    """The future result of call number ``N`` of a batch, or a path into it.

    ``ref.objects[0].id`` is ``{N:result:objects:0:id}``; ``ref.objects.all.id`` is the
    server's comma join ``{N:result:objects:_all:id}``. Use a ref as an argument, as a model
    field, or inside a string (``f"copy of {ref.name}"``): it is sent as its placeholder.
    """

    __slots__ = ("_batch", "_joined", "_kind", "_number", "_path")

    def __init__(
        self,
        batch: object,
        number: int,
        kind: Kind,
        path: tuple[str, ...] = (),
        joined: bool = False,
    ) -> None:
        self._batch = batch
        self._number = number
        self._kind = kind
        self._path = path
        self._joined = joined

    @property
    def number(self) -> int:
        """The 1-based number of the call this ref points at."""
        return self._number

    @property
    def path(self) -> tuple[str, ...]:
        """The wire path into the result (empty for the whole result)."""
        return self._path

    @property
    def kind(self) -> Kind:
        """The kind of the value the path names (:data:`Kind.STR` for an ``_all`` join)."""
        return Kind.STR if self._joined else self._kind

    def _child(self, segment: str | int, *, wire: bool = False) -> Ref[Any]:
        where = f"{self}.{segment}"
        seg, kind, joins = _step(self._kind, segment, wire=wire, where=where)
        return Ref(self._batch, self._number, kind, (*self._path, seg), self._joined or joins)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "all" and self._kind.tag == "list":
            return self._child(ALL)
        return self._child(name)

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, bool) or not isinstance(key, (int, str)):
            raise RefPathError(f"{self}: index with an int or a str", field=str(self))
        if isinstance(key, int) and key < 0:
            raise RefPathError(f"{self}: the server has no negative indexes", field=str(self))
        return self._child(key, wire=True)

    def __iter__(self) -> NoReturn:
        # Without this, __getitem__ would make every ref an endless iterable.
        raise TypeError("a Ref is not iterable; index it or use .all")

    def cast(self, cls: type[T2]) -> Ref[T2]:
        """This ref, read as ``cls`` (a subclass of the declared result type)."""
        if not (isinstance(cls, type) and issubclass(cls, KalturaObject)):
            raise KalturaValidationError(f"{self}: cast to a Kaltura type", field=str(self))
        if self._kind.tag == "obj":
            declared = self._kind.name
            if not any(
                getattr(k, "__kaltura_object_type__", None) == declared for k in cls.__mro__
            ):
                raise KalturaValidationError(
                    f"{self}: {cls.__name__} is not a {self._kind.type_name}", field=str(self)
                )
        elif self._kind is not Kind.ANY and self._kind is not Kind.UNTYPED:
            raise KalturaValidationError(
                f"{self}: a {self._kind.type_name} is not an object", field=str(self)
            )
        return Ref(
            self._batch,
            self._number,
            Kind.obj(cls.__kaltura_object_type__),
            self._path,
            self._joined,
        )

    def _renumbered(self, number: int) -> Ref[Any]:
        return Ref(self._batch, number, self._kind, self._path, self._joined)

    def __copy__(self) -> Ref[T]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Ref[T]:
        # Immutable; and a copied batch identity would make the copy "another batch".
        return self

    def __kaltura_placeholder__(self) -> str | None:
        """The placeholder text, or None outside its batch (the codec then refuses it)."""
        if encoding_batch.get() is not self._batch:
            return None
        return placeholder_text(self._number, self._path)

    def __str__(self) -> str:
        return placeholder_text(self._number, self._path)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"<Ref {self} {self.kind.type_name}>"


# ---------------------------------------------------------------------------- resolving

_MISSING: Final = object()


def text_of(value: Any) -> str:
    """A value as the server inserts it into a placeholder: a string, empty if absent."""
    if value is None or value is _MISSING or value is UNSET:
        return ""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (str, int)):
        return str(value)
    return ""  # objects and lists have no text form on the server either


def lookup(value: Any, path: Sequence[str], *, text: bool) -> Any:
    """Follow a wire path into a decoded result; ``_all`` joins (as text) or lists."""
    for i, seg in enumerate(path):
        if seg == ALL and isinstance(value, list):
            items = [lookup(item, path[i + 1 :], text=text) for item in value]
            return "".join(f"{item}," for item in items) if text else items
        if isinstance(value, KalturaObject):
            found = fields_by(type(value), 1).get(seg)
            value = (
                getattr(value, found[0])
                if found is not None
                else value.unknown_fields.get(seg, _MISSING)
            )
        elif isinstance(value, Mapping):
            value = value.get(seg, _MISSING)
        elif isinstance(value, list) and seg.isdigit() and int(seg) < len(value):
            value = value[int(seg)]
        else:
            value = _MISSING
        if value is _MISSING or value is UNSET or value is None:
            return "" if text else None
    return text_of(value) if text else value


def coerce(value: Any, kind: Kind) -> Any:
    """A resolved value as an argument of ``kind`` (the server casts its string form)."""
    if kind is Kind.STR:
        return text_of(value)
    if value is None or value is _MISSING or value is UNSET:
        return UNSET
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str) and kind in (Kind.INT, Kind.BIGINT, Kind.FLOAT, Kind.BOOL):
        # The server casts the text it inserted; a value that does not cast is left as
        # is, and the codec then names the field that refuses it.
        text = value.strip().lower()
        if kind is Kind.BOOL:
            return text in ("1", "true") if text in ("1", "true", "0", "false", "") else value
        try:
            return float(text) if kind is Kind.FLOAT else int(text)
        except ValueError:
            return value
    if kind is Kind.UNTYPED:
        return value if isinstance(value, (str, int, float)) else text_of(value)
    return value


# ---------------------------------------------------------------------------- walking


def _walk(
    value: Any,
    kind: Kind,
    on_ref: Callable[[Ref[Any], Kind], Any],
    on_str: Callable[[str, Kind], Any],
    depth: int = 0,
) -> Any:
    """Rebuild ``value`` with refs and strings mapped; unchanged parts keep their identity.

    Past the codec's depth limit the value is left as it is: the codec then refuses it
    (a cycle or excessive depth) with its field path, before any I/O.
    """
    if isinstance(value, Ref):
        return on_ref(value, kind)
    if isinstance(value, str):
        return on_str(value, kind)
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, KalturaObject):
        changes: dict[str, Any] = {}
        for attr, _wire, fkind, _flags in all_fields(type(value)):
            old = getattr(value, attr)
            if old is UNSET or old is None:
                continue
            new = _walk(old, fkind, on_ref, on_str, depth + 1)
            if new is not old:
                changes[attr] = new
        return attrs.evolve(value, **changes) if changes else value
    if isinstance(value, (list, tuple)):
        sub = kind.item if kind.tag == "list" else Kind.UNTYPED
        items = [_walk(v, sub, on_ref, on_str, depth + 1) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items) if isinstance(value, tuple) else items
    if isinstance(value, Mapping):
        sub = kind.item if kind.tag == "map" else Kind.UNTYPED
        mapped = {k: _walk(v, sub, on_ref, on_str, depth + 1) for k, v in value.items()}
        if all(mapped[k] is v for k, v in value.items()):
            return value
        return mapped
    return value


def walk_params(
    call: Call[Any],
    on_ref: Callable[[Ref[Any], Kind], Any],
    on_str: Callable[[str, Kind], Any],
) -> Call[Any]:
    """``call`` with its arguments mapped (file arguments untouched)."""
    kinds = dict(call.spec.params)
    untyped = call.spec.result is Kind.UNTYPED
    params: dict[str, Any] = {}
    changed = False
    for name, value in call.params.items():
        kind = Kind.UNTYPED if untyped else kinds.get(name, Kind.UNTYPED)
        new = value if kind is Kind.FILE or value is None else _walk(value, kind, on_ref, on_str)
        changed = changed or new is not value
        params[name] = new
    return type(call)(call.client, call.spec, params, call.options) if changed else call


def server_rules(value: Any, path: str) -> None:
    """Refuse what the server's greedy placeholder regex would mangle (wire §4)."""
    if isinstance(value, str):
        found = list(PLACEHOLDER.finditer(value))
        if len(found) > 1:
            raise KalturaValidationError(
                f"{path}: one placeholder per value in a multirequest, found {len(found)}",
                field=path,
            )
        if found and "}" in value[found[0].end() :]:
            raise KalturaValidationError(
                f"{path}: no '}}' may follow a placeholder in a multirequest", field=path
            )
    elif isinstance(value, Mapping):
        for k, v in value.items():
            server_rules(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            server_rules(v, f"{path}[{i}]")
