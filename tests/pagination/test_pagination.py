"""client.paginate against the emulator: pages, items, the cursor past the 10,000 window."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest

from kaltura_async import (
    UNSET,
    KalturaClient,
    KalturaProtocolError,
    KalturaValidationError,
    QueryExceededMaxMatchesError,
)
from kaltura_async._pagination import Paginator, _CursorFilter
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import CategoryFilter, MediaEntryFilter, UploadTokenFilter

from .conftest import seed_spread


async def test_items_cross_pages_in_order(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    ids = seed_spread(kaltura_emulator, 1234, per_second=3)
    call = kaltura_client.media.list(filter=MediaEntryFilter(order_by="+createdAt"))
    paginator = kaltura_client.paginate(call, page_size=100)
    got = [entry.id async for entry in paginator]
    assert got == ids
    assert paginator.pages_fetched == 13
    assert paginator.total_count == 1234


async def test_pages_yield_list_responses(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    kaltura_emulator.seed_entries(250)
    paginator = kaltura_client.paginate(kaltura_client.media.list(), page_size=100)
    sizes = [(len(page.objects or []), page.total_count) async for page in paginator.pages()]
    assert sizes == [(100, 250), (100, 250), (50, 250)]
    # Iterating again starts over.
    assert len([e async for e in paginator]) == 250
    assert paginator.pages_fetched == 6


async def test_exact_multiple_stops_on_total_count(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    kaltura_emulator.seed_entries(200)
    paginator = kaltura_client.paginate(kaltura_client.media.list(), page_size=100)
    assert len([e async for e in paginator]) == 200
    assert paginator.pages_fetched == 2  # totalCount reached: no empty third request


async def test_filter_and_options_are_kept(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    kaltura_emulator.seed_entries(30, name_prefix="keep")
    kaltura_emulator.seed_entries(40, name_prefix="skip")
    call = kaltura_client.media.list(filter=MediaEntryFilter(name_like="keep")).with_options(
        client_tag="paginated"
    )
    names = [e.name async for e in kaltura_client.paginate(call, page_size=7)]
    assert sorted(names) == sorted(f"keep-{i}" for i in range(30))


async def test_untyped_call_paginates(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    ids = seed_spread(kaltura_emulator, 45, per_second=2)
    call = kaltura_client.call("media", "list", filter={"orderBy": "+createdAt"})
    pages = [p async for p in kaltura_client.paginate(call, page_size=20).pages()]
    assert len(pages) == 3
    cursor = kaltura_client.paginate(
        kaltura_client.call("baseEntry", "list"), page_size=20, strategy="cursor"
    )
    assert [_id(e) async for e in cursor] == ids


async def test_breaking_out_sends_nothing_more(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    kaltura_emulator.seed_entries(100)
    paginator = kaltura_client.paginate(kaltura_client.media.list(), page_size=10)
    async for _entry in paginator:
        break
    assert paginator.pages_fetched == 1
    assert kaltura_emulator.counters[("media", "list")] == 1


async def test_pages_strategy_stops_at_the_window(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    kaltura_emulator.seed_entries(10_200)
    seen = 0
    with pytest.raises(QueryExceededMaxMatchesError):
        async for _entry in kaltura_client.paginate(kaltura_client.media.list(), page_size=500):
            seen += 1
    assert seen == 10_000


class _Watch:
    """Weak references to every page and item fetched, to count what is still alive."""

    def __init__(self) -> None:
        self.pages: list[weakref.ref[Any]] = []
        self.items: list[weakref.ref[Any]] = []
        self.max_alive_pages = 0
        self.max_alive_items = 0

    def alive(self) -> tuple[int, int]:
        count = (sum(r() is not None for r in self.pages), sum(r() is not None for r in self.items))
        if count != (0, 0) and count[1] > 1:
            gc.collect()  # only reference cycles could keep more; make sure they are gone
            count = (
                sum(r() is not None for r in self.pages),
                sum(r() is not None for r in self.items),
            )
        return count


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> _Watch:
    seen = _Watch()
    fetch = Paginator._fetch

    async def watched(self: Paginator[Any], params: dict[str, Any], page_index: int) -> Any:
        pages, items = seen.alive()  # what the previous pages left behind
        seen.max_alive_pages = max(seen.max_alive_pages, pages)
        seen.max_alive_items = max(seen.max_alive_items, items)
        page = await fetch(self, params, page_index)
        seen.pages.append(weakref.ref(page))
        seen.items.extend(weakref.ref(item) for item in page.objects or [])
        return page

    monkeypatch.setattr(Paginator, "_fetch", watched)
    return seen


async def test_cursor_walks_25000_entries_past_the_window_holding_one_page(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient, watch: _Watch
) -> None:
    ids = seed_spread(kaltura_emulator, 25_000, per_second=7)
    paginator = kaltura_client.paginate(
        kaltura_client.media.list(), page_size=500, strategy="cursor"
    )
    got: list[str] = []
    last = 0
    async for entry in paginator:
        assert entry.created_at >= last
        last = entry.created_at
        got.append(entry.id)
    del entry
    assert len(got) == 25_000
    assert got == ids  # every entry once, in createdAt order
    assert paginator.total_count == 25_000
    assert paginator.pages_fetched == 51  # 50 full pages, then an empty one
    # When the next page is requested, nothing of the previous ones is alive except the
    # caller's loop variable (one item).
    assert watch.max_alive_pages == 0
    assert watch.max_alive_items == 1
    assert len(watch.pages) == 51


async def test_cursor_pages_are_released_between_requests(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient, watch: _Watch
) -> None:
    seed_spread(kaltura_emulator, 1_000, per_second=4)
    paginator = kaltura_client.paginate(
        kaltura_client.media.list(), page_size=100, strategy="cursor"
    )
    count = 0
    async for page in paginator.pages():
        count += len(page.objects or [])
        del page
    assert count == 1_000
    assert watch.max_alive_pages == 0
    assert watch.max_alive_items == 0


async def test_cursor_crosses_a_second_holding_more_than_a_page(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    ids = seed_spread(kaltura_emulator, 95, per_second=35)  # 35, 35, 25 entries per second
    paginator = kaltura_client.paginate(
        kaltura_client.media.list(), page_size=10, strategy="cursor"
    )
    got = [e.id async for e in paginator]
    assert sorted(got) == sorted(ids)
    assert len(set(got)) == 95


async def test_cursor_keeps_the_callers_filter(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    ids = seed_spread(kaltura_emulator, 60, per_second=3, prefix="mine")
    seed_spread(kaltura_emulator, 30, per_second=3, prefix="other")
    start = kaltura_emulator.entries[ids[30]]["createdAt"]
    flt = MediaEntryFilter(
        name_like="mine", created_at_greater_than_or_equal=start, id_not_in=ids[31]
    )
    call = kaltura_client.media.list(filter=flt)
    got = [e.id async for e in kaltura_client.paginate(call, page_size=8, strategy="cursor")]
    assert got == [i for i in ids[30:] if i != ids[31]]
    # The caller's filter object is left as it was.
    assert flt.order_by is UNSET
    assert flt.created_at_greater_than_or_equal == start
    assert flt.id_not_in == ids[31]


def test_bad_arguments_fail_before_io(kaltura_client: KalturaClient) -> None:
    media_list = kaltura_client.media.list()
    for page_size in (0, 501, True, 2.5):
        with pytest.raises(KalturaValidationError) as err:
            kaltura_client.paginate(media_list, page_size=page_size)  # type: ignore[arg-type]
        assert err.value.field == "page_size"
    with pytest.raises(KalturaValidationError, match="strategy"):
        kaltura_client.paginate(media_list, strategy="offset")  # type: ignore[arg-type]
    with pytest.raises(KalturaValidationError, match="takes no pager"):
        kaltura_client.paginate(kaltura_client.media.get(entry_id="0_x"))
    with pytest.raises(KalturaValidationError, match="list Call"):
        kaltura_client.paginate("media.list")  # type: ignore[arg-type]
    with pytest.raises(KalturaValidationError, match=r"-createdAt"):
        kaltura_client.paginate(
            kaltura_client.media.list(filter=MediaEntryFilter(order_by="-createdAt")),
            strategy="cursor",
        )
    with pytest.raises(KalturaValidationError, match="needs an entry filter"):
        kaltura_client.paginate(
            kaltura_client.upload_token.list(filter=UploadTokenFilter()), strategy="cursor"
        )
    # A filter with the three fields works, whatever its class.
    assert (
        kaltura_client.paginate(
            kaltura_client.category.list(filter=CategoryFilter()), strategy="cursor"
        ).strategy
        == "cursor"
    )


def test_cursor_drops_repeats_and_refuses_disorder() -> None:
    call = KalturaClient("http://127.0.0.1:9").call("media", "list", filter={"statusEqual": 2})
    cursor = _CursorFilter(call, page_size=4)
    first = [
        {"id": "a", "createdAt": 10},
        {"id": "b", "createdAt": 11},
        {"id": "c", "createdAt": 11},
    ]
    assert cursor.advance(first) == (first, True)
    # Ids already met are never sent in idNotIn (the server keeps only the first 150 values
    # of the list); a boundary second holding half a page is walked on its own instead.
    assert cursor.next_filter() == {
        "statusEqual": 2,
        "orderBy": "+createdAt",
        "createdAtGreaterThanOrEqual": 11,
    }
    assert cursor.crowded()
    assert cursor.second_filter() == {
        "statusEqual": 2,
        "orderBy": "+createdAt",
        "createdAtGreaterThanOrEqual": 11,
        "createdAtLessThanOrEqual": 11,
    }
    # Repeats of the boundary second are not yielded twice.
    again = [
        {"id": "b", "createdAt": 11},
        {"id": "c", "createdAt": 11},
        {"id": "d", "createdAt": 12},
    ]
    assert cursor.advance(again) == ([again[2]], True)
    assert not cursor.crowded()
    assert cursor.advance([{"id": "d", "createdAt": 12}]) == ([], False)
    with pytest.raises(KalturaProtocolError, match="ordered"):
        cursor.advance([{"id": "e", "createdAt": 5}])
    with pytest.raises(KalturaProtocolError, match="int createdAt"):
        cursor.advance([{"id": "f"}])


def _id(entry: Any) -> str:
    return entry["id"] if isinstance(entry, dict) else str(entry.id)
