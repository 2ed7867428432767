"""examples/retag.py replaces a tag on every matching entry, and only exact tags."""

from __future__ import annotations

from typing import Any

from kaltura_async.testing import KalturaEmulator

from .conftest import load_example

retag = load_example("retag")


def test_retagged() -> None:
    assert retag.retagged("a, legacy, b", "legacy", "archive") == "a, archive, b"
    assert retag.retagged("legacy,archive", "legacy", "archive") == "archive"
    assert retag.retagged("legacy-2", "legacy", "archive") == "legacy-2"


async def test_retag_changes_only_matching_entries(
    kaltura_emulator: KalturaEmulator, account: dict[str, Any]
) -> None:
    legacy = kaltura_emulator.seed_entries(450, name_prefix="old", tags="news, legacy")
    near = kaltura_emulator.seed_entries(5, name_prefix="near", tags="legacy-2")
    other = kaltura_emulator.seed_entries(10, name_prefix="new", tags="news")

    planned = await retag.main("legacy", "archive", **account, dry_run=True)
    assert sorted(planned) == sorted(legacy)
    assert kaltura_emulator.counters[("media", "update")] == 0

    changed = await retag.main("legacy", "archive", **account)
    assert sorted(changed) == sorted(legacy)
    entries = kaltura_emulator.entries
    assert {entries[i]["tags"] for i in legacy} == {"news, archive"}
    assert {entries[i]["tags"] for i in near} == {"legacy-2"}
    assert {entries[i]["tags"] for i in other} == {"news"}
    assert kaltura_emulator.counters[("media", "update")] == 450

    assert await retag.main("legacy", "archive", **account) == []  # nothing left to do
