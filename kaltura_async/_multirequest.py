"""MultiRequest: batch builder, typed refs between calls, and the three ways to run a batch.

A :class:`MultiRequest` numbers the calls added to it (1-based, as the server's
placeholders are) and hands back a :class:`Ref` per call. Attribute and index access on a
ref build a placeholder path (``{2:result:objects:0:id}``), checked against the declared
result type and written with wire names. ``execute()`` then runs the batch:

``strategy="server"`` (default)
    one ``POST service/multirequest`` per chunk of at most ``max_batch`` calls; the server
    resolves the placeholders. Refs that cross a chunk boundary are resolved here from the
    earlier chunk's real results and the placeholders renumbered within each chunk; chunks
    that do not depend on each other run concurrently.
``strategy="concurrent"``
    no multirequest at all: each call is sent on its own over the pool as soon as the calls
    it refers to have answered, at most ``limit`` at a time; refs are resolved here.

Both follow the server's substitution rules (wire-protocol §4): a value embedded in a
string is inserted as text, ``_all`` joins with a trailing comma, a missing value is empty.
A call whose input failed gets a :class:`DependencyError`: in the concurrent strategy and
across chunks it is not sent at all; inside one multirequest the server runs it with ``""``
and its own error becomes the ``__cause__``.

Ref paths are checked against the *declared* result class (its fields through the MRO).
A field that only a subclass has is reached with :meth:`Ref.cast` (``ref.cast(MediaEntry)``
on a ``BaseEntry`` result): subclasses are never guessed, because which ones are loaded
depends on what was imported, and a check that depends on import order is no check.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, NoReturn, TypeVar, overload

import anyio
import attrs

from ._call import Call
from ._codec import all_fields, decode, decode_any, is_api_exception, resolve_type
from ._codec._encode import MAX_DEPTH
from ._config import RequestOptions
from ._errors import (
    DependencyError,
    InvalidKSError,
    KalturaError,
    KalturaProtocolError,
    KalturaValidationError,
    RefPathError,
    api_error_from_payload,
)
from ._kind import Kind
from ._model import UNSET, KalturaObject

if TYPE_CHECKING:
    from ._client import KalturaClient
    from ._transport import FilePart

__all__ = [
    "DEFAULT_MAX_BATCH",
    "CallResult",
    "MultiRequest",
    "MultiResponse",
    "Ref",
    "RefPathError",
]

T = TypeVar("T")
Strategy = Literal["server", "concurrent"]

#: Calls per multirequest before a batch is split. Measured on the emulator with 5 ms of
#: injected latency (``benchmarks/bench_multirequest.py``, "max_batch sweep": 500 media.get,
#: chunks running concurrently; a noisy 2-core machine, three runs): chunks of 10 to 50 were
#: 10-50% slower than one 500-call request, chunks of 100 between 0% and 20% slower, and
#: 200 or 500 the same. The emulator runs a request's calls on one core, so it shows only
#: what splitting costs (a round trip and per-request work per chunk), not what it buys: a
#: real server runs a multirequest's calls one after another in one worker, so smaller
#: chunks spread over workers, hold a connection for less time, stay far from gateway
#: timeouts and lose fewer calls when one request fails. 100 is where the measured cost
#: becomes small while chunks stay short.
DEFAULT_MAX_BATCH: Final = 100

# The server's own placeholder regex is greedy (``\{[0-9]+:result:?(.*)?\}``); this one
# finds each placeholder on its own, so a value holding two can be refused.
_PLACEHOLDER: Final = re.compile(r"\{([0-9]+):result(?::([^{}]*))?\}")
_ANGLE: Final = re.compile(r"<([0-9]+):result(?::([^<>{}]*))?>")
_ALL: Final = "_all"


@functools.cache
def _fields_by(cls: type[KalturaObject], key: int) -> dict[str, tuple[str, str, Kind]]:
    """``key`` 0: attribute -> (attr, wire, kind); 1: wire -> (attr, wire, kind)."""
    return {str(spec[key]): (spec[0], spec[1], spec[2]) for spec in all_fields(cls)}


def _step(kind: Kind, segment: str | int, *, wire: bool, where: str) -> tuple[str, Kind, bool]:
    """One path step from a value of ``kind``: (wire segment, new kind, is a join).

    ``wire`` says whether a name segment is a wire name (placeholder strings) or an
    attribute name (ref attribute access).
    """
    if kind is Kind.UNTYPED:
        return (str(segment), Kind.UNTYPED, segment == _ALL)
    if isinstance(segment, int) or (wire and isinstance(segment, str) and segment.isdigit()):
        if kind.tag == "list":
            return (str(segment), kind.item, False)
        raise RefPathError(f"{where}: a {kind.type_name} cannot be indexed", field=where)
    if segment == _ALL:
        if kind.tag == "list":
            return (_ALL, kind.item, True)
        raise RefPathError(f"{where}: _all needs a list, not a {kind.type_name}", field=where)
    if kind.tag == "map":
        return (segment, kind.item, False)
    if kind.tag == "obj":
        cls = resolve_type(kind.name)
        if cls is None:  # a type this process cannot know: nothing to check against
            return (segment, Kind.UNTYPED, False)
        found = _fields_by(cls, 1 if wire else 0).get(segment)
        if found is None:
            raise RefPathError(f"{where}: {cls.__name__} has no field {segment!r}", field=where)
        return (found[1], found[2], False)
    if kind is Kind.ANY:
        raise RefPathError(
            f"{where}: the result is any object; use .cast(SomeType) before its fields",
            field=where,
        )
    raise RefPathError(f"{where}: a {kind.type_name} has no field {segment!r}", field=where)


#: The batch whose calls are being encoded: the only one whose refs become placeholders.
_encoding_batch: ContextVar[object | None] = ContextVar("kaltura_encoding_batch", default=None)


def _encode_in(batch: object, call: Call[Any], options: RequestOptions) -> dict[str, Any]:
    """``call``'s wire parameters, encoded as a call of ``batch``."""
    token = _encoding_batch.set(batch)
    try:
        return call.client.encode_call(call, options)
    finally:
        _encoding_batch.reset(token)


def _placeholder_text(number: int, path: Sequence[str]) -> str:
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
            return self._child(_ALL)
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
        if _encoding_batch.get() is not self._batch:
            return None
        return _placeholder_text(self._number, self._path)

    def __str__(self) -> str:
        return _placeholder_text(self._number, self._path)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"<Ref {self} {self.kind.type_name}>"


T2 = TypeVar("T2")


class CallResult(Generic[T]):
    """The outcome of one call of a batch: a value or an error."""

    __slots__ = ("_value", "call", "error", "number")

    def __init__(
        self, number: int, call: Call[T], value: Any = None, error: KalturaError | None = None
    ) -> None:
        #: 1-based number of the call in its batch (what placeholders use)
        self.number = number
        self.call = call
        self._value = value
        #: the call's error, or None when it succeeded
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def value(self) -> T:
        """The call's result; raises the call's error if it failed."""
        if self.error is not None:
            raise self.error
        return self._value  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        state = "ok" if self.error is None else f"error={type(self.error).__name__}"
        return f"<CallResult {self.number} {self.call.service}.{self.call.action} {state}>"


class MultiResponse(Sequence[CallResult[Any]]):
    """Per-call results in add order.

    A Sequence of :class:`CallResult`: ``results[0]`` is the first call's result (0-based,
    as for any sequence). ``results[ref]`` is the value the ref names (the whole result,
    or the field its path reaches), or raises that call's error.
    """

    __slots__ = ("_batch", "_results")

    def __init__(self, batch: object, results: list[CallResult[Any]]) -> None:
        self._batch = batch
        self._results = results

    def __len__(self) -> int:
        return len(self._results)

    @overload
    def __getitem__(self, key: int) -> CallResult[Any]: ...

    @overload
    def __getitem__(self, key: slice) -> Sequence[CallResult[Any]]: ...

    @overload
    def __getitem__(self, key: Ref[T]) -> T: ...

    def __getitem__(self, key: int | slice | Ref[Any]) -> Any:
        if isinstance(key, Ref):
            if key._batch is not self._batch:
                raise KalturaValidationError(f"{key} belongs to another batch", field=str(key))
            value = self._results[key.number - 1].value
            return _lookup(value, key.path, text=False) if key.path else value
        return self._results[key]

    def __iter__(self) -> Iterator[CallResult[Any]]:
        return iter(self._results)

    @property
    def errors(self) -> list[KalturaError]:
        """The errors of the failed calls, in add order."""
        return [r.error for r in self._results if r.error is not None]

    def raise_for_errors(self) -> None:
        """Raise an ExceptionGroup of every failed call's error (nothing if all succeeded)."""
        errors = self.errors
        if errors:
            raise ExceptionGroup(
                f"{len(errors)} of {len(self._results)} batched calls failed", errors
            )

    def __repr__(self) -> str:
        return f"<MultiResponse {len(self._results)} calls, {len(self.errors)} failed>"


# ---------------------------------------------------------------------------- resolving

_MISSING: Final = object()


def _text(value: Any) -> str:
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


def _lookup(value: Any, path: Sequence[str], *, text: bool) -> Any:
    """Follow a wire path into a decoded result; ``_all`` joins (as text) or lists."""
    for i, seg in enumerate(path):
        if seg == _ALL and isinstance(value, list):
            items = [_lookup(item, path[i + 1 :], text=text) for item in value]
            return "".join(f"{item}," for item in items) if text else items
        if isinstance(value, KalturaObject):
            found = _fields_by(type(value), 1).get(seg)
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
    return _text(value) if text else value


def _coerce(value: Any, kind: Kind) -> Any:
    """A resolved value as an argument of ``kind`` (the server casts its string form)."""
    if kind is Kind.STR:
        return _text(value)
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
        return value if isinstance(value, (str, int, float)) else _text(value)
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


def _walk_params(
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
    return Call(call.client, call.spec, params, call.options) if changed else call


def _server_rules(value: Any, path: str) -> None:
    """Refuse what the server's greedy placeholder regex would mangle (wire §4)."""
    if isinstance(value, str):
        found = list(_PLACEHOLDER.finditer(value))
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
            _server_rules(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _server_rules(v, f"{path}[{i}]")


# ---------------------------------------------------------------------------- the batch


@attrs.define(slots=True)
class _Entry:
    number: int
    call: Call[Any]
    deps: frozenset[int]
    options: RequestOptions
    encoded: dict[str, Any] | None = None


def _check_int(name: str, value: Any, *, optional: bool) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise KalturaValidationError(f"{name} must be an int >= 1", field=name)


def _check_strategy(value: Any) -> Strategy:
    if value not in ("server", "concurrent"):
        raise KalturaValidationError(
            f"strategy must be 'server' or 'concurrent', got {value!r}", field="strategy"
        )
    return value  # type: ignore[no-any-return]


class MultiRequest:
    """A batch of calls with refs between them; see the module docstring.

    ``MultiRequest(client, strategy="server", max_batch=100, limit=None, **options)``:
    ``options`` are request options (``ks``, ``timeout``, ``retry``, ...) for the whole
    batch; a call's own options win for that call.
    """

    def __init__(
        self,
        client: KalturaClient,
        *,
        strategy: Strategy = "server",
        max_batch: int = DEFAULT_MAX_BATCH,
        limit: int | None = None,
        **options: Any,
    ) -> None:
        self._strategy = _check_strategy(strategy)
        _check_int("max_batch", max_batch, optional=False)
        _check_int("limit", limit, optional=True)
        self._client = client
        self._max_batch = max_batch
        self._limit = limit
        self._overrides = RequestOptions().merge(**options)
        self._entries: list[_Entry] = []
        # The identity refs carry to tell their batch apart from any other.
        self._token = object()

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<MultiRequest {len(self._entries)} calls, strategy={self._strategy!r}>"

    # ------------------------------------------------------------------ building

    def add(self, call: Call[T]) -> Ref[T]:
        """Add ``call`` as the next numbered call; returns a ref to its result.

        Checks, before anything is sent: refs point at earlier calls of this batch and at
        paths their result types have; the action may run in a multirequest.
        """
        number = len(self._entries) + 1
        where = f"call {number}"
        if not isinstance(call, Call):
            raise KalturaValidationError(
                f"{where}: expected a Call, got {type(call).__name__}", field=where
            )
        spec = call.spec
        where = f"call {number} ({spec.service}.{spec.action})"
        if call.client.transport is not self._client.transport:
            raise KalturaValidationError(f"{where}: made by another client", field=where)
        if spec.is_serve:
            raise KalturaValidationError(
                f"{where}: a serve action returns a URL and cannot be batched", field=where
            )
        if not spec.multirequest:
            raise KalturaValidationError(
                f"{where}: the schema does not allow this action in a multirequest", field=where
            )
        if self._overrides != RequestOptions():
            base = call.options if call.options is not None else RequestOptions()
            call = Call(call.client, spec, call.params, base.over(self._overrides))
        deps: set[int] = set()
        call = _walk_params(
            call,
            lambda ref, kind: self._accept_ref(ref, kind, number, where, deps),
            lambda text, kind: self._accept_str(text, kind, number, where, deps),
        )
        options = call.client.call_options(call)
        self._entries.append(_Entry(number, call, frozenset(deps), options))
        return Ref(self._token, number, spec.result)

    def _accept_ref(
        self, ref: Ref[Any], kind: Kind, number: int, where: str, deps: set[int]
    ) -> Ref[Any]:
        if ref._batch is not self._token:
            raise KalturaValidationError(f"{where}: {ref} belongs to another batch", field=where)
        if ref.number >= number:
            raise KalturaValidationError(
                f"{where}: {ref} refers to {'itself' if ref.number == number else 'a later call'}",
                field=where,
            )
        if ref.kind is not Kind.UNTYPED and not ref.kind.is_scalar:
            raise KalturaValidationError(
                f"{where}: {ref} names a {ref.kind.type_name}; the server substitutes "
                "only scalar values (take a field of it)",
                field=where,
            )
        deps.add(ref.number)
        return ref

    def _accept_str(
        self, text: str, kind: Kind, number: int, where: str, deps: set[int]
    ) -> str | Ref[Any]:
        if "result" not in text:
            return text
        text = _ANGLE.sub(
            lambda m: _placeholder_text(int(m[1]), m[2].split(":") if m[2] else ()), text
        )
        found = list(_PLACEHOLDER.finditer(text))
        for match in found:
            target = int(match[1])
            if target < 1 or target >= number:
                raise KalturaValidationError(
                    f"{where}: {match[0]} refers to "
                    f"{'no call' if target < 1 else 'itself or a later call'}",
                    field=where,
                )
            ref: Ref[Any] = Ref(self._token, target, self._entries[target - 1].call.spec.result)
            for seg in match[2].split(":") if match[2] else ():
                ref = ref._child(seg, wire=True)
            if match[0] == text:
                # A whole-value placeholder acts as a ref, so it fits an argument of any
                # kind (the codec accepts a placeholder string for str arguments only).
                return self._accept_ref(ref, kind, number, where, deps)
            # Embedded in a longer string, the value goes in as text whatever its kind.
            deps.add(target)
        return text

    # ------------------------------------------------------------------ running

    async def execute(
        self,
        *,
        strategy: Strategy | None = None,
        limit: int | None = None,
        max_batch: int | None = None,
    ) -> MultiResponse:
        """Run the batch; per-call outcomes in add order (see :class:`MultiResponse`)."""
        chosen = self._strategy if strategy is None else _check_strategy(strategy)
        _check_int("limit", limit, optional=True)
        _check_int("max_batch", max_batch, optional=True)
        if not self._entries:
            raise KalturaValidationError("an empty batch: add calls first", field="calls")
        run = _Run(
            self,
            chosen,
            self._limit if limit is None else limit,
            self._max_batch if max_batch is None else max_batch,
        )
        return await run.execute()


_Outcome = CallResult[Any]


class _Run:
    """One execution of a batch: the outcomes so far and the executors."""

    def __init__(self, mr: MultiRequest, strategy: Strategy, limit: int | None, max_batch: int):
        self.mr = mr
        self.client = mr._client
        self.entries = mr._entries
        self.strategy = strategy
        self.limiter = anyio.CapacityLimiter(limit) if limit is not None else None
        self.max_batch = max_batch
        self.outcomes: dict[int, _Outcome] = {}
        self.batch_options = mr._overrides.over(self.client.options)

    def entry(self, number: int) -> _Entry:
        return self.entries[number - 1]

    async def execute(self) -> MultiResponse:
        self.validate()
        if self.strategy == "concurrent":
            groups = [[e.number] for e in self.entries]
            work: Callable[[list[int]], Awaitable[None]] = self.run_single
        else:
            size = self.max_batch
            numbers = [e.number for e in self.entries]
            groups = [numbers[i : i + size] for i in range(0, len(numbers), size)]
            work = self.run_chunk
        await self.run_graph(groups, work)
        return MultiResponse(self.mr._token, [self.outcomes[e.number] for e in self.entries])

    def validate(self) -> None:
        """Encode every call now so that bad input fails before any I/O."""
        for entry in self.entries:
            entry.encoded = _encode_in(self.mr._token, entry.call, entry.options)
            if self.strategy == "server":
                where = f"call {entry.number} ({entry.call.service}.{entry.call.action})"
                _server_rules(entry.encoded, where)

    async def run_graph(
        self, groups: list[list[int]], work: Callable[[list[int]], Awaitable[None]]
    ) -> None:
        """Run each group once the groups holding its dependencies are done."""
        group_of = {n: g for g, members in enumerate(groups) for n in members}
        done = [anyio.Event() for _ in groups]
        shared = self.client.limiter

        async def one(g: int) -> None:
            try:
                needs = {group_of[d] for n in groups[g] for d in self.entry(n).deps} - {g}
                for d in sorted(needs):
                    await done[d].wait()
                if self.limiter is not None:
                    async with self.limiter, shared:
                        await work(groups[g])
                else:
                    async with shared:
                        await work(groups[g])
            finally:
                done[g].set()

        async with anyio.create_task_group() as tg:
            for g in range(len(groups)):
                tg.start_soon(one, g)

    # ------------------------------------------------------------------ outcomes

    def failed_dep(self, entry: _Entry) -> int | None:
        for d in sorted(entry.deps):
            got = self.outcomes.get(d)
            if got is not None and not got.ok:
                return d
        return None

    def dependency_error(self, entry: _Entry, dep: int) -> DependencyError:
        cause = self.outcomes[dep].error
        other = self.entry(dep).call
        code = getattr(cause, "code", type(cause).__name__)
        return DependencyError(
            f"call {entry.number} ({entry.call.service}.{entry.call.action}) used the result "
            f"of call {dep} ({other.service}.{other.action}), which failed ({code})",
            dependency=dep,
        )

    def finish(self, entry: _Entry, value: Any, error: KalturaError | None) -> None:
        """Record an outcome; a failure whose input had failed becomes a DependencyError."""
        if error is not None:
            dep = self.failed_dep(entry)
            if dep is not None:
                wrapped = self.dependency_error(entry, dep)
                wrapped.__cause__ = error
                error = wrapped
        self.outcomes[entry.number] = CallResult(entry.number, entry.call, value, error)

    def skip(self, entry: _Entry, dep: int) -> None:
        """A call whose input failed is not sent."""
        error = self.dependency_error(entry, dep)
        error.__cause__ = self.outcomes[dep].error
        self.outcomes[entry.number] = CallResult(entry.number, entry.call, None, error)

    def rewrite(self, entry: _Entry, renumber: Mapping[int, int]) -> Call[Any]:
        """The call with refs to finished calls replaced by their values and the other
        refs renumbered (``renumber``: batch number -> number in this request)."""

        def on_ref(ref: Ref[Any], kind: Kind) -> Any:
            if ref.number in renumber:
                return ref._renumbered(renumber[ref.number])
            value = self.outcomes[ref.number].value
            if ref._joined:
                return _coerce(_lookup(value, ref.path, text=True), kind)
            return _coerce(_lookup(value, ref.path, text=False), kind)

        def on_str(text: str, kind: Kind) -> str:
            if "result" not in text:
                return text

            def sub(m: re.Match[str]) -> str:
                n = int(m[1])
                if n in renumber:
                    return _placeholder_text(renumber[n], m[2].split(":") if m[2] else ())
                value = self.outcomes[n].value
                return str(_lookup(value, m[2].split(":") if m[2] else (), text=True))

            return _PLACEHOLDER.sub(sub, text)

        return _walk_params(entry.call, on_ref, on_str)

    # ------------------------------------------------------------------ concurrent

    async def run_single(self, numbers: list[int]) -> None:
        entry = self.entry(numbers[0])
        dep = self.failed_dep(entry)
        if dep is not None:
            self.skip(entry, dep)
            return
        call = self.rewrite(entry, {}) if entry.deps else entry.call
        try:
            value = await call
        except KalturaError as err:
            self.finish(entry, None, err)
        else:
            self.finish(entry, value, None)

    # ------------------------------------------------------------------ server

    async def run_chunk(self, numbers: list[int], *, may_renew: bool = True) -> None:
        sent: list[_Entry] = []
        for n in numbers:
            entry = self.entry(n)
            dep = self.failed_dep(entry)
            if dep is not None:
                self.skip(entry, dep)
            else:
                sent.append(entry)
        if not sent:
            return
        renumber = {e.number: i for i, e in enumerate(sent, start=1)}
        common_ks = await self.client.resolve_ks(self.batch_options)
        body: dict[str, Any] = {}
        if common_ks is not None:
            body["ks"] = common_ks
        if self.batch_options.partner_id is not None:
            body["partnerId"] = self.batch_options.partner_id
        if self.batch_options.client_tag:
            body["clientTag"] = self.batch_options.client_tag
        files: list[FilePart] = []
        provider_ks: dict[int, str] = {}
        for local, entry in enumerate(sent, start=1):
            params = (
                entry.encoded
                if entry.encoded is not None
                and entry.deps <= renumber.keys()
                and all(renumber[d] == d for d in entry.deps)
                and renumber[entry.number] == entry.number
                else None
            )
            call = entry.call
            if params is None:
                call = self.rewrite(entry, renumber)
                params = _encode_in(self.mr._token, call, entry.options)
            sub: dict[str, Any] = {"service": entry.call.service, "action": entry.call.action}
            for key, value in params.items():
                # Inherited from the common level by the server: send once, not per call.
                if key in ("partnerId", "clientTag") and body.get(key) == value:
                    continue
                sub[key] = value
            ks = await call.client.resolve_ks(entry.options)
            if ks is not None and ks != common_ks:
                sub["ks"] = ks
            if ks is not None and call.client.uses_provider(entry.options):
                provider_ks[local] = ks
            body[str(local)] = sub
            files.extend(call.client.file_parts(call, prefix=f"{local}:"))
        safe = all(
            e.call.spec.safe if e.options.idempotent is None else e.options.idempotent for e in sent
        )
        if self.batch_options.idempotent is not None:
            safe = self.batch_options.idempotent
        assert self.batch_options.retry is not None
        try:
            raw = await self.client.transport.post(
                "multirequest",
                None,
                body,
                files=files or None,
                safe=safe,
                retry=self.batch_options.retry,
                timeout=self.batch_options.timeout,
            )
            answers = self.split(raw, sent)
        except KalturaError as err:
            for entry in sent:
                self.finish(entry, None, err)
            return
        if may_renew and provider_ks and await self.renewed(answers, provider_ks):
            # Every sub-call that carried the provider's KS was refused with INVALID_KS:
            # the server checks a sub-call's KS before running it, so none of them ran and
            # sending them again with the renewed KS cannot duplicate a write. The others
            # keep their answers; refs to them are resolved here in the second request.
            again = [sent[local - 1].number for local in sorted(provider_ks)]
            for local, entry in enumerate(sent, start=1):
                if local not in provider_ks:
                    self.finish(entry, *answers[local - 1])
            await self.run_chunk(again, may_renew=False)
            return
        for entry, (value, error) in zip(sent, answers, strict=True):
            self.finish(entry, value, error)

    async def renewed(
        self, answers: list[tuple[Any, KalturaError | None]], provider_ks: Mapping[int, str]
    ) -> bool:
        if not all(isinstance(answers[i - 1][1], InvalidKSError) for i in provider_ks):
            return False
        provider = self.client.ks_provider
        if provider is None:
            return False
        view = self.client._provider_view()
        changed = False
        for ks in set(provider_ks.values()):
            changed = (await provider.renew(view, ks)) != ks or changed
        return changed

    def split(self, raw: Any, sent: list[_Entry]) -> list[tuple[Any, KalturaError | None]]:
        """The multirequest answer as one (value, error) per sent call."""
        if is_api_exception(raw):  # the whole request was refused
            raise api_error_from_payload(raw, service="multirequest")
        if not isinstance(raw, list):
            raise KalturaProtocolError(
                f"a multirequest answered a {type(raw).__name__}, not a list"
            )
        if len(raw) != len(sent):
            raise KalturaProtocolError(
                f"a multirequest of {len(sent)} calls answered {len(raw)} results "
                "(the server stops silently at the first sub-request it cannot read)"
            )
        out: list[tuple[Any, KalturaError | None]] = []
        for entry, element in zip(sent, raw, strict=True):
            spec = entry.call.spec
            if is_api_exception(element):
                out.append(
                    (
                        None,
                        api_error_from_payload(element, service=spec.service, action=spec.action),
                    )
                )
                continue
            try:
                value = (
                    decode_any(element)
                    if spec.result is Kind.UNTYPED
                    else decode(spec.result, element)
                )
            except KalturaProtocolError as err:
                out.append((None, err))
            else:
                out.append((value, None))
        return out
