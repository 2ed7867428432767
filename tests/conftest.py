"""Test-suite wide settings, and the one connection-leak check every suite shares."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, settings

# CI and development machines have two busy cores: time-based health checks and
# per-example deadlines would fail on load, not on bugs.
settings.register_profile(
    "kaltura",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("kaltura")


class ConnectionCount:
    """The pool connections every client of a test took from its connector, through
    aiohttp's public API: ``TCPConnector.connect`` hands one out, and it counts as given
    back once ``Connection.closed`` (released to the pool, or closed)."""

    def __init__(self) -> None:
        self.handed_out: list[aiohttp.connector.Connection] = []

    @property
    def in_use(self) -> int:
        """Connections handed out and not given back: after a call, a leak."""
        self.handed_out = [conn for conn in self.handed_out if not conn.closed]
        return len(self.handed_out)


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> ConnectionCount:
    """Counts the connections of every pool a client opens during the test (the client
    builds its connector when it sends its first request, so take this fixture first)."""
    count = ConnectionCount()

    class CountingConnector(aiohttp.TCPConnector):
        async def connect(self, *args: Any, **kwargs: Any) -> aiohttp.connector.Connection:
            conn = await super().connect(*args, **kwargs)
            count.handed_out.append(conn)
            return conn

    monkeypatch.setattr(aiohttp, "TCPConnector", CountingConnector)
    return count
