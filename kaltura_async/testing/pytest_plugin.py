"""pytest plugin: ``kaltura_emulator`` (a started emulator) and ``kaltura_client`` fixtures.

Registered through the ``pytest11`` entry point. ``kaltura_emulator`` runs on the test's event
loop when pytest-asyncio is installed, else in a background thread; ``kaltura_client`` (which
needs pytest-asyncio) yields an SDK client holding an admin KS for that emulator.

pytest imports this module in every run of every project installed beside the SDK, so it
imports nothing of the emulator: the fixtures load it when a test asks for them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._emulator import KalturaEmulator

__all__ = ["kaltura_client", "kaltura_emulator"]

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - exercised only without pytest-asyncio
    HAVE_PYTEST_ASYNCIO = False
else:
    HAVE_PYTEST_ASYNCIO = True


if HAVE_PYTEST_ASYNCIO:

    @pytest_asyncio.fixture
    async def kaltura_emulator() -> AsyncIterator[KalturaEmulator]:
        """A KalturaEmulator started on a free 127.0.0.1 port (instant transcoding)."""
        from ._emulator import KalturaEmulator

        async with KalturaEmulator(final_chunk_wait=2.0) as emu:
            yield emu

    @pytest_asyncio.fixture
    async def kaltura_client(kaltura_emulator: KalturaEmulator) -> AsyncIterator[Any]:
        """An SDK client for ``kaltura_emulator`` holding an admin KS."""
        from kaltura_async import KalturaClient

        emu = kaltura_emulator
        async with KalturaClient(
            service_url=emu.url, partner_id=emu.partner_id, ks=emu.admin_ks()
        ) as client:
            yield client

else:  # pragma: no cover

    @pytest.fixture
    def kaltura_emulator() -> Iterator[KalturaEmulator]:
        """A KalturaEmulator running in a background thread on a free 127.0.0.1 port."""
        from ._emulator import KalturaEmulator

        with KalturaEmulator.run_in_thread(final_chunk_wait=2.0) as emu:
            yield emu
