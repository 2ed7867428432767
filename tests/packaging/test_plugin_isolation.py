"""The pytest11 plugin loads in every pytest run beside the SDK and must never break one.

Each test runs pytest in a subprocess on a throwaway project (not this repository's settings),
the way a user's unrelated test suite meets the plugin.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

UNRELATED = """
import sys

def test_unrelated():
    assert 1 + 1 == 2
    assert "kaltura_async.testing.pytest_plugin" in sys.modules  # the plugin did load
    assert "kaltura_async.testing._emulator" not in sys.modules  # and loaded no emulator
"""


def run_pytest(project: Path, env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (project / "test_unrelated.py").write_text(UNRELATED)
    (project / "pytest.ini").write_text("[pytest]\n")  # its own project, own settings
    env = {**os.environ, **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_unrelated.py"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unrelated_run_passes_with_the_plugin_loaded(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_an_unrelated_run_passes_even_when_cryptography_is_broken(tmp_path: Path) -> None:
    # A package shadowing cryptography that cannot be imported: the plugin must not need it.
    blocker = tmp_path / "blocker" / "cryptography"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('cryptography blocked by the test')\n")
    project = tmp_path / "project"
    project.mkdir()
    path = os.pathsep.join([str(blocker.parent), os.environ.get("PYTHONPATH", "")])
    result = run_pytest(project, {"PYTHONPATH": path})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
