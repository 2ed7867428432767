"""Real workers, a real Redis, the emulator in its own process.

Ingest: 3 workers, 200 files, one worker killed with SIGKILL mid-run and started again:
every file in exactly one entry, bytes identical, none lost. Re-tag: 20,000 entries over 4
workers and 4 partitions: every entry updated exactly once. Waits block on the batch's
Redis events stream (a state change wakes them); the deadlines only bound a broken run.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from redis.asyncio import Redis

import kaltura_async.cli as cli
from kaltura_async import KalturaClient, SecretKSProvider
from kaltura_async.contrib._jobs_cli import job_key
from kaltura_async.contrib.taskiq import JobStore
from kaltura_async.enums import AppTokenHashType, SessionType
from kaltura_async.types import AppToken

from .conftest import FIGURES, EmulatorProcess, Worker

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

FILES = 200
INGEST_WORKERS = 3
RETAG_ENTRIES = 20_000
RETAG_WORKERS = 4
RETAG_PARTS = 4
DEADLINE = 300.0  # seconds; a healthy run takes a fraction of it


async def _app_tokens(emu: EmulatorProcess, n: int) -> list[AppToken]:
    """One admin-session app token per worker, made with the admin secret (which the
    workers never see)."""
    provider = SecretKSProvider(emu.admin_secret, emu.partner_id)
    async with KalturaClient(emu.url, partner_id=emu.partner_id, ks_provider=provider) as admin:
        return [
            await admin.app_token.add(
                app_token=AppToken(
                    hash_type=AppTokenHashType.SHA256, session_type=SessionType.ADMIN
                )
            )
            for _ in range(n)
        ]


def _env(emu: EmulatorProcess, redis_url: str, token: AppToken, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALTURA")}
    assert isinstance(token.id, str) and isinstance(token.token, str)
    env.update(
        KALTURA_SERVICE_URL=emu.url,
        KALTURA_PARTNER_ID=str(emu.partner_id),
        KALTURA_APP_TOKEN_ID=token.id,
        KALTURA_APP_TOKEN=token.token,
        KALTURA_APP_TOKEN_HASH="SHA256",
        KALTURA_ASYNC_REDIS_URL=redis_url,
        **extra,
    )
    return env


async def _cli(argv: list[str], environ: dict[str, str] | None = None) -> tuple[int, str]:
    """``kaltura-async ARGV`` (in a thread: the command runs its own event loop)."""
    out, err = io.StringIO(), io.StringIO()

    def run() -> int:
        return cli.main(argv, stdout=out, stderr=err, environ=environ or {})

    code = await anyio.to_thread.run_sync(run)
    return code, out.getvalue() + err.getvalue()


async def _wait(store: JobStore, until: object, what: str, workers: list[Worker]) -> dict[str, int]:
    """Block on the batch's events until ``until(counts)`` holds."""
    deadline = time.monotonic() + DEADLINE
    last = "0-0"
    while True:
        counts = await store.counts()
        if until(counts):  # type: ignore[operator]
            return counts
        if time.monotonic() > deadline:
            logs = "\n".join(w.log.read_text()[-3000:] for w in workers)
            pytest.fail(f"{what}: not reached in {DEADLINE:.0f}s; counts {counts}\n{logs}")
        last = await store.wait_event(last, timeout=2.0)


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.terminate()
    grace_until = time.monotonic() + 5.0  # one grace period for all of them
    for worker in started:
        worker.stop(grace_until - time.monotonic())


async def test_ingest_survives_a_killed_worker_exactly_once(
    redis_url: str,
    emulator_process: EmulatorProcess,
    workers: list[Worker],
    tmp_path: Path,
) -> None:
    source = tmp_path / "media"
    source.mkdir()
    rng = random.Random(18)
    digests = {}
    for i in range(FILES):
        data = rng.randbytes(rng.randint(16 * 1024, 256 * 1024))
        path = source / f"clip-{i:03d}.mp4"
        path.write_bytes(data)
        digests[job_key(path)] = hashlib.sha256(data).hexdigest()
    tokens = await _app_tokens(emulator_process, INGEST_WORKERS + 1)
    # Short recovery times, so the test waits seconds, not the production minutes.
    tuning = {"KALTURA_ASYNC_LOCK_TTL": "2", "KALTURA_ASYNC_REDELIVER_AFTER": "3"}

    started = time.monotonic()
    batch = "ingest-test"
    code, out = await _cli(["jobs", "ingest", str(source), "--redis", redis_url, "--batch", batch])
    assert code == 0, out
    assert f"{FILES} ingest jobs queued" in out
    for i in range(INGEST_WORKERS):
        workers.append(
            Worker(_env(emulator_process, redis_url, tokens[i], **tuning), tmp_path / f"w{i}.log")
        )
    redis = Redis.from_url(redis_url)
    store = JobStore(redis, batch)
    try:
        # Mid-run: a third of the files done, and a job running in some worker.
        await _wait(store, lambda c: c["done"] >= FILES // 3, "a third done", workers)
        victim = None
        while victim is None:
            running = await redis.smembers(f"kaltura-async:batch:{batch}:state:running")
            for key in running:
                job = await store.job(key.decode())
                pid = int(job.get("worker", "x:0").rsplit(":", 1)[1])
                victim = next((w for w in workers if w.owns(pid)), None)
                if victim is not None:
                    break
            if victim is None:
                await store.wait_event("$", timeout=2.0)
        victim.kill()
        kills = 1
        workers.append(
            Worker(
                _env(emulator_process, redis_url, tokens[INGEST_WORKERS], **tuning),
                tmp_path / "w-restarted.log",
            )
        )
        counts = await _wait(
            store, lambda c: c["done"] + c["failed"] == FILES, "every file finished", workers
        )
        wall = time.monotonic() - started
        attempts = []
        for key in digests:
            attempts.append(int((await store.job(key)).get("attempts", "0")))
    finally:
        await redis.aclose()

    # The operator's view: `jobs status --wait` returns at once on a finished batch.
    code, out = await _cli(["jobs", "status", "--wait", "--json", "--redis", redis_url])
    assert code == 0, out
    status = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    assert status["batch"] == batch and status["done"] == FILES and status["queued"] == 0

    report = emulator_process.ask(cmd="report")
    by_key = Counter(e["referenceId"] for e in report["entries"] if e["referenceId"])
    duplicates = sum(n - 1 for n in by_key.values() if n > 1)
    ingested = {
        e["referenceId"]: e["sha256"] for e in report["entries"] if e["referenceId"] in digests
    }
    lost = sum(1 for key in digests if key not in ingested)
    mismatched = sum(1 for key, digest in ingested.items() if digest != digests[key])
    FIGURES.update(
        {
            "files": FILES,
            "workers": INGEST_WORKERS,
            "kills": kills,
            "jobs run twice (redelivered)": sum(1 for a in attempts if a > 1),
            "duplicates": duplicates,
            "lost": lost,
            "sha256 mismatches": mismatched,
            "media.add calls": report["counters"].get("media.add", 0),
            "ingest wall time": f"{wall:.1f} s",
        }
    )
    assert counts["failed"] == 0 and counts["done"] == FILES
    assert duplicates == 0 and lost == 0 and mismatched == 0
    assert len(report["entries"]) == FILES
    assert all(e["status"] == 2 for e in report["entries"])
    assert report["counters"].get("media.add", 0) == FILES
    assert report["counters"].get("media.addcontent", 0) == FILES
    assert sum(attempts) > FILES  # the killed worker's jobs ran again elsewhere


async def test_retag_over_four_partitions_updates_each_entry_once(
    redis_url: str,
    emulator_process: EmulatorProcess,
    workers: list[Worker],
    tmp_path: Path,
) -> None:
    assert emulator_process.ask(cmd="seed", n=RETAG_ENTRIES, per_second=5) == {"ok": True}
    tokens = await _app_tokens(emulator_process, RETAG_WORKERS)
    started = time.monotonic()
    batch = "retag-test"
    code, out = await _cli(
        [
            "jobs",
            "retag",
            "--add-tags",
            "archived-2026",
            "--parts",
            str(RETAG_PARTS),
            "--redis",
            redis_url,
            "--batch",
            batch,
        ],
        environ={
            "KALTURA_SERVICE_URL": emulator_process.url,
            "KALTURA_PARTNER_ID": str(emulator_process.partner_id),
            "KALTURA_ADMIN_SECRET": emulator_process.admin_secret,
        },
    )
    assert code == 0, out
    assert f"{RETAG_PARTS} partition jobs over {RETAG_ENTRIES} entries" in out, out
    for i in range(RETAG_WORKERS):
        workers.append(
            Worker(
                _env(emulator_process, redis_url, tokens[i], KALTURA_ASYNC_CONCURRENCY="16"),
                tmp_path / f"r{i}.log",
                max_async_tasks=1,  # a partition job runs its own concurrent updates
            )
        )
    redis = Redis.from_url(redis_url)
    store = JobStore(redis, batch)
    try:
        counts = await _wait(
            store,
            lambda c: c["done"] + c["failed"] == RETAG_PARTS,
            "every partition finished",
            workers,
        )
        wall = time.monotonic() - started
        ran_on = {(await store.job(f"{batch}-p{i}")).get("worker") for i in range(RETAG_PARTS)}
    finally:
        await redis.aclose()

    report = emulator_process.ask(cmd="report")
    tagged = sum(1 for e in report["entries"] if "archived-2026" in (e["tags"] or ""))
    updates = report["counters"].get("media.update", 0)
    FIGURES.update(
        {
            "entries": RETAG_ENTRIES,
            "retag workers / partitions": f"{RETAG_WORKERS} / {RETAG_PARTS}",
            "entries updated": counts.get("updated", 0),
            "media.update calls": updates,
            "retag wall time": f"{wall:.1f} s",
        }
    )
    assert counts["failed"] == 0
    assert tagged == RETAG_ENTRIES
    # Every entry carries the tag and there were exactly as many updates as entries:
    # each was updated once.
    assert updates == RETAG_ENTRIES == counts["updated"]
    assert counts.get("unchanged", 0) == 0
    assert len(ran_on) >= 2  # the partitions were spread over workers
