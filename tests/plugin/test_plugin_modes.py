"""The pytest plugin's fixtures in every way a user's suite may run them: pytest-asyncio's
strict and auto modes, anyio's pytest plugin (with and without pytest-asyncio), sync tests.

Each case runs pytest in a subprocess on a throwaway project with its own settings, as a
user's suite would meet the plugin.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROUND_TRIP = """
    entry = await kaltura_client.media.add(entry=MediaEntry(name="x", media_type=MediaType.VIDEO))
    assert kaltura_emulator.entries[entry.id]["name"] == "x"
    assert (await kaltura_client.media.get(entry_id=entry.id)).name == "x"
"""

SUITE = f"""
import json
import urllib.request

import pytest

from kaltura_async.enums import MediaType
from kaltura_async.types import MediaEntry


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.asyncio
async def test_marked_asyncio(kaltura_emulator, kaltura_client):
{ROUND_TRIP}

async def test_unmarked(kaltura_emulator, kaltura_client):
{ROUND_TRIP}

@pytest.mark.anyio
async def test_anyio(kaltura_emulator, kaltura_client):
{ROUND_TRIP}

def test_sync(kaltura_emulator):
    url = kaltura_emulator.url + "/api_v3/service/system/action/ping?format=1"
    with urllib.request.urlopen(urllib.request.Request(url, data=b""), timeout=30) as answer:
        assert json.load(answer) is True


def test_sync_client(kaltura_client):
    assert kaltura_client.media.get(entry_id="0_x") is not None  # a Call, not sent
"""


def run_suite(tmp_path: Path, ini: str, *args: str) -> str:
    (tmp_path / "test_suite.py").write_text(SUITE)
    (tmp_path / "pytest.ini").write_text(f"[pytest]\n{ini}\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )
    return result.stdout + result.stderr


def outcomes(output: str) -> dict[str, str]:
    """``{"test_sync": "PASSED", ...}`` from the -rA short summary."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in {"PASSED", "FAILED", "ERROR"}:
            found[parts[1].split("::")[-1]] = parts[0]
    return found


@pytest.mark.parametrize(
    ("name", "ini", "args", "expected"),
    [
        (
            "pytest-asyncio strict mode",
            "asyncio_mode = strict",
            ["-k", "not unmarked"],
            {"test_marked_asyncio": "PASSED", "test_anyio": "PASSED", "test_sync": "PASSED"},
        ),
        (
            # anyio's plugin and pytest-asyncio's auto mode both claim every async test.
            "pytest-asyncio auto mode",
            "asyncio_mode = auto",
            ["-k", "not anyio"],
            {"test_marked_asyncio": "PASSED", "test_unmarked": "PASSED", "test_sync": "PASSED"},
        ),
        (
            "anyio without pytest-asyncio",
            "",
            ["-p", "no:asyncio", "-k", "test_anyio or test_sync"],
            {"test_anyio": "PASSED", "test_sync": "PASSED"},
        ),
    ],
)
def test_fixtures_run_on_the_tests_loop(
    tmp_path: Path, name: str, ini: str, args: list[str], expected: dict[str, str]
) -> None:
    output = run_suite(tmp_path, ini, *args)
    got = outcomes(output)
    # With pytest-asyncio a sync test gets a client (to build calls); without it, an error.
    sync_client = "ERROR" if "no:asyncio" in args else "PASSED"
    assert got.pop("test_sync_client", None) == sync_client, output
    assert got == expected, f"{name}:\n{output}"


def test_a_sync_test_asking_for_the_client_is_told_why(tmp_path: Path) -> None:
    output = run_suite(tmp_path, "", "-p", "no:asyncio", "-k", "sync_client")
    assert outcomes(output) == {"test_sync_client": "ERROR"}, output
    assert "kaltura_client needs an async test run by pytest-asyncio" in output
