"""Paginator: async iteration over the items and pages of any list action.

``client.paginate(client.media.list(filter=...), page_size=500)`` returns a
:class:`Paginator`. ``async for entry in paginator`` yields items across pages;
``async for page in paginator.pages()`` yields the list responses themselves.

Two strategies:

``"pages"`` (default)
    ``pageIndex`` 1, 2, 3... Works for every list action, but the server refuses to page
    past its 10,000-result window (``QUERY_EXCEEDED_MAX_MATCHES_ALLOWED``).
``"cursor"``
    For entry lists (any filter with ``createdAtGreaterThanOrEqual``,
    ``createdAtLessThanOrEqual``, ``idNotIn`` and ``orderBy``): every request asks for page 1
    ordered by ``+createdAt``, starting at the last ``createdAt`` seen. Entries of that
    boundary second that were already yielded come back and are dropped; when they would
    fill half a page or more, that second is paged on its own (``pageIndex`` within it) and
    the cursor steps past it. Ids already seen are never sent in ``idNotIn``: the server keeps
    only the first 150 values of an In/NotIn list for entry lists
    (``plugins/search/providers/sphinx_search/lib/SphinxCriterion.php``). The window never
    fills (unless one second holds more than 10,000 entries).

Only one page is held at a time: a page is dropped before the next one is requested. The
cursor also keeps the ids of the entries that share the newest ``createdAt`` second.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar

import attrs

from ._call import Call
from ._codec import all_fields, resolve_type
from ._errors import KalturaPaginationError, KalturaProtocolError, KalturaValidationError
from ._kind import Kind
from ._model import UNSET, KalturaObject, UnsetType

if TYPE_CHECKING:
    from ._client import KalturaClient

__all__ = ["MAX_PAGE_SIZE", "Paginator", "Strategy"]

Strategy = Literal["pages", "cursor"]

#: The server caps ``pageSize`` at 500 (``KalturaFilterPager``).
MAX_PAGE_SIZE = 500

# Wire names the cursor strategy drives on the filter.
_SINCE = "createdAtGreaterThanOrEqual"
_NOT_IN = "idNotIn"
_ORDER = "orderBy"
_UNTIL = "createdAtLessThanOrEqual"
_ASCENDING = "+createdAt"

PageT = TypeVar("PageT", covariant=True)
ItemT = TypeVar("ItemT")
P = TypeVar("P")
ItemT_co = TypeVar("ItemT_co", covariant=True)


class ListPage(Protocol[ItemT_co]):
    """What a list action answers (``MediaListResponse``...): its items in ``objects``."""

    @property
    def objects(self) -> Sequence[ItemT_co] | UnsetType | None: ...


class Paginator(Generic[PageT]):
    """Items and pages of one list call. Iterate it once per loop; each loop starts over.

    ``pages_fetched`` counts requests sent so far; ``total_count`` is the ``totalCount`` of
    the first page (for the cursor strategy: the matches of the original filter).
    """

    def __init__(
        self,
        client: KalturaClient,
        call: Call[PageT],
        *,
        page_size: int = MAX_PAGE_SIZE,
        strategy: Strategy = "pages",
    ) -> None:
        if not isinstance(call, Call):
            raise KalturaValidationError(
                f"paginate() needs a list Call (e.g. client.media.list(...)), got {type(call).__name__}",
                field="list_call",
            )
        if (
            isinstance(page_size, bool)
            or not isinstance(page_size, int)
            or not 1 <= page_size <= MAX_PAGE_SIZE
        ):
            raise KalturaValidationError(
                f"page_size must be an int from 1 to {MAX_PAGE_SIZE}", field="page_size"
            )
        if strategy not in ("pages", "cursor"):
            raise KalturaValidationError(
                f"strategy must be 'pages' or 'cursor', got {strategy!r}", field="strategy"
            )
        typed = call.spec.result is not Kind.UNTYPED
        names = {name for name, _ in call.spec.params}
        if typed and "pager" not in names:
            raise KalturaValidationError(
                f"{call.service}.{call.action} takes no pager: it cannot be paginated",
                field="list_call",
            )
        if strategy == "cursor" and typed and "filter" not in names:
            raise KalturaValidationError(
                f"{call.service}.{call.action} takes no filter: use strategy='pages'",
                field="strategy",
            )
        self._client = client
        self._call = call
        self.page_size = page_size
        self.strategy: Strategy = strategy
        self.pages_fetched = 0
        self.total_count: int | None = None
        if strategy == "cursor":
            # Fail before any I/O when the filter cannot drive a cursor.
            _CursorFilter(call, page_size)

    def __repr__(self) -> str:
        return (
            f"<Paginator {self._call.service}.{self._call.action} "
            f"page_size={self.page_size} strategy={self.strategy!r}>"
        )

    def __aiter__(self: Paginator[ListPage[ItemT]]) -> AsyncIterator[ItemT]:
        """The items of every page: ``MediaEntry`` for a ``media.list`` call."""
        return self._items()

    async def _items(self) -> AsyncIterator[Any]:
        pages = self.pages()
        try:
            while True:
                try:
                    page = await anext(pages)
                except StopAsyncIteration:
                    return
                objects = page_objects(page)
                # Drop the page itself: only its items stay alive while they are yielded,
                # and they go before the next request is sent.
                del page
                for item in objects:
                    yield item
                del objects
        finally:
            await pages.aclose()

    def pages(self) -> AsyncGenerator[PageT, None]:
        """The list responses, one request per page."""
        if self.strategy == "cursor":
            return self._cursor_pages()
        return self._index_pages()

    def _request(self, params: dict[str, Any], page_index: int) -> Call[PageT]:
        from .types import FilterPager

        params["pager"] = FilterPager(page_size=self.page_size, page_index=page_index)
        return Call(self._client, self._call.spec, params, self._call.options)

    async def _fetch(self, params: dict[str, Any], page_index: int) -> PageT:
        page = await self._request(params, page_index)
        self.pages_fetched += 1
        if self.total_count is None:
            self.total_count = page_total(page)
        return page

    async def _index_pages(self) -> AsyncGenerator[PageT, None]:
        seen = 0
        index = 1
        # One fingerprint per page (not the items): a page equal to an earlier one brings
        # nothing new, so a server that ignores pageIndex cannot loop the walk forever.
        fingerprints: set[int] = set()
        while True:
            page = await self._fetch(dict(self._call.params), index)
            objects = page_objects(page)
            count = len(objects)
            total = page_total(page)
            if count:
                fingerprint = hash(tuple(_fingerprint(item) for item in objects))
                if fingerprint in fingerprints:
                    raise KalturaPaginationError(
                        f"{self._call.service}.{self._call.action} page {index} brought "
                        "nothing new: the server sent the same items as an earlier page "
                        f"({seen} items yielded so far)"
                    )
                fingerprints.add(fingerprint)
            del objects
            yield page
            del page
            seen += count
            if count < self.page_size or (total is not None and seen >= total):
                return
            index += 1

    async def _cursor_pages(self) -> AsyncGenerator[PageT, None]:
        cursor = _CursorFilter(self._call, self.page_size)
        while True:
            if cursor.crowded():
                async for page in self._second_pages(cursor):
                    yield page
                continue
            params = dict(self._call.params)
            params["filter"] = cursor.next_filter()
            page = await self._fetch(params, 1)
            objects = page_objects(page)
            full = len(objects) >= self.page_size
            fresh, moved = cursor.advance(objects)
            kept = _fresh_page(page, objects, fresh)
            del objects, fresh, page
            if kept is not None:
                yield kept
            del kept
            if not full:
                return
            if not moved:
                raise KalturaPaginationError(
                    f"cursor pagination of {self._call.service}.{self._call.action} made no "
                    "progress: the server returned only entries already yielded"
                )

    async def _second_pages(self, cursor: _CursorFilter) -> AsyncGenerator[PageT, None]:
        """Walk the boundary second alone with ``pageIndex``, then step past it.

        Excluding the ids already seen with ``idNotIn`` cannot work past the server's cap on
        In/NotIn lists (150 values for entry lists, then silently truncated), so a second
        holding many entries (bulk imports) is paged instead, within its own 10,000 window,
        dropping what was yielded. Page numbers shift when entries of the second change
        while it is walked (the caller updating what it was given, so that it no longer
        matches), so one pass is trusted only when every page reported the same
        ``totalCount`` and it met that many distinct entries; otherwise the second is paged
        again, until a pass brings nothing new and meets as many entries as the second
        holds. When ``totalCount`` never changed, having met that many distinct entries over
        all passes is enough (a server whose order within one second shifts between
        requests). A pass that brings nothing new short of that is an error, not a gap.
        """
        second = cursor.since
        if second is None:  # crowded() is false without a boundary second
            return
        params = dict(self._call.params)
        params["filter"] = cursor.second_filter()
        totals: set[int | None] = set()
        while True:
            met: set[str] = set()
            pass_totals: set[int | None] = set()
            moved = False
            total: int | None = None
            index = 1
            while True:
                page = await self._fetch(dict(params), index)
                objects = page_objects(page)
                total = page_total(page)
                pass_totals.add(total)
                fresh, progressed = cursor.advance_second(objects, met)
                moved = moved or progressed
                full = len(objects) >= self.page_size
                kept = _fresh_page(page, objects, fresh)
                del objects, fresh, page
                if kept is not None:
                    yield kept
                del kept
                if not full or (total is not None and index * self.page_size >= total):
                    break
                index += 1
            totals |= pass_totals
            counted = total is not None and len(met) >= total
            if counted and (len(pass_totals) == 1 or not moved):
                break  # one consistent pass over the whole second
            if total is None and not moved:
                break  # no totalCount to check against: a pass that found nothing new
            if len(totals) == 1 and total is not None and len(cursor.boundary) >= total:
                break  # the second never changed, and all of it was met over the passes
            if not moved:
                raise KalturaPaginationError(
                    f"cursor pagination of {self._call.service}.{self._call.action} cannot "
                    f"walk createdAt second {second}: its totalCount is {total} but paging it "
                    f"met {len(met)} distinct entries and nothing new (the server's order "
                    "within the second shifts between requests)"
                )
        cursor.step_past(second)


def filter_fields(
    call: Call[Any], wires: tuple[str, ...], purpose: str
) -> tuple[KalturaObject | Mapping[str, Any], dict[str, str]]:
    """The filter of a list ``call`` (its service's empty filter when it has none) and, for
    each wire name in ``wires``, the name to read it by: the attribute of a filter object,
    the key of a mapping.

    Raises KalturaValidationError when the filter is neither, or is a filter object with
    no field of one of ``wires`` (``purpose`` names who needs them).
    """
    original = call.params.get("filter")
    if original is None or original is UNSET:
        original = _empty_filter(call)
    if isinstance(original, KalturaObject):
        wire_to_attr = {wire: attr for attr, wire, _, _ in all_fields(type(original))}
        missing = [w for w in wires if w not in wire_to_attr]
        if missing:
            raise KalturaValidationError(
                f"{purpose} needs an entry filter; {type(original).__name__} has no "
                f"{', '.join(missing)}",
                field="filter",
            )
        return original, {w: wire_to_attr[w] for w in wires}
    if isinstance(original, Mapping):
        return original, {w: w for w in wires}
    raise KalturaValidationError(
        f"filter must be a Kaltura filter object or a mapping, got {type(original).__name__}",
        field="filter",
    )


class _CursorFilter:
    """The cursor's state: the boundary second and the ids already yielded in it."""

    def __init__(self, call: Call[Any], page_size: int) -> None:
        self._page_size = page_size
        self._filter, self._attrs = filter_fields(
            call, (_SINCE, _UNTIL, _NOT_IN, _ORDER), "strategy='cursor'"
        )
        order = self._get(_ORDER)
        if order not in (None, UNSET, "") and _text(order) != _ASCENDING:
            raise KalturaValidationError(
                f"strategy='cursor' orders by {_ASCENDING}; the filter asks for {_text(order)!r}",
                field="filter.orderBy",
            )
        since = self._get(_SINCE)
        self.since: int | None = (
            since if isinstance(since, int) and not isinstance(since, bool) else None
        )
        excluded = self._get(_NOT_IN)
        #: the caller's own ``idNotIn``: sent as given, and also applied here, because the
        #: server keeps only the first 150 values of the list
        self._excluded = (
            frozenset(v.strip() for v in _text(excluded).split(",") if v.strip())
            if isinstance(excluded, str) and excluded
            else frozenset()
        )
        #: ids met whose createdAt equals ``since`` (the only ones a request can repeat)
        self.boundary: set[str] = set()

    def _get(self, wire: str) -> Any:
        if isinstance(self._filter, KalturaObject):
            return getattr(self._filter, self._attrs[wire])
        return self._filter.get(wire)

    def _evolve(self, changes: dict[str, Any]) -> KalturaObject | dict[str, Any]:
        if isinstance(self._filter, KalturaObject):
            return attrs.evolve(self._filter, **{self._attrs[k]: v for k, v in changes.items()})
        return {**self._filter, **changes}

    def crowded(self) -> bool:
        """Whether the boundary second holds half a page or more of entries already met:
        then page 1 from it would be mostly repeats, and it is walked on its own."""
        return self.since is not None and len(self.boundary) * 2 >= self._page_size

    def next_filter(self) -> KalturaObject | dict[str, Any]:
        """The filter of the next page-1 request: from ``since``, ordered by ``+createdAt``.

        Entries already met are dropped from the answer, never listed in ``idNotIn``: the
        server would keep only the first 150 of them.
        """
        changes: dict[str, Any] = {_ORDER: _ASCENDING}
        if self.since is not None:
            changes[_SINCE] = self.since
        return self._evolve(changes)

    def second_filter(self) -> KalturaObject | dict[str, Any]:
        """The filter selecting the boundary second alone."""
        return self._evolve({_ORDER: _ASCENDING, _SINCE: self.since, _UNTIL: self.since})

    def step_past(self, second: int) -> None:
        """Every entry of ``second`` was met: continue from the next second."""
        self.since = second + 1
        self.boundary = set()

    def advance(self, objects: list[Any]) -> tuple[list[Any], bool]:
        """Record a page: its items not yielded before (in order), and whether any was new."""
        fresh = []
        moved = False
        for item in objects:
            item_id, created = _item_key(item)
            if created == self.since and item_id in self.boundary:
                continue
            if self.since is not None and created < self.since:
                raise KalturaProtocolError(
                    f"cursor pagination needs results ordered by {_ASCENDING}; "
                    f"got createdAt {created} after {self.since}"
                )
            if created != self.since:
                self.since = created
                self.boundary = set()
            self.boundary.add(item_id)
            moved = True
            if item_id not in self._excluded:
                fresh.append(item)
        return fresh, moved

    def advance_second(self, objects: list[Any], met: set[str]) -> tuple[list[Any], bool]:
        """Record a page of the boundary second: its new items, and whether any was new.

        ``met`` collects every id of this pass.
        """
        fresh = []
        moved = False
        for item in objects:
            item_id, created = _item_key(item)
            if created != self.since:
                raise KalturaProtocolError(
                    f"cursor pagination asked for createdAt {self.since} alone; "
                    f"got createdAt {created}"
                )
            met.add(item_id)
            if item_id in self.boundary:
                continue
            self.boundary.add(item_id)
            moved = True
            if item_id not in self._excluded:
                fresh.append(item)
        return fresh, moved


def _empty_filter(call: Call[Any]) -> KalturaObject | dict[str, Any]:
    kind = dict(call.spec.params).get("filter", Kind.UNTYPED)
    if kind.tag == "obj":
        cls = resolve_type(kind.name)
        if cls is not None and not cls.__kaltura_abstract__:
            return cls()
    return {}


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def _item_key(item: Any) -> tuple[str, int]:
    if isinstance(item, Mapping):
        item_id, created = item.get("id"), item.get("createdAt")
    else:
        item_id, created = getattr(item, "id", None), getattr(item, "created_at", None)
    if not isinstance(item_id, str) or isinstance(created, bool) or not isinstance(created, int):
        raise KalturaProtocolError(
            "cursor pagination needs items with a string id and an int createdAt "
            f"(entries); got {type(item).__name__}"
        )
    return item_id, created


def _fingerprint(item: Any) -> Any:
    item_id = item.get("id") if isinstance(item, Mapping) else getattr(item, "id", None)
    if isinstance(item_id, (str, int)) and not isinstance(item_id, bool) and item_id != "":
        return item_id
    return repr(item)


def page_objects(page: Any) -> list[Any]:
    """The items of one list response (typed, a mapping, or a bare array)."""
    if isinstance(page, list):
        return page
    objects = page.get("objects") if isinstance(page, Mapping) else getattr(page, "objects", None)
    return list(objects) if isinstance(objects, list) else []


def page_total(page: Any) -> int | None:
    """The ``totalCount`` of one list response, when it has one."""
    total = (
        page.get("totalCount") if isinstance(page, Mapping) else getattr(page, "total_count", None)
    )
    return total if isinstance(total, int) and not isinstance(total, bool) else None


def _fresh_page(page: P, objects: list[Any], fresh: list[Any]) -> P | None:
    """``page`` holding only ``fresh`` (the items of its ``objects`` not yielded before),
    or None when nothing in it is new."""
    if not fresh:
        return None
    if len(fresh) == len(objects):
        return page
    if isinstance(page, list):
        return fresh  # type: ignore[return-value]
    if isinstance(page, Mapping):
        return {**page, "objects": fresh}  # type: ignore[return-value]
    return attrs.evolve(page, objects=fresh)  # type: ignore[misc]
