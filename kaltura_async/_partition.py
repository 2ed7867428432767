"""Partitioned scans: one entry list split into disjoint ``createdAt`` windows.

``await client.partition(client.media.list(filter=...), parts=4)`` returns up to four
:class:`Partition` objects. Each holds the same list call narrowed to a window of
``createdAt`` seconds (``createdAtGreaterThanOrEqual`` .. ``createdAtLessThanOrEqual``, both
inclusive), and the windows are sized from count queries so that each holds about the same
number of entries. N workers can then walk N partitions at once, each with the cursor walk
(:meth:`Partition.paginate`), which goes past the server's 10,000-result window.

The windows tile the filter's own range without gaps or overlap: the first keeps the
filter's lower bound (or none), the last keeps its upper bound (or none, so entries created
while the scan runs land in it). Every entry the filter matches is in exactly one window.

Count queries are one-item list requests (``pageSize=1``) whose ``totalCount`` is read:
one for the smallest ``createdAt``, one for the largest, then a binary search over seconds
per boundary (about ``log2`` of the span in seconds each, run concurrently).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ._call import Call
from ._errors import KalturaProtocolError, KalturaValidationError
from ._kind import Kind
from ._model import UNSET, KalturaObject
from ._pagination import MAX_PAGE_SIZE, Paginator, filter_fields, page_objects, page_total

if TYPE_CHECKING:
    from ._client import KalturaClient

__all__ = ["MAX_PARTS", "Partition", "partition"]

T = TypeVar("T")

#: More windows than this buys nothing: each costs a binary search of count queries.
MAX_PARTS = 1024

_GE = "createdAtGreaterThanOrEqual"
_LE = "createdAtLessThanOrEqual"
_ORDER = "orderBy"


@attrs.frozen(repr=False)
class Partition(Generic[T]):
    """One ``createdAt`` window of a list call.

    ``created_at_from`` / ``created_at_to`` are inclusive Unix seconds (None: unbounded on
    that side); ``estimated`` is the number of entries the count queries found in the
    window when it was planned; ``call`` is the list call narrowed to the window.
    """

    index: int
    parts: int
    created_at_from: int | None
    created_at_to: int | None
    estimated: int
    call: Call[T]

    def paginate(self, page_size: int = MAX_PAGE_SIZE) -> Paginator[T]:
        """The cursor walk over this window (past the 10,000-result window)."""
        return self.call.client.paginate(self.call, page_size=page_size, strategy="cursor")

    def __repr__(self) -> str:
        return (
            f"<Partition {self.index + 1}/{self.parts} createdAt "
            f"{self.created_at_from}..{self.created_at_to} ~{self.estimated} "
            f"{self.call.service}.{self.call.action}>"
        )


class _Window:
    """Reads and rewrites the ``createdAt`` bounds and order of a call's filter."""

    def __init__(self, call: Call[Any]) -> None:
        self.call = call
        self.filter, self.attrs = filter_fields(call, (_GE, _LE, _ORDER), "partition()")
        self.lower = self._bound(_GE)
        self.upper = self._bound(_LE)

    def _bound(self, wire: str) -> int | None:
        if isinstance(self.filter, KalturaObject):
            value = getattr(self.filter, self.attrs[wire])
        else:
            value = self.filter.get(wire)
        if value is None or value is UNSET:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise KalturaValidationError(
                f"filter {wire} must be an int (Unix seconds), got {value!r}",
                field=f"filter.{wire}",
            )
        return value

    def with_filter(self, changes: Mapping[str, Any]) -> Call[Any]:
        if isinstance(self.filter, KalturaObject):
            # UNSET keeps a bound off the wire (None would send it as null).
            fields: dict[str, Any] = {
                self.attrs[k]: UNSET if v is None else v for k, v in changes.items()
            }
            new: Any = attrs.evolve(self.filter, **fields)
        else:
            new = {**self.filter, **{k: v for k, v in changes.items() if v is not None}}
            for key, value in changes.items():
                if value is None:
                    new.pop(key, None)
        params = dict(self.call.params)
        params["filter"] = new
        return Call(self.call.client, self.call.spec, params, self.call.options)

    def probe(self, **changes: Any) -> Call[Any]:
        """A one-item list request: its ``totalCount`` is the count, its item the extreme."""
        from .types import FilterPager

        call = self.with_filter(changes)
        params = dict(call.params)
        params["pager"] = FilterPager(page_size=1, page_index=1)
        return Call(call.client, call.spec, params, call.options)


def _created_at(item: Any) -> int:
    value = (
        item.get("createdAt") if isinstance(item, Mapping) else getattr(item, "created_at", None)
    )
    if isinstance(value, bool) or not isinstance(value, int):
        raise KalturaProtocolError(
            f"partition() needs items with an int createdAt (entries); got {type(item).__name__}"
        )
    return value


async def partition(client: KalturaClient, list_call: Call[T], *, parts: int) -> list[Partition[T]]:
    """Split ``list_call`` into at most ``parts`` disjoint ``createdAt`` windows.

    Fewer windows come back when the entries cannot be split further (fewer entries than
    parts, or most of them in one second). Raises :class:`KalturaValidationError` before
    any I/O when ``parts`` is not an int from 1 to :data:`MAX_PARTS`, or when the call is
    not an entry list with a pager and a filter that has ``createdAt`` bounds and
    ``orderBy``. See :mod:`kaltura_async._partition`.
    """
    if not isinstance(list_call, Call):
        raise KalturaValidationError(
            f"partition() needs a list Call (e.g. client.media.list(...)), got {type(list_call).__name__}",
            field="list_call",
        )
    if isinstance(parts, bool) or not isinstance(parts, int) or not 1 <= parts <= MAX_PARTS:
        raise KalturaValidationError(f"parts must be an int from 1 to {MAX_PARTS}", field="parts")
    if list_call.spec.result is not Kind.UNTYPED:
        names = {name for name, _ in list_call.spec.params}
        if "pager" not in names or "filter" not in names:
            raise KalturaValidationError(
                f"{list_call.service}.{list_call.action} takes no filter and pager: "
                "it cannot be partitioned",
                field="list_call",
            )
    window = _Window(list_call)
    lower, upper = window.lower, window.upper
    counts: dict[int, int] = {}

    first, last = await client.gather(
        window.probe(**{_ORDER: "+createdAt"}), window.probe(**{_ORDER: "-createdAt"})
    )
    total = page_total(first)
    first_items, last_items = page_objects(first), page_objects(last)
    if total is None:
        raise KalturaProtocolError(
            f"{list_call.service}.{list_call.action} returned no totalCount to size windows"
        )
    whole = [Partition(0, 1, lower, upper, total, list_call)]
    if parts == 1 or total <= 1 or not first_items or not last_items:
        return whole
    low, high = _created_at(first_items[0]), _created_at(last_items[0])
    counts[high] = total

    async def count_upto(second: int) -> int:
        if second not in counts:
            page = await window.probe(**{_LE: second})
            found = page_total(page)
            if found is None:
                raise KalturaProtocolError(
                    f"{list_call.service}.{list_call.action} returned no totalCount"
                )
            counts[second] = found
        return counts[second]

    async def boundary(target: int) -> int:
        """The smallest second whose running count reaches ``target``."""
        lo, hi = low, high
        while lo < hi:
            mid = (lo + hi) // 2
            if await count_upto(mid) >= target:
                hi = mid
            else:
                lo = mid + 1
        return lo

    targets = [-(-total * k // parts) for k in range(1, parts)]
    found = await client.gather(*(boundary(t) for t in targets))
    cuts = sorted({b for b in found if b < high})
    if not cuts:
        return whole
    result: list[Partition[T]] = []
    previous: int | None = None
    bounds = [*cuts, None]
    for index, cut in enumerate(bounds):
        start = lower if previous is None else previous + 1
        end = upper if cut is None else cut
        below = 0 if previous is None else counts[previous]
        above = total if cut is None else counts[cut]
        call: Call[T] = window.with_filter({_GE: start, _LE: end})
        result.append(Partition(index, len(bounds), start, end, above - below, call))
        previous = cut
    return result
