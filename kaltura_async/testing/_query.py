"""List queries over the store: sorted indexes, range seeks, exact totals, the pager rules.

A list is answered from a sorted index of the store (per store, visibility rule and
``orderBy``), built once and kept until the store changes: the state's ``generation`` moves on
every write, and an index of an older generation is rebuilt on next use. A range filter on the
first ``orderBy`` field (``createdAtGreaterThanOrEqual`` with ``+createdAt``, the cursor walk
of a long list) becomes a binary search; ``idIn`` / ``idEqual`` read the few objects named;
``idNotIn`` / ``idNotEqual`` alone are subtracted by lookup. Other conditions scan only the
range the seek left. A page therefore costs O(log n + page) for a cursor walk instead of a
sort of the whole store.

Ordering follows the server's ``+field,-field`` strings: objects without the field come last
in either direction, and ties keep creation order (newest first when the first field sorts
descending). Pager (``api_v3/lib/types/KalturaPager.php``): ``pageSize`` defaults to 30 and is
capped at 500, ``pageIndex`` starts at 1; asking past the 10,000th match raises
``QUERY_EXCEEDED_MAX_MATCHES_ALLOWED``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import api_error
from ._filters import RANGE_OPS, Condition, compile_conditions

if TYPE_CHECKING:
    from ._state import State

__all__ = [
    "MAX_MATCHES",
    "PAGE_SIZE_DEFAULT",
    "PAGE_SIZE_MAX",
    "order_specs",
    "pager_window",
    "query",
    "sort_items",
]

MAX_MATCHES = 10_000
PAGE_SIZE_DEFAULT = 30
PAGE_SIZE_MAX = 500

#: indexes kept at once (one per store, visibility rule and orderBy in use)
_MAX_INDEXES = 64

Predicate = Callable[[dict[str, Any]], bool]
OrderSpec = tuple[tuple[str, bool], ...]  # (field, descending) pairs


def order_specs(order_by: Any, default: str) -> OrderSpec:
    """``"+name,-createdAt"`` -> ``(("name", False), ("createdAt", True))``."""
    for text in (order_by, default):
        specs = tuple(
            (part.lstrip("+-"), part.startswith("-"))
            for part in (p.strip() for p in str(text or "").split(","))
            if part.lstrip("+-")
        )
        if specs:
            return specs
    return (("createdAt", True),)


def _rank(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    return (2, str(value))


def sort_items(items: list[dict[str, Any]], specs: OrderSpec) -> None:
    """Sort in place by ``specs``; objects lacking a field go last; ties by creation order."""
    items.sort(key=lambda it: it.get("_seq", 0), reverse=specs[0][1])
    for name, desc in reversed(specs):
        present = [it for it in items if it.get(name) is not None]
        if len(present) != len(items):
            absent = [it for it in items if it.get(name) is None]
        else:
            absent = []
        present.sort(key=lambda it: _rank(it[name]), reverse=desc)
        items[:] = present + absent


def pager_window(pager: Mapping[str, Any] | None) -> tuple[int, int]:
    """(offset, size) of a ``KalturaFilterPager``, with the server's defaults and limits."""
    size = _int((pager or {}).get("pageSize"))
    index = _int((pager or {}).get("pageIndex"))
    if size <= 0:
        size = PAGE_SIZE_DEFAULT
    size = min(size, PAGE_SIZE_MAX)
    index = max(index, 1)
    if index * size > MAX_MATCHES:
        raise api_error("QUERY_EXCEEDED_MAX_MATCHES_ALLOWED")
    return (index - 1) * size, size


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


@dataclass(slots=True)
class _Index:
    generation: int
    items: list[dict[str, Any]]
    #: primary-field values as numbers (negated when descending), for the leading ``present``
    #: items; None when the field holds anything but numbers
    keys: list[float] | None


def _build(store: Mapping[Any, dict[str, Any]], base: Predicate | None, specs: OrderSpec) -> _Index:
    items = [it for it in store.values() if base is None or base(it)]
    sort_items(items, specs)
    field, desc = specs[0]
    keys: list[float] | None = []
    for it in items:
        value = it.get(field)
        if value is None:
            break
        if isinstance(value, bool) or not isinstance(value, int | float):
            keys = None
            break
        assert keys is not None
        keys.append(-value if desc else value)
    return _Index(0, items, keys)


def _index(
    state: State,
    store: Mapping[Any, dict[str, Any]],
    cache_key: Hashable,
    base: Predicate | None,
    specs: OrderSpec,
) -> _Index:
    key = (cache_key, specs)
    found = state.indexes.get(key)
    if found is None or found.generation != state.generation:
        if len(state.indexes) >= _MAX_INDEXES:  # many viewers or orders: keep memory bounded
            for stale in [k for k, v in state.indexes.items() if v.generation != state.generation]:
                del state.indexes[stale]
            if len(state.indexes) >= _MAX_INDEXES:
                state.indexes.clear()
        found = _build(store, base, specs)
        found.generation = state.generation
        state.indexes[key] = found
    return found


def _seek(index: _Index, conds: list[Condition], desc: bool) -> tuple[int, int]:
    """The slice of the index the range conditions on its first field allow."""
    keys = index.keys
    assert keys is not None
    lo, hi = 0, len(keys)
    for cond in conds:
        value = -cond.value if desc else cond.value
        op = cond.op
        if desc:  # a bound on the value is the mirrored bound on its negation
            op = {
                "GreaterThanOrEqual": "LessThanOrEqual",
                "GreaterThan": "LessThan",
                "LessThanOrEqual": "GreaterThanOrEqual",
                "LessThan": "GreaterThan",
            }[op]
        if op == "GreaterThanOrEqual":
            lo = max(lo, bisect_left(keys, value))
        elif op == "GreaterThan":
            lo = max(lo, bisect_right(keys, value))
        elif op == "LessThanOrEqual":
            hi = min(hi, bisect_right(keys, value))
        else:
            hi = min(hi, bisect_left(keys, value))
    return lo, max(lo, hi)


def _lookup(store: Mapping[Any, dict[str, Any]], ident: str) -> dict[str, Any] | None:
    found = store.get(ident)
    if found is None and ident.lstrip("-").isdigit():
        found = store.get(int(ident))
    return found


def _id_set(conditions: list[Condition], id_field: str, ops: tuple[str, ...]) -> set[str] | None:
    chosen: set[str] | None = None
    for cond in conditions:
        if cond.field == id_field and cond.op in ops and not cond.or_null:
            values = {cond.value} if isinstance(cond.value, str) else set(cond.value)
            chosen = values if chosen is None else chosen & values
    return chosen


def query(
    state: State,
    store: Mapping[Any, dict[str, Any]],
    *,
    cache_key: Hashable,
    conditions: list[Condition],
    order_by: Any,
    default_order: str,
    pager: Mapping[str, Any] | None,
    base: Predicate | None = None,
    id_field: str | None = "id",
    paged: bool = True,
    extra: Predicate | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of the objects of ``store`` that pass ``base`` and ``conditions``, and the total.

    ``cache_key`` names the store and the ``base`` rule (two calls with the same key must use
    the same rule). ``id_field`` is the field the store is keyed by (None: not keyed by a field).
    With ``paged=False`` every match is returned. ``extra`` is one more test that is not a
    filter property (free text, for example).
    """
    specs = order_specs(order_by, default_order)
    offset, size = pager_window(pager) if paged else (0, -1)
    if id_field is not None:
        named = _id_set(conditions, id_field, ("Equal", "In"))
        if named is not None:
            test = _and(compile_conditions(conditions), extra)
            found = [
                it
                for ident in named
                if (it := _lookup(store, ident)) is not None
                and (base is None or base(it))
                and (test is None or test(it))
            ]
            sort_items(found, specs) if found else None
            return _window(found, offset, size), len(found)
    index = _index(state, store, cache_key, base, specs)
    first, desc = specs[0]
    ranged = [c for c in conditions if c.field == first and c.op in RANGE_OPS and not c.or_null]
    if ranged and index.keys is not None:
        lo, hi = _seek(index, ranged, desc)
        rest = [c for c in conditions if c not in ranged]
    else:
        lo, hi, rest = 0, len(index.items), conditions
    excluded: set[str] | None = None
    if id_field is not None and rest and extra is None:
        excluded = _id_set(rest, id_field, ("NotEqual", "NotIn"))
        if excluded is not None and all(
            c.field == id_field and c.op in ("NotEqual", "NotIn") and not c.or_null for c in rest
        ):
            return _subtract(store, index, lo, hi, excluded, ranged, base, offset, size)
    test = _and(compile_conditions(rest), extra)
    window = index.items[lo:hi] if (lo, hi) != (0, len(index.items)) else index.items
    matches = window if test is None else [it for it in window if test(it)]
    return _window(matches, offset, size), len(matches)


def _and(first: Predicate | None, second: Predicate | None) -> Predicate | None:
    if first is None or second is None:
        return first or second
    return lambda it: first(it) and second(it)


def _window(items: list[dict[str, Any]], offset: int, size: int) -> list[dict[str, Any]]:
    if size < 0:
        return list(items)
    return items[offset : offset + size]


def _subtract(
    store: Mapping[Any, dict[str, Any]],
    index: _Index,
    lo: int,
    hi: int,
    excluded: set[str],
    ranged: list[Condition],
    base: Predicate | None,
    offset: int,
    size: int,
) -> tuple[list[dict[str, Any]], int]:
    """A range minus a few ids: the total by lookup, the page by skipping the excluded."""
    in_range = compile_conditions(ranged)
    gone = 0
    excluded_objects = set()
    for ident in excluded:
        it = _lookup(store, ident)
        if it is not None and (base is None or base(it)) and (in_range is None or in_range(it)):
            gone += 1
            excluded_objects.add(id(it))
    total = hi - lo - gone
    out: list[dict[str, Any]] = []
    skip = offset
    for position in range(lo, hi):
        it = index.items[position]
        if id(it) in excluded_objects:
            continue
        if skip:
            skip -= 1
            continue
        if size >= 0 and len(out) >= size:
            break
        out.append(it)
    return out, total
