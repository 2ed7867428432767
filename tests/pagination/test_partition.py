"""client.partition: disjoint createdAt windows whose union is the whole list."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from kaltura_async import KalturaClient, KalturaValidationError
from kaltura_async.enums import EntryStatus
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import MediaEntryFilter

from .conftest import seed_spread


async def _walk(client: KalturaClient, flt: MediaEntryFilter, parts: int) -> tuple[list, Counter]:
    windows = await client.partition(client.media.list(filter=flt), parts=parts)
    seen: Counter[str] = Counter()
    for window in windows:
        async for entry in window.paginate():
            assert window.created_at_from is None or entry.created_at >= window.created_at_from
            assert window.created_at_to is None or entry.created_at <= window.created_at_to
            seen[entry.id] += 1
    return windows, seen


async def test_windows_are_disjoint_balanced_and_cover_every_entry(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    ids = seed_spread(kaltura_emulator, 3000, per_second=7)
    windows, seen = await _walk(kaltura_client, MediaEntryFilter(), 4)
    assert len(windows) == 4
    assert set(seen) == set(ids) and max(seen.values()) == 1
    sizes = [w.estimated for w in windows]
    assert sum(sizes) == 3000
    assert max(sizes) - min(sizes) <= 14  # two seconds of 7 entries
    assert windows[0].created_at_from is None and windows[-1].created_at_to is None
    for before, after in itertools.pairwise(windows):
        assert before.created_at_to is not None
        assert after.created_at_from == before.created_at_to + 1


async def test_one_window_walks_past_the_10000_result_window(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    ids = seed_spread(kaltura_emulator, 10_600, per_second=3)
    windows, seen = await _walk(kaltura_client, MediaEntryFilter(), 1)
    assert len(windows) == 1 and windows[0].estimated == 10_600
    assert len(seen) == len(ids) and max(seen.values()) == 1


async def test_keeps_the_filter_bounds_and_conditions(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    ids = seed_spread(kaltura_emulator, 900, per_second=3)
    created = {i: kaltura_emulator.entries[i]["createdAt"] for i in ids}
    low, high = created[ids[100]], created[ids[800]]
    flt = MediaEntryFilter(
        created_at_greater_than_or_equal=low,
        created_at_less_than_or_equal=high,
        status_equal=EntryStatus.READY,
    )
    windows, seen = await _walk(kaltura_client, flt, 3)
    expected = {i for i, c in created.items() if low <= c <= high}
    assert set(seen) == expected and max(seen.values()) == 1
    assert windows[0].created_at_from == low and windows[-1].created_at_to == high


async def test_a_burst_in_one_second_gives_fewer_windows(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient
) -> None:
    ids = kaltura_emulator.seed_entries(40)  # all in one second
    windows, seen = await _walk(kaltura_client, MediaEntryFilter(), 4)
    assert len(windows) == 1
    assert set(seen) == set(ids)


async def test_an_empty_list_is_one_empty_window(kaltura_client: KalturaClient) -> None:
    windows, seen = await _walk(kaltura_client, MediaEntryFilter(), 4)
    assert len(windows) == 1 and windows[0].estimated == 0 and not seen


@pytest.mark.parametrize("parts", [0, -1, 1025, True, 2.0, "4"])
async def test_bad_parts_are_refused_before_io(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient, parts: object
) -> None:
    with pytest.raises(KalturaValidationError, match="parts"):
        await kaltura_client.partition(kaltura_client.media.list(), parts=parts)  # type: ignore[arg-type]
    assert len(kaltura_emulator.counters) == 0


async def test_a_call_without_filter_and_pager_is_refused(kaltura_client: KalturaClient) -> None:
    with pytest.raises(KalturaValidationError, match="cannot be partitioned"):
        await kaltura_client.partition(kaltura_client.media.get("0_x"), parts=2)
