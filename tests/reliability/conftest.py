"""Reliability suite plumbing: the figures table, secret-safe log capture, shared fixtures.

Tests record figures with the ``figures`` fixture; at the end of the run the table is
printed (``pytest_terminal_summary``) and, with ``--figures-doc PATH``, written between
the markers of that Markdown page (``docs/reliability.md`` keeps the committed run).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from kaltura_async.testing import KalturaEmulator

_FIGURES = pytest.StashKey[list[tuple[str, str, str]]]()
START, END = "<!-- figures:start -->", "<!-- figures:end -->"

#: A v2 KS begins with base64("v2|"); a v1 KS is a long base64 run.
KS_SHAPE = re.compile(r"djJ8[A-Za-z0-9_\-+/=]{8,}")


class Figures:
    """Collects ``(suite, figure, value)`` rows for the summary table."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self._rows = rows

    def record(self, suite: str, figure: str, value: object) -> None:
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        self._rows.append((suite, figure, shown))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--figures-doc",
        default=None,
        help="write the reliability figures table into this Markdown page",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_FIGURES] = []


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Figures:
    return Figures(request.config.stash[_FIGURES])


def figures_table(rows: list[tuple[str, str, str]]) -> str:
    lines = ["| Suite | Figure | Value |", "|---|---|---|"]
    lines += [f"| {suite} | {figure} | {value} |" for suite, figure, value in rows]
    return "\n".join(lines)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    rows = config.stash.get(_FIGURES, [])
    if not rows:
        return
    table = figures_table(rows)
    terminalreporter.section("kaltura-async reliability figures")
    terminalreporter.write_line(table)
    doc = config.getoption("--figures-doc")
    if doc:
        path = Path(doc)
        text = path.read_text(encoding="utf-8")
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        path.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")


class SecretWatch:
    """Every record logged during a test (DEBUG and up, the SDK's logger and root), checked
    at teardown against the secrets the test registered and anything shaped like a KS."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()
        self.records: list[logging.LogRecord] = []
        self.texts: list[str] = []

    def add(self, *secrets: str | None) -> None:
        self.secrets.update(s for s in secrets if s)

    def check_text(self, text: str) -> None:
        """Register one more text (an error message, a repr) to scan."""
        self.texts.append(text)

    def leaks(self) -> list[str]:
        found = []
        scanned = [*self.texts]
        for record in self.records:
            scanned.append(record.getMessage())
            if record.exc_info and record.exc_info[1] is not None:
                scanned.append(repr(record.exc_info[1]))
        for text in scanned:
            if KS_SHAPE.search(text) or any(secret in text for secret in self.secrets):
                found.append(text[:200])
        return found


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        # Attached to the SDK's logger and to root: a propagated record arrives twice.
        if not self.sink or self.sink[-1] is not record:
            self.sink.append(record)


@pytest.fixture(autouse=True)
def secret_watch() -> Iterator[SecretWatch]:
    """Runs every reliability test with DEBUG logging captured and fails it on any leak."""
    watch = SecretWatch()
    handler = _ListHandler(watch.records)
    loggers = [logging.getLogger("kaltura_async"), logging.getLogger()]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    try:
        yield watch
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
    leaks = watch.leaks()
    assert not leaks, f"secrets leaked into logs, messages or reprs: {leaks[:3]}"


@pytest_asyncio.fixture
async def emulator(secret_watch: SecretWatch) -> AsyncIterator[KalturaEmulator]:
    """An emulator on the test's loop whose secrets the secret watch knows."""
    async with KalturaEmulator(final_chunk_wait=2.0) as emu:
        secret_watch.add(emu.admin_secret, emu.user_secret)
        yield emu


@pytest.fixture
def threaded_emulator(secret_watch: SecretWatch) -> Iterator[KalturaEmulator]:
    """An emulator on its own loop and thread: the client's loop then holds only client
    tasks (leak checks stay exact) and the server gets the second core."""
    with KalturaEmulator.run_in_thread(final_chunk_wait=2.0) as emu:
        secret_watch.add(emu.admin_secret, emu.user_secret)
        yield emu


def admin_ks(emu: KalturaEmulator, watch: SecretWatch, **kwargs: Any) -> str:
    """A fresh admin KS for ``emu``, registered with the secret watch."""
    ks = emu.admin_ks(**kwargs)
    watch.add(ks)
    return ks
