"""pytest plugin: the ``kaltura_emulator`` and ``kaltura_client`` fixtures.

Registered through the ``pytest11`` entry point, so pytest imports this module in every run
of every project installed beside the SDK: it imports nothing of the emulator, the fixtures
load it when a test asks for them.

Each fixture serves the test that asks for it on the test's own event loop:

- an asyncio test run by pytest-asyncio, in strict mode (the test marked
  ``@pytest.mark.asyncio``) or auto mode: the emulator and the client run on that loop;
- a test run by anyio's pytest plugin (``@pytest.mark.anyio`` with the ``asyncio`` backend;
  with pytest-asyncio installed, in its strict mode): they run on anyio's loop;
- a synchronous test: ``kaltura_emulator`` serves from a background thread (for code that
  runs its own event loop, such as a command). ``kaltura_client`` needs pytest-asyncio: in a
  synchronous test it builds calls (and validates them) but cannot send them.

Both are function-scoped: every test gets a fresh emulator (empty state, seed 0, instant
transcoding, a final upload chunk waits at most 2 s for missing chunks).
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._emulator import KalturaEmulator

__all__ = ["kaltura_client", "kaltura_emulator"]

_OPTIONS: dict[str, Any] = {"final_chunk_wait": 2.0}


def _runner(request: pytest.FixtureRequest) -> str:
    """Who runs the requesting test: ``"anyio"``, ``"asyncio"`` or ``"sync"``."""
    if "anyio_backend" in request.fixturenames:
        return "anyio"
    function = getattr(request, "function", None)
    if function is not None and inspect.iscoroutinefunction(function):
        return "asyncio"
    return "sync"


def _asyncio_plugin(request: pytest.FixtureRequest) -> bool:
    """Whether pytest-asyncio is active in this run (installed and not ``-p no:asyncio``)."""
    return request.config.pluginmanager.has_plugin("asyncio")


def _needs_async(fixture: str) -> None:
    pytest.fail(
        f"{fixture} needs an async test run by pytest-asyncio (pip install pytest-asyncio; "
        "in its strict mode, mark the test @pytest.mark.asyncio) or by anyio's pytest plugin "
        "(@pytest.mark.anyio, asyncio backend)",
        pytrace=False,
    )


@pytest.fixture
def kaltura_emulator(request: pytest.FixtureRequest) -> KalturaEmulator:
    """A started ``KalturaEmulator`` on a free 127.0.0.1 port, on the test's event loop
    (a background thread for a synchronous test)."""
    runner = _runner(request)
    if runner == "asyncio" and not _asyncio_plugin(request):
        runner = "sync"  # pytest itself refuses the async test; do not hide why
    elif runner == "sync" and "kaltura_client" in request.fixturenames:
        runner = "asyncio" if _asyncio_plugin(request) else "sync"  # beside the client
    emulator: KalturaEmulator = request.getfixturevalue(f"_kaltura_emulator_{runner}")
    return emulator


@pytest.fixture
def kaltura_client(request: pytest.FixtureRequest, kaltura_emulator: KalturaEmulator) -> Any:
    """A ``KalturaClient`` for ``kaltura_emulator`` holding an admin KS, on the test's loop."""
    runner = _runner(request)
    if runner != "anyio":
        if not _asyncio_plugin(request):
            _needs_async("kaltura_client")
        runner = "asyncio"
    return request.getfixturevalue(f"_kaltura_client_{runner}")


@contextlib.asynccontextmanager
async def _serve() -> AsyncIterator[KalturaEmulator]:
    from ._emulator import KalturaEmulator

    async with KalturaEmulator(**_OPTIONS) as emu:
        yield emu


@contextlib.asynccontextmanager
async def _client(emu: KalturaEmulator) -> AsyncIterator[Any]:
    from kaltura_async import KalturaClient

    async with KalturaClient(emu.url, partner_id=emu.partner_id, ks=emu.admin_ks()) as client:
        yield client


@pytest.fixture
def _kaltura_emulator_sync() -> Iterator[KalturaEmulator]:
    from ._emulator import KalturaEmulator

    with KalturaEmulator.run_in_thread(**_OPTIONS) as emu:
        yield emu


# anyio's plugin runs a plain async fixture on the test's loop when the test uses anyio.
@pytest.fixture
async def _kaltura_emulator_anyio() -> AsyncIterator[KalturaEmulator]:
    async with _serve() as emu:
        yield emu


@pytest.fixture
async def _kaltura_client_anyio(kaltura_emulator: KalturaEmulator) -> AsyncIterator[Any]:
    async with _client(kaltura_emulator) as client:
        yield client


if importlib.util.find_spec("pytest_asyncio") is not None:
    import pytest_asyncio

    @pytest_asyncio.fixture
    async def _kaltura_emulator_asyncio() -> AsyncIterator[KalturaEmulator]:
        async with _serve() as emu:
            yield emu

    @pytest_asyncio.fixture
    async def _kaltura_client_asyncio(kaltura_emulator: KalturaEmulator) -> AsyncIterator[Any]:
        async with _client(kaltura_emulator) as client:
            yield client
