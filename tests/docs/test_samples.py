"""Every Python block of README.md and of the docs pages runs, as written, against an emulator.

How a sample meets the emulator without being rewritten: samples that talk to an account
read the variables of Kaltura's guides, ``KALTURA_SERVICE_URL``, ``KALTURA_PARTNER_ID`` and
``KALTURA_ADMIN_SECRET`` (as the ``kaltura-async`` command does). Each block runs with those
set to a fresh emulator's values, in an empty folder holding ``big.mp4`` (2.5 MB of random
bytes) for the upload samples. A reader runs the same text against an account by setting
the variables, or against ``kaltura-async emulator --show-secrets``.

- a block that defines ``test_*`` functions is a test file: it runs under pytest in a
  subprocess, in a project of its own with pytest's default settings (pytest-asyncio strict);
- any other block is a script: it runs in this process as ``__main__`` (``runpy``), so a
  warning fails it as it fails any test here.

A failure names the file, the line of the block and its number on the page.
"""

from __future__ import annotations

import logging
import os
import re
import runpy
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kaltura_async.testing import KalturaEmulator

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python\n(.*?)^```\s*$", re.DOTALL | re.MULTILINE)
TEST_FUNCTION = re.compile(r"^(async )?def test_", re.MULTILINE)


@dataclass(frozen=True)
class Sample:
    page: Path
    line: int
    number: int
    code: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line} (python block {self.number})"

    @property
    def is_test_file(self) -> bool:
        return TEST_FUNCTION.search(self.code) is not None


def samples() -> list[Sample]:
    found = []
    for page in PAGES:
        text = page.read_text()
        for number, match in enumerate(FENCE.finditer(text), 1):
            line = text.count("\n", 0, match.start()) + 2  # the block's first line of code
            found.append(Sample(page, line, number, match.group(1)))
    return found


SAMPLES = samples()


@pytest.fixture
def emulator() -> Iterator[KalturaEmulator]:
    with KalturaEmulator.run_in_thread(final_chunk_wait=2.0) as emu:
        yield emu


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "big.mp4").write_bytes(os.urandom(2_500_000))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def kaltura_env(emulator: KalturaEmulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "KALTURA_SERVICE_URL": emulator.url,
        "KALTURA_PARTNER_ID": str(emulator.partner_id),
        "KALTURA_ADMIN_SECRET": emulator.admin_secret,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root, sdk = logging.getLogger(), logging.getLogger("kaltura_async")
    saved = (root.level, list(root.handlers), sdk.level, list(sdk.handlers))
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    sdk.setLevel(saved[2])
    sdk.handlers[:] = saved[3]


def test_samples_were_found() -> None:
    pages = {s.page.name for s in SAMPLES}
    assert {"README.md", "testing.md", "quickstart.md", "uploads.md"} <= pages
    assert any(s.is_test_file for s in SAMPLES if s.page.name == "testing.md")


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: f"{s.page.name}:{s.line}")
def test_sample_runs(sample: Sample, folder: Path, kaltura_env: dict[str, str]) -> None:
    if sample.is_test_file:
        run_as_test_file(sample, folder)
    else:
        run_as_script(sample, folder)


def run_as_script(sample: Sample, folder: Path) -> None:
    path = folder / "sample.py"
    path.write_text(sample.code)
    try:
        runpy.run_path(str(path), run_name="__main__")
    except BaseException as exc:  # SystemExit included: a sample never exits
        detail = "".join(traceback.format_exception(exc))
        pytest.fail(
            f"{sample.where} failed:\n{detail}\n--- the block ---\n{sample.code}", pytrace=False
        )


def run_as_test_file(sample: Sample, folder: Path) -> None:
    (folder / "test_sample.py").write_text(sample.code)
    (folder / "pytest.ini").write_text("[pytest]\n")  # the reader's project: defaults
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sample.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0 or " passed" not in result.stdout:
        pytest.fail(
            f"{sample.where} failed under pytest:\n{result.stdout}{result.stderr}"
            f"\n--- the block ---\n{sample.code}",
            pytrace=False,
        )


def test_every_page_is_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text()
    listed = set(re.findall(r":\s*([\w/.-]+\.md)\s*$", nav, re.MULTILINE))
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert pages - listed == set(), "docs pages missing from mkdocs.yml's nav"
