"""Fixtures of the session tests, and a check that no secret reaches the logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from session_fakes import SENSITIVE, FakeClient, FakeClock, FakeSessionServer


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(clock: FakeClock) -> FakeSessionServer:
    return FakeSessionServer(clock)


@pytest.fixture
def client(server: FakeSessionServer) -> FakeClient:
    return FakeClient(server)


@pytest.fixture(autouse=True)
def no_secret_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every session test runs with DEBUG logging on and must leak nothing into it."""
    caplog.set_level(logging.DEBUG, logger="kaltura_async")
    yield
    # At teardown ``caplog.records`` holds only teardown records: ask for the others.
    records = caplog.get_records("setup") + caplog.get_records("call")
    text = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in records)
    leaked = [s for s in SENSITIVE if s and s in text]
    assert not leaked, "a secret reached the logs"
