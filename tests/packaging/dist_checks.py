"""What the built sdist and wheel hold. Run by ``nox -s package`` after ``python -m build``
(which builds the wheel FROM the sdist, so a wheel existing proves the sdist can build it):

    pytest tests/packaging/dist_checks.py   # with KALTURA_ASYNC_DIST=<folder of the builds>

The file is not named ``test_*.py`` so that a plain ``pytest tests`` (which has no builds)
does not collect it; given on the command line it is collected as usual.
"""

from __future__ import annotations

import email.parser
import os
import re
import subprocess
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dist() -> Path:
    folder = os.environ.get("KALTURA_ASYNC_DIST")
    assert folder, "set KALTURA_ASYNC_DIST to the folder python -m build wrote (nox -s package)"
    return Path(folder)


@pytest.fixture(scope="module")
def wheel_names(dist: Path) -> set[str]:
    (wheel,) = dist.glob("kaltura_async-*-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.fixture(scope="module")
def sdist_names(dist: Path) -> set[str]:
    (sdist,) = dist.glob("kaltura_async-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {m.name for m in archive.getmembers() if m.isfile()}
    prefix = sdist.name.removesuffix(".tar.gz") + "/"
    assert all(name.startswith(prefix) for name in names)
    return {name.removeprefix(prefix) for name in names}


def _name(requirement: str) -> str:
    """``"aiohttp>=3.9"`` -> ``"aiohttp"`` (a requirement's project name, normalized)."""
    name = re.split(r"[\s;\[<>=!~]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def metadata(names: set[str], dist: Path) -> email.message.Message:
    (wheel,) = dist.glob("kaltura_async-*.whl")
    (path,) = (n for n in names if n.endswith(".dist-info/METADATA"))
    with zipfile.ZipFile(wheel) as archive:
        return email.parser.Parser().parsestr(archive.read(path).decode())


def test_wheel_holds_the_typing_marker_and_the_schema_index(wheel_names: set[str]) -> None:
    assert "kaltura_async/py.typed" in wheel_names
    assert "kaltura_async/services/_schema_index.json" in wheel_names
    assert "kaltura_async/testing/pytest_plugin.py" in wheel_names
    assert "kaltura_async/codegen/_cli.py" in wheel_names


def test_wheel_holds_only_the_package(wheel_names: set[str]) -> None:
    tops = {name.split("/")[0] for name in wheel_names}
    assert tops == {"kaltura_async", "kaltura_async-0.1.0.dist-info"}, tops
    assert not [n for n in wheel_names if "/tests/" in n or n.startswith("tests/")]
    assert not [n for n in wheel_names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in wheel_names if n.endswith(".xml")]  # the schema stays in the sdist


def test_wheel_metadata(wheel_names: set[str], dist: Path) -> None:
    meta = metadata(wheel_names, dist)
    requires = meta.get_all("Requires-Dist") or []
    core = {_name(r) for r in requires if ";" not in r}
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert core == {_name(r) for r in declared}, core
    assert "cryptography" in core  # KS v2, the default KS, works on a base install
    assert meta["Requires-Python"] == ">=3.11"
    classifiers = set(meta.get_all("Classifier") or [])
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert meta["License-Expression"] == "MIT"
    (entry_points,) = (n for n in wheel_names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(next(dist.glob("kaltura_async-*.whl"))) as archive:
        text = archive.read(entry_points).decode()
    assert "[pytest11]\nkaltura_async = kaltura_async.testing.pytest_plugin" in text
    assert "kaltura-async = kaltura_async.cli:main" in text


def test_wheel_holds_every_package_file_of_the_sdist(
    wheel_names: set[str], sdist_names: set[str]
) -> None:
    package = {n for n in sdist_names if n.startswith("kaltura_async/")}
    shipped = {n for n in wheel_names if n.startswith("kaltura_async/")}
    assert package == shipped, sorted(package ^ shipped)[:20]


def _tracked() -> list[str]:
    try:
        out = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):  # an unpacked sdist: no git
        pytest.fail("the sdist contents are checked against `git ls-files` of a checkout")
    return out.splitlines()


def test_sdist_holds_the_whole_repository(sdist_names: set[str]) -> None:
    # Everything tracked: the schema and the tests (to run them), docs, noxfile, examples...
    missing = [name for name in _tracked() if name not in sdist_names]
    assert missing == [], missing[:20]
    for needed in (
        "pyproject.toml",
        "LICENSE",
        "schema/kaltura_api_schema_23.10.0.xml",
        "tests/codegen/conftest.py",
        "noxfile.py",
    ):
        assert needed in sdist_names


def test_sdist_holds_no_build_or_cache_junk(sdist_names: set[str]) -> None:
    junk = [
        n
        for n in sdist_names
        if "__pycache__" in n
        or n.endswith(".pyc")
        or n.startswith((".venv/", ".nox/", "build/", "dist/", "benchmarks/results/"))
        or "/.hypothesis/" in n
    ]
    assert junk == [], junk[:20]
