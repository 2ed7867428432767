"""The cursor walk against a server that keeps only the first 150 values of an In/NotIn list.

Kaltura's search layer, which serves entry lists, truncates IN and NOT IN lists to their
first 150 values (``plugins/search/providers/sphinx_search/lib/SphinxCriterion.php``,
``MAX_IN_VALUES = 150``, applied with ``array_slice``); the SQL filter layer keeps 500.
Bulk imports put thousands of entries in one createdAt second.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from kaltura_async import KalturaClient, KalturaPaginationError, KalturaProtocolError
from kaltura_async.testing import (
    KalturaEmulator,
    _filters as emulator_filters,
    _query as emulator_query,
)
from kaltura_async.types import MediaEntryFilter

from .conftest import seed_spread

#: The search layer's cap (``SphinxCriterion::MAX_IN_VALUES``).
SEARCH_IN_CAP = 150


@pytest.fixture
def truncating(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Record the length of every In/NotIn list the SDK sent, before the emulator truncates it.

    The emulator keeps the first 150 values of an entry list's In/NotIn, as the server does.
    """
    sent: list[int] = []
    prepare = emulator_filters._prepare

    def record(op: str, wanted: Any, max_in: int) -> Any:
        if op in ("In", "NotIn"):
            assert max_in == SEARCH_IN_CAP
            sent.append(len([v for v in str(wanted).split(",") if v.strip()]))
        return prepare(op, wanted, max_in)

    monkeypatch.setattr(emulator_filters, "_prepare", record)
    yield sent


@pytest.mark.parametrize(
    ("total", "per_second", "page_size"),
    [
        (1_000, 1_000, 500),  # one bulk-import second holding two pages
        (1_300, 650, 500),
        (2_000, 2_000, 100),  # a second holding 20 pages
        (10_000, 10_000, 500),  # the whole 10,000 window in one second
        (1_207, 7, 500),
        (3_001, 3_000, 500),  # a full-window-ish second, then one more entry
    ],
)
async def test_cursor_yields_every_entry_once_against_a_truncating_server(
    kaltura_emulator: KalturaEmulator,
    kaltura_client: KalturaClient,
    truncating: list[int],
    total: int,
    per_second: int,
    page_size: int,
) -> None:
    ids = seed_spread(kaltura_emulator, total, per_second=per_second)
    paginator = kaltura_client.paginate(
        kaltura_client.media.list(), page_size=page_size, strategy="cursor"
    )
    got = [entry.id async for entry in paginator]
    assert len(got) == total
    assert Counter(got) == Counter(ids)
    assert all(n <= SEARCH_IN_CAP for n in truncating)  # nothing the server would cut off


async def test_cursor_honours_a_callers_long_id_not_in(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient, truncating: list[int]
) -> None:
    ids = seed_spread(kaltura_emulator, 1_200, per_second=400)
    excluded = ids[::3]  # 400 ids: the server keeps only the first 150 of them
    flt = MediaEntryFilter(id_not_in=",".join(excluded))
    call = kaltura_client.media.list(filter=flt)
    got = [e.id async for e in kaltura_client.paginate(call, page_size=100, strategy="cursor")]
    assert got == [i for i in ids if i not in set(excluded)]


@pytest.fixture
def ignores_page_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the emulator answer page 1 whatever ``pageIndex`` asks for."""
    window = emulator_query.pager_window

    def first_page(pager: dict[str, Any] | None) -> tuple[int, int]:
        return window({**(pager or {}), "pageIndex": 1})

    monkeypatch.setattr(emulator_query, "pager_window", first_page)


async def test_cursor_refuses_a_second_it_cannot_walk(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient, ignores_page_index: None
) -> None:
    """A server that sends the same page of a crowded second whatever pageIndex says cannot
    be walked completely; the walk says so instead of silently skipping entries."""
    seed_spread(kaltura_emulator, 300, per_second=300)
    paginator = kaltura_client.paginate(
        kaltura_client.media.list(), page_size=100, strategy="cursor"
    )
    got: list[str] = []
    with pytest.raises(KalturaPaginationError, match="createdAt second") as err:
        async for entry in paginator:
            got.append(entry.id)
    assert isinstance(err.value, KalturaProtocolError)
    assert len(got) == 100 == len(set(got))
    assert paginator.pages_fetched == 4  # page 1, then one pass over the second's 3 pages


async def test_pages_strategy_stops_when_a_page_brings_nothing_new(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient, ignores_page_index: None
) -> None:
    kaltura_emulator.seed_entries(300)
    paginator = kaltura_client.paginate(kaltura_client.media.list(), page_size=100)
    got: list[str] = []
    with pytest.raises(KalturaPaginationError, match="page 2 brought nothing new"):
        async for entry in paginator:
            got.append(entry.id)
    assert len(got) == 100 == len(set(got))
    assert paginator.pages_fetched == 2


async def test_cursor_takes_another_pass_when_a_seconds_order_shifts(
    kaltura_emulator: KalturaEmulator,
    kaltura_client: KalturaClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ties within one second come back in a different order on every request: pages of
    that second overlap, and the walk pages it again until it has met its totalCount."""
    ids = seed_spread(kaltura_emulator, 1_000, per_second=1_000)
    order = emulator_query.sort_items
    index = emulator_query._index
    requests = Counter[str]()

    def shifting(items: list[dict[str, Any]], specs: Any) -> None:
        order(items, specs)
        requests["list"] += 1
        shift = requests["list"] * 170 % len(items) if items else 0
        items[:] = items[shift:] + items[:shift]  # equal sort keys in an order of the moment

    def fresh_index(state: Any, *args: Any) -> Any:
        state.touch()  # sort again on every request, so every request sees a new order
        return index(state, *args)

    monkeypatch.setattr(emulator_query, "sort_items", shifting)
    monkeypatch.setattr(emulator_query, "_index", fresh_index)
    paginator = kaltura_client.paginate(
        kaltura_client.media.list(), page_size=200, strategy="cursor"
    )
    got = [e.id async for e in paginator]
    assert Counter(got) == Counter(ids)
    assert paginator.pages_fetched > 1 + 5  # more than page 1 and one pass of 5 pages


async def test_cursor_walks_a_crowded_second_whose_entries_leave_the_filter(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient, truncating: list[int]
) -> None:
    """The caller retags every entry it is given, so it stops matching: page numbers within
    the crowded second shift under the walk, which pages it again until nothing is left."""
    ids = seed_spread(kaltura_emulator, 1_000, per_second=1_000)
    for entry_id in ids:
        kaltura_emulator.entries[entry_id]["tags"] = "legacy"
    call = kaltura_client.media.list(filter=MediaEntryFilter(tags_multi_like_or="legacy"))
    got: list[str] = []
    async for page in kaltura_client.paginate(call, page_size=200, strategy="cursor").pages():
        for entry in page.objects or []:
            got.append(entry.id)
            kaltura_emulator.entries[entry.id]["tags"] = "archive"
    assert Counter(got) == Counter(ids)
