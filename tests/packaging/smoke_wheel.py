"""Smoke test of an installed kaltura-async, run by ``nox -s smoke`` in a fresh venv that holds
the built wheel WITHOUT extras (plus pytest), from a folder outside the checkout.

Checks, each of which fails loudly: the package imports from site-packages; ``generate_ks``
with its defaults (KS v2) works; the pytest plugin loads in an unrelated pytest run and its
``kaltura_emulator`` fixture serves a test; the emulator starts in process and one call
round-trips through the SDK; ``kaltura-async emulator`` starts and answers ``system.ping``;
``kaltura-async demo`` runs;
the generator without a schema fails with one line (the wheel does not ship the schema).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent


def step(name: str) -> None:
    print(f"smoke: {name}", flush=True)


def installed_package() -> None:
    step("import kaltura_async from site-packages")
    import kaltura_async

    where = Path(kaltura_async.__file__).resolve()
    assert not where.is_relative_to(CHECKOUT / "kaltura_async"), f"imported the checkout: {where}"
    assert where.is_relative_to(Path(sys.prefix).resolve()), f"not this venv's: {where}"
    assert "site-packages" in where.parts, where
    for extra in ("tqdm", "pytest_asyncio", "mkdocs", "KalturaClient"):
        assert importlib.util.find_spec(extra) is None, f"{extra} should not be installed"


def ks_with_defaults() -> None:
    step("generate_ks with its defaults (KS v2)")
    from kaltura_async import generate_ks, parse_ks

    ks = generate_ks("0123456789abcdef0123456789abcdef", 1234)
    info = parse_ks(ks, admin_secret="0123456789abcdef0123456789abcdef")
    assert (info.version, info.partner_id, info.verified) == (2, 1234, True), info


UNRELATED = """
import sys

def test_unrelated():
    assert 1 + 1 == 2
    assert "kaltura_async.testing.pytest_plugin" in sys.modules
    assert "kaltura_async.testing._emulator" not in sys.modules

def test_fixture(kaltura_emulator):
    import json, urllib.request
    url = kaltura_emulator.url + "/api_v3/service/system/action/ping?format=1"
    with urllib.request.urlopen(urllib.request.Request(url, data=b""), timeout=30) as answer:
        assert json.load(answer) is True
"""


def plugin_in_an_unrelated_run() -> None:
    step("the pytest plugin in an unrelated pytest run")
    with tempfile.TemporaryDirectory() as project:
        Path(project, "test_unrelated.py").write_text(UNRELATED)
        Path(project, "pytest.ini").write_text("[pytest]\n")  # its own project, own settings
        # Only the unrelated test: the plugin must load without being asked for.
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "test_unrelated.py::test_unrelated",
            ],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0 and "1 passed" in run.stdout, run.stdout + run.stderr
        step("the kaltura_emulator fixture without pytest-asyncio")
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0 and "2 passed" in run.stdout, run.stdout + run.stderr


async def round_trip() -> None:
    step("the emulator in process, one call round-trip")
    from kaltura_async import KalturaClient
    from kaltura_async.enums import MediaType
    from kaltura_async.testing import KalturaEmulator
    from kaltura_async.types import MediaEntry

    async with (
        KalturaEmulator() as emu,
        KalturaClient(emu.url, partner_id=emu.partner_id, ks=emu.admin_ks()) as client,
    ):
        assert await client.system.ping() is True
        added = await client.media.add(entry=MediaEntry(name="smoke", media_type=MediaType.VIDEO))
        fetched = await client.media.get(entry_id=added.id)
        assert (fetched.id, fetched.name) == (added.id, "smoke"), fetched


def emulator_command() -> None:
    step("kaltura-async emulator answers system.ping")
    command = Path(sys.executable).with_name("kaltura-async")
    proc = subprocess.Popen(
        [str(command), "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Kaltura emulator serving http://127.0.0.1:"), line
        api = line.split()[3]
        request = urllib.request.Request(f"{api}/service/system/action/ping?format=1", data=b"")
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert json.load(answer) is True
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def demo_command() -> None:
    step("kaltura-async demo against its in-process emulator")
    command = Path(sys.executable).with_name("kaltura-async")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTURA_")}
    run = subprocess.run(
        [str(command), "demo"], capture_output=True, text=True, timeout=300, env=env
    )
    assert run.returncode == 0, run.stdout + run.stderr


def codegen_without_schema() -> None:
    step("python -m kaltura_async.codegen without a schema: one line, exit 1")
    run = subprocess.run(
        [sys.executable, "-m", "kaltura_async.codegen", "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": ""},
    )
    assert run.returncode == 1, run
    assert run.stderr.count("\n") == 1 and "pass a schema file" in run.stderr, run.stderr


def main() -> int:
    installed_package()
    ks_with_defaults()
    plugin_in_an_unrelated_run()
    asyncio.run(round_trip())
    emulator_command()
    demo_command()
    codegen_without_schema()
    step("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
