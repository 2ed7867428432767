"""MultiRequest: the batch builder. Calls are numbered as added; refs tie them together.

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

Refs live in ``_refs``, results in ``_results``, the two strategies in ``_executor``.
Ref paths are checked against the *declared* result class (its fields through the MRO).
A field that only a subclass has is reached with :meth:`Ref.cast` (``ref.cast(MediaEntry)``
on a ``BaseEntry`` result): subclasses are never guessed, because which ones are loaded
depends on what was imported, and a check that depends on import order is no check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, TypeVar, Unpack

from ._call import Call
from ._checks import check_int, check_optional_int
from ._config import OptionChanges, RequestOptions, option_changes
from ._errors import KalturaValidationError
from ._executor import Entry, Run, Strategy
from ._kind import Kind
from ._pipeline import effective_options
from ._refs import (
    ANGLE,
    PLACEHOLDER,
    Ref,
    placeholder_text,
    walk_params,
)
from ._results import CallResult, MultiResponse

if TYPE_CHECKING:
    from ._client import KalturaClient


class BatchOptions(OptionChanges, total=False):
    """``client.multirequest`` / ``client.batch`` keywords: how to run, and the options."""

    strategy: Strategy
    max_batch: int
    limit: int | None


__all__ = [
    "BatchOptions",
    "DEFAULT_MAX_BATCH",
    "CallResult",
    "MultiRequest",
    "MultiResponse",
    "Ref",
    "Strategy",
]

T = TypeVar("T")

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

# ---------------------------------------------------------------------------- the batch


def _check_strategy(value: Any) -> Strategy:
    if value not in ("server", "concurrent"):
        raise KalturaValidationError(
            f"strategy must be 'server' or 'concurrent', got {value!r}", field="strategy"
        )
    return value  # type: ignore[no-any-return]


class MultiRequest:
    """A batch of calls with refs between them; see the module docstring.

    ``MultiRequest(client, strategy="server", max_batch=100, limit=None, **options)``:
    ``options`` are the ``with_options`` keywords (``ks``, ``timeout``, ``retry``, ...)
    for the whole batch; a call's own options win for that call.
    """

    def __init__(
        self,
        client: KalturaClient,
        *,
        strategy: Strategy = "server",
        max_batch: int = DEFAULT_MAX_BATCH,
        limit: int | None = None,
        **options: Unpack[OptionChanges],
    ) -> None:
        self._strategy = _check_strategy(strategy)
        check_int(max_batch, "max_batch", low=1)
        check_optional_int(limit, "limit", low=1)
        self._client = client
        self._max_batch = max_batch
        self._limit = limit
        self._overrides = RequestOptions().merge(**option_changes(options))
        self._entries: list[Entry] = []
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
        call = walk_params(
            call,
            lambda ref, kind: self._accept_ref(ref, kind, number, where, deps),
            lambda text, kind: self._accept_str(text, kind, number, where, deps),
        )
        options = effective_options(call)
        self._entries.append(Entry(number, call, frozenset(deps), options))
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
        text = ANGLE.sub(
            lambda m: placeholder_text(int(m[1]), m[2].split(":") if m[2] else ()), text
        )
        found = list(PLACEHOLDER.finditer(text))
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
        check_optional_int(limit, "limit", low=1)
        check_optional_int(max_batch, "max_batch", low=1)
        if not self._entries:
            raise KalturaValidationError("an empty batch: add calls first", field="calls")
        run = Run(
            self,
            chosen,
            self._limit if limit is None else limit,
            self._max_batch if max_batch is None else max_batch,
        )
        return await run.execute()
