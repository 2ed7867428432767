"""Batch results: one :class:`CallResult` per call, and the :class:`MultiResponse` that
holds them in add order and answers ``results[ref]``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

from ._call import Call
from ._errors import KalturaError, KalturaValidationError
from ._refs import Ref, lookup

__all__ = ["CallResult", "MultiResponse"]

T = TypeVar("T")


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
            return lookup(value, key.path, text=False) if key.path else value
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
