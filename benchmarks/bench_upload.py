"""Upload throughput and memory: ``client.upload`` against raw aiohttp, on the emulator.

Run: ``PYTHONPATH=. python -m benchmarks.bench_upload [--quick]``.

- **Throughput.** The emulator runs in its own process. Every round, raw aiohttp creates a
  token and posts the whole file in ONE multipart request (the fastest anything can move
  those bytes to this server), then ``client.upload`` sends the same file in chunks at
  parallel 1, 4 and 8 (each chunk streamed from the file into its request, never read
  whole); contenders alternate round by round and the ratio is to raw.
- **Chunk size sweep** (parallel 4): the evidence behind ``DEFAULT_CHUNK_SIZE``.
- **Emulator CPU per upload** (parallel 1): the emulator process's own CPU time (user +
  system, ``getrusage``) for one chunked upload against one raw request of the same file,
  which tells whether the emulator's per-chunk path costs more than moving the bytes once.
- **Memory.** A fresh subprocess uploads a 512 MB generated stream (an async iterator of
  1 MiB pieces: no size known up front) with the default settings and reports the growth
  of its peak RSS (``VmHWM``) over the peak it had after a warm-up upload.

Targets: at least 0.8x raw at parallel 1 (printed with its verdict at the end), and peak
RSS growth under 64 MB.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp

from kaltura_async import KalturaClient

from ._harness import Contender, Scenario, markdown, measure, summarize, write_json

MiB = 1024 * 1024


def _serve_emulator(conn: Connection) -> None:
    """Child process: run an emulator until the parent closes the pipe. ``"cpu"`` is answered
    with this process's CPU seconds so far (user + system); ``"forget"`` drops every upload the
    emulator holds (their files go before the kernel writes them back) and answers 0."""
    from kaltura_async.testing import KalturaEmulator

    async def serve() -> None:
        async with KalturaEmulator(final_chunk_wait=45.0) as emu:
            conn.send((emu.url, emu.admin_ks()))
            loop = asyncio.get_running_loop()
            while (message := await loop.run_in_executor(None, _next_message, conn)) is not None:
                if message == "forget":
                    emu.reset()
                    conn.send(0.0)
                else:
                    conn.send(_cpu_seconds())

    asyncio.run(serve())


def _next_message(conn: Connection) -> str | None:
    try:
        return str(conn.recv())
    except EOFError:
        return None


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class EmulatorProcess:
    """An emulator in a child process, so its CPU and memory are not the client's."""

    def __enter__(self) -> tuple[str, str]:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve_emulator, args=(child,), daemon=True)
        self._proc.start()
        child.close()
        if not self._conn.poll(60):
            raise RuntimeError("the emulator did not start")
        url, ks = self._conn.recv()
        return str(url), str(ks)

    def cpu_seconds(self) -> float:
        """The emulator process's CPU seconds so far."""
        self._conn.send("cpu")
        return float(self._conn.recv())

    def forget(self) -> None:
        """Drop the uploads the emulator holds, so rounds do not pile up data on disk."""
        self._conn.send("forget")
        self._conn.recv()

    def __exit__(self, *exc: object) -> None:
        self._conn.close()
        self._proc.join(30)


async def _raw_upload(
    session: aiohttp.ClientSession, url: str, ks: str, path: Path, size: int
) -> None:
    """What a hand-written client does: one add, one upload of the whole file."""
    base = f"{url}/api_v3/service/uploadtoken/action"
    add = {"ks": ks, "uploadToken": {"objectType": "KalturaUploadToken", "fileName": path.name}}
    async with session.post(f"{base}/add", params={"format": "1"}, json=add) as resp:
        token = json.loads(await resp.read())
    form = aiohttp.FormData()
    form.add_field(
        "json",
        json.dumps({"ks": ks, "uploadTokenId": token["id"], "resume": False, "finalChunk": True}),
        content_type="application/json",
    )
    with path.open("rb") as fh:
        form.add_field("fileData", fh, filename=path.name)
        async with session.post(f"{base}/upload", params={"format": "1"}, data=form) as resp:
            done = json.loads(await resp.read())
    if done.get("status") != 2 or done.get("uploadedFileSize") != size:
        raise RuntimeError(f"raw upload did not complete: {done}")


P1_TARGET = 0.8
P1_SCENARIO = "upload {} MiB file (MiB/s)"
P1_CONTENDER = "client.upload parallel=1"
RAW = "raw aiohttp, one request"
CPU_SCENARIO = "emulator CPU per upload of {} MiB, parallel 1 (s)"


async def emulator_cpu(
    emulator: EmulatorProcess, url: str, ks: str, path: Path, size: int, rounds: int
) -> list[dict[str, Any]]:
    """The emulator's own CPU time for one upload: one raw request against chunks."""
    session = aiohttp.ClientSession()
    client = KalturaClient(url, ks=ks)
    loop = asyncio.get_running_loop()

    def timed(upload: Any) -> Any:
        async def run() -> float:
            before = await loop.run_in_executor(None, emulator.cpu_seconds)
            await upload()
            after = await loop.run_in_executor(None, emulator.cpu_seconds)
            await loop.run_in_executor(None, emulator.forget)
            return after - before

        return run

    async def raw() -> None:
        await _raw_upload(session, url, ks, path, size)

    async def chunked() -> None:
        await client.upload(path, parallel=1)

    try:
        scenario = Scenario(
            CPU_SCENARIO.format(size // MiB),
            RAW,
            [
                Contender(RAW, timed(raw), self_timed=True),
                Contender(P1_CONTENDER, timed(chunked), self_timed=True),
            ],
            unit="time",
        )
        return summarize(await measure(scenario, rounds=rounds))
    finally:
        await session.close()
        await client.aclose()


def verdicts(rows: list[dict[str, Any]], size: int) -> list[str]:
    """The parallel-1 target as a markdown table row, from this run's rows."""
    out = []
    for row in rows:
        if row["scenario"] == P1_SCENARIO.format(size // MiB) and row["contender"] == P1_CONTENDER:
            holds = row["ratio"] >= P1_TARGET
            out.append(
                f"| client.upload parallel=1 >= {P1_TARGET}x one raw POST ({size // MiB} MiB) "
                f"| {row['ratio']:.2f}x | {'yes' if holds else 'NO'} |"
            )
    return out


async def throughput(
    emulator: EmulatorProcess, url: str, ks: str, path: Path, size: int, rounds: int
) -> list[dict[str, Any]]:
    """Every contender's upload ends by dropping what the emulator holds (the same pipe round
    trip for each), so no round meets the disk writeback of the rounds before it."""
    size_mib = size // MiB
    session = aiohttp.ClientSession()
    client = KalturaClient(url, ks=ks)
    loop = asyncio.get_running_loop()

    async def raw() -> int:
        await _raw_upload(session, url, ks, path, size)
        await loop.run_in_executor(None, emulator.forget)
        return size_mib

    def sdk(parallel: int, chunk_size: int | None = None) -> Any:
        async def run() -> int:
            token = await client.upload(path, parallel=parallel, chunk_size=chunk_size)
            await loop.run_in_executor(None, emulator.forget)
            if token.uploaded_file_size != size:
                raise RuntimeError("upload did not complete")
            return size_mib

        return run

    rows: list[dict[str, Any]] = []
    try:
        main = Scenario(
            P1_SCENARIO.format(size_mib),
            RAW,
            [Contender(RAW, raw)]
            + [Contender(f"client.upload parallel={p}", sdk(p)) for p in (1, 4, 8)],
        )
        rows += summarize(await measure(main, rounds=rounds))
        sweep = Scenario(
            f"chunk size sweep, parallel 4, {size_mib} MiB (MiB/s)",
            "raw aiohttp, one request",
            [Contender("raw aiohttp, one request", raw)]
            + [
                Contender(f"chunk_size={c // MiB} MiB", sdk(4, c))
                for c in (1 * MiB, 2 * MiB, 4 * MiB, 8 * MiB, 16 * MiB, 32 * MiB)
            ],
        )
        rows += summarize(await measure(sweep, rounds=max(2, rounds // 2)))
    finally:
        await session.close()
        await client.aclose()
    return rows


# ---------------------------------------------------------------------------- memory


def _vm_hwm_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


async def _generated(total: int, piece: int = MiB) -> AsyncIterator[bytes]:
    block = os.urandom(piece)
    for i in range(total // piece):
        # Distinct pieces, so nothing upstream can share one buffer between chunks.
        yield i.to_bytes(8, "big") + block[8:]


async def _memory_child(url: str, ks: str, total: int) -> dict[str, Any]:
    async with KalturaClient(url, ks=ks) as client:
        # Warm-up: imports, the connection pool and one small upload.
        await client.upload(_generated(4 * MiB))
        before = _vm_hwm_kib()
        token = await client.upload(_generated(total))
        after = _vm_hwm_kib()
    if token.uploaded_file_size != total:
        raise RuntimeError("the stream upload did not complete")
    return {
        "stream_mb": total / 1e6,
        "peak_rss_before_mib": before / 1024,
        "peak_rss_after_mib": after / 1024,
        "peak_rss_growth_mib": (after - before) / 1024,
    }


def memory(url: str, ks: str, total: int) -> dict[str, Any]:
    """Run the stream upload in a fresh interpreter so its baseline is its own."""
    code = (
        "import asyncio, json, sys\n"
        "from benchmarks.bench_upload import _memory_child\n"
        "print(json.dumps(asyncio.run(_memory_child(sys.argv[1], sys.argv[2], int(sys.argv[3])))))\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    )
    out = subprocess.run(
        [sys.executable, "-c", code, url, ks, str(total)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    quick = "--quick" in args
    size = (32 if quick else 128) * MiB
    rounds = 3 if quick else 5
    emulator = EmulatorProcess()
    with tempfile.TemporaryDirectory() as tmp, emulator as (url, ks):
        path = Path(tmp) / "bench.mp4"
        with path.open("wb") as fh:
            for _ in range(size // MiB):
                fh.write(os.urandom(MiB))
        rows = asyncio.run(throughput(emulator, url, ks, path, size, rounds))
        rows += asyncio.run(emulator_cpu(emulator, url, ks, path, size, rounds))
        mem = memory(url, ks, 512 * MiB)
    print(markdown(rows))
    print()
    print(
        f"512 MB generated stream, default settings: peak RSS {mem['peak_rss_before_mib']:.1f}"
        f" -> {mem['peak_rss_after_mib']:.1f} MiB, growth {mem['peak_rss_growth_mib']:.1f} MiB"
    )
    print()
    print("| target | measured | holds |")
    print("|---|---:|---|")
    for line in verdicts(rows, size):
        print(line)
    write_json("upload", [*rows, {"scenario": "memory", **mem}])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
