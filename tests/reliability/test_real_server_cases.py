"""Edge cases of the real server, from public reports, with the figures of this run.

1. The cursor walk against a server that keeps only the first 150 values of an In/NotIn
   list (``plugins/search/providers/sphinx_search/lib/SphinxCriterion.php``), which the
   emulator copies for entry lists: bulk imports put thousands of entries in one second.
2. ``entry.status == 2``: the schema's numeric string enums compare equal to their ints.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from kaltura_async import KalturaClient, KalturaPaginationError, enums
from kaltura_async._model import KalturaStrEnum
from kaltura_async.enums import EntryStatus
from kaltura_async.testing import (
    KalturaEmulator,
    _filters as emulator_filters,
    _query as emulator_query,
)

from .conftest import Figures, SecretWatch, admin_ks


def _seed_one_second(emu: KalturaEmulator, n: int, second: int) -> list[str]:
    ids = emu.seed_entries(n)
    for entry_id in ids:
        emu.entries[entry_id]["createdAt"] = second
    return ids


@pytest.mark.parametrize("in_one_second", [1_000, 10_000])
async def test_cursor_walk_of_a_bulk_import_second(
    emulator: KalturaEmulator,
    secret_watch: SecretWatch,
    figures: Figures,
    monkeypatch: pytest.MonkeyPatch,
    in_one_second: int,
) -> None:
    longest: list[int] = [0]
    prepare = emulator_filters._prepare

    def record(op: str, wanted: Any, max_in: int) -> Any:
        if op in ("In", "NotIn"):
            longest[0] = max(longest[0], len(str(wanted).split(",")))
        return prepare(op, wanted, max_in)

    monkeypatch.setattr(emulator_filters, "_prepare", record)
    start = int(time.time()) - 10 * in_one_second - 100_000
    ids = _seed_one_second(emulator, in_one_second, start)
    ids += [e for e in emulator.seed_entries(500)]
    for i, entry_id in enumerate(ids[in_one_second:]):
        emulator.entries[entry_id]["createdAt"] = start + 1 + i // 7
    async with KalturaClient(
        emulator.url, partner_id=emulator.partner_id, ks=admin_ks(emulator, secret_watch)
    ) as client:
        paginator = client.paginate(client.media.list(), page_size=500, strategy="cursor")
        got = [entry.id async for entry in paginator]
    counts = Counter(got)
    assert counts == Counter(ids)
    assert longest[0] <= emulator_filters.ENTRY_MAX_IN_VALUES
    figures.record(
        "real server",
        f"cursor walk, {in_one_second:,} entries in one createdAt second + 500 spread, "
        "server keeping 150 In/NotIn values",
        f"{len(counts):,} entries, each once; {paginator.pages_fetched} requests; "
        f"longest In/NotIn sent {longest[0]}",
    )


async def test_pages_strategy_on_a_server_repeating_a_page(
    emulator: KalturaEmulator,
    secret_watch: SecretWatch,
    figures: Figures,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator.seed_entries(300)
    window = emulator_query.pager_window

    def first_page(pager: dict[str, Any] | None) -> tuple[int, int]:
        return window({**(pager or {}), "pageIndex": 1})

    monkeypatch.setattr(emulator_query, "pager_window", first_page)
    async with KalturaClient(
        emulator.url, partner_id=emulator.partner_id, ks=admin_ks(emulator, secret_watch)
    ) as client:
        paginator = client.paginate(client.media.list(), page_size=100)
        seen = 0
        with pytest.raises(KalturaPaginationError):
            async for _entry in paginator:
                seen += 1
    assert seen == 100 and paginator.pages_fetched == 2
    figures.record(
        "real server",
        'strategy="pages" against a server that repeats page 1',
        f"KalturaPaginationError after {paginator.pages_fetched} requests, {seen} items once",
    )


def test_numeric_string_enums_equal_their_ints(figures: Figures) -> None:
    classes = members = 0
    for name in enums.__all__:
        cls = getattr(enums, name)
        if not (isinstance(cls, type) and issubclass(cls, KalturaStrEnum)):
            continue
        numeric = [m for m in cls if m.value.lstrip("-").isdigit()]
        if numeric:
            classes += 1
        for member in numeric:
            assert member == int(member.value) and member == member.value
            members += 1
    assert EntryStatus.READY == 2 and EntryStatus.READY in (2, 7)
    figures.record(
        "real server",
        "members of string enums with decimal values equal to their int (EntryStatus.READY == 2)",
        f"{members} members of {classes} enums",
    )
