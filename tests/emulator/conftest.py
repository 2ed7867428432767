"""Fixtures for the emulator suite: the plugin's emulator plus a raw aiohttp caller."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from rawhttp import Raw

from kaltura_async.testing import KalturaEmulator


@pytest_asyncio.fixture
async def raw(kaltura_emulator: KalturaEmulator) -> AsyncIterator[Raw]:
    async with aiohttp.ClientSession() as session:
        yield Raw(session, kaltura_emulator)


@pytest.fixture
def emu(kaltura_emulator: KalturaEmulator) -> KalturaEmulator:
    return kaltura_emulator
