"""Pagination runs against the emulator: its fixtures, and a seeding helper."""

from __future__ import annotations

import time

from kaltura_async.testing import KalturaEmulator
from kaltura_async.testing.pytest_plugin import kaltura_client, kaltura_emulator

__all__ = ["kaltura_client", "kaltura_emulator", "seed_spread"]


def seed_spread(
    emu: KalturaEmulator, n: int, *, per_second: int, prefix: str = "entry"
) -> list[str]:
    """Seed ``n`` entries whose createdAt advances one second every ``per_second`` entries.

    The emulator seeds with one timestamp; real libraries are spread over time, with bursts
    that share a second (what the cursor's boundary handling is for).
    """
    ids = emu.seed_entries(n, name_prefix=prefix)
    start = int(time.time()) - 10 * n  # well in the past, and far above the relative-time range
    for i, entry_id in enumerate(ids):
        emu.entries[entry_id]["createdAt"] = start + i // per_second
    return ids
