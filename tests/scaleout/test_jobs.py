"""The job steps one at a time, against a real Redis and the in-process emulator: each
kind of interruption the scale-out test may or may not hit, made to happen on purpose."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
import pytest_asyncio
from redis.asyncio import Redis

import kaltura_async.cli as cli
from kaltura_async import KalturaClient, KalturaValidationError
from kaltura_async.contrib.taskiq import (
    JobStore,
    WorkerSettings,
    find_by_reference_id,
    from_plain,
    ingest_one,
    retag_partition,
    retagged,
    to_plain,
)
from kaltura_async.enums import MediaType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import (
    FilterPager,
    MediaEntry,
    MediaEntryFilter,
    UploadedFileTokenResource,
    UploadToken,
)

KEY = "kaj-test-0001"


@pytest_asyncio.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    conn = Redis.from_url(redis_url)
    try:
        yield conn
    finally:
        await conn.aclose()


@pytest.fixture
def media_file(tmp_path: Path) -> tuple[str, bytes]:
    data = bytes(range(256)) * 1200  # 300 KiB
    path = tmp_path / "clip.mp4"
    path.write_bytes(data)
    return str(path), data


def _job(path: str) -> dict[str, object]:
    return {
        "batch": "b1",
        "key": KEY,
        "path": path,
        "entry": to_plain(MediaEntry(name="clip", media_type=MediaType.VIDEO)),
    }


def _content_sha256(emu: KalturaEmulator, entry_id: str) -> str | None:
    for token_id, token in emu.upload_tokens.items():
        if token.get("attachedObjectId") == entry_id and token.get("status") == 3:
            return emu.upload_token_sha256(token_id)
    return None


async def test_a_fresh_job_makes_one_entry_with_the_file(
    kaltura_emulator: KalturaEmulator,
    kaltura_client: KalturaClient,
    redis: Redis,
    media_file: tuple[str, bytes],
) -> None:
    store = JobStore(redis, "b1")
    entry_id = await ingest_one(kaltura_client, store, _job(media_file[0]), lock_ttl=5)
    entry = kaltura_emulator.entries[entry_id]
    assert entry["referenceId"] == KEY and entry["status"] == 2
    assert _content_sha256(kaltura_emulator, entry_id) == hashlib.sha256(media_file[1]).hexdigest()
    assert await store.state_of(KEY) == "done"
    assert (await store.job(KEY))["entry_id"] == entry_id
    assert await store.upload_token_id(KEY) is None


async def test_a_second_run_of_a_finished_job_changes_nothing(
    kaltura_emulator: KalturaEmulator,
    kaltura_client: KalturaClient,
    redis: Redis,
    media_file: tuple[str, bytes],
) -> None:
    store = JobStore(redis, "b1")
    first = await ingest_one(kaltura_client, store, _job(media_file[0]), lock_ttl=5)
    actions = (("media", "add"), ("uploadToken", "add"), ("media", "addContent"))
    before = [kaltura_emulator.counters[action] for action in actions]
    again = await ingest_one(kaltura_client, store, _job(media_file[0]), lock_ttl=5)
    assert again == first and len(kaltura_emulator.entries) == 1
    assert [kaltura_emulator.counters[action] for action in actions] == before == [1, 1, 1]
    assert (await store.job(KEY))["attempts"] == "2"


async def test_a_run_that_died_after_media_add_attaches_to_that_entry(
    kaltura_emulator: KalturaEmulator,
    kaltura_client: KalturaClient,
    redis: Redis,
    media_file: tuple[str, bytes],
) -> None:
    orphan = await kaltura_client.media.add(
        entry=MediaEntry(name="clip", media_type=MediaType.VIDEO, reference_id=KEY)
    )
    entry_id = await ingest_one(
        kaltura_client, JobStore(redis, "b1"), _job(media_file[0]), lock_ttl=5
    )
    assert entry_id == orphan.id
    assert len(kaltura_emulator.entries) == 1
    assert kaltura_emulator.counters[("media", "add")] == 1
    assert _content_sha256(kaltura_emulator, entry_id) == hashlib.sha256(media_file[1]).hexdigest()


async def test_a_run_that_died_mid_upload_resumes_its_token(
    kaltura_emulator: KalturaEmulator,
    kaltura_client: KalturaClient,
    redis: Redis,
    media_file: tuple[str, bytes],
) -> None:
    path, data = media_file
    store = JobStore(redis, "b1")
    await kaltura_client.media.add(
        entry=MediaEntry(name="clip", media_type=MediaType.VIDEO, reference_id=KEY)
    )
    token = await kaltura_client.upload_token.add(
        upload_token=UploadToken(file_name="clip.mp4", file_size=float(len(data)))
    )
    assert isinstance(token.id, str)
    await store.set_upload_token_id(KEY, token.id)
    half = len(data) // 2
    await kaltura_client.upload_token.upload(
        upload_token_id=token.id, file_data=data[:half], resume=False, final_chunk=False
    )
    entry_id = await ingest_one(kaltura_client, store, _job(path), lock_ttl=5)
    assert kaltura_emulator.counters[("uploadToken", "add")] == 1  # the same token, resumed
    assert kaltura_emulator.upload_tokens[token.id]["attachedObjectId"] == entry_id
    assert _content_sha256(kaltura_emulator, entry_id) == hashlib.sha256(data).hexdigest()


async def test_a_run_that_died_after_add_content_is_done(
    kaltura_emulator: KalturaEmulator,
    kaltura_client: KalturaClient,
    redis: Redis,
    media_file: tuple[str, bytes],
) -> None:
    path, _data = media_file
    store = JobStore(redis, "b1")
    entry = await kaltura_client.media.add(
        entry=MediaEntry(name="clip", media_type=MediaType.VIDEO, reference_id=KEY)
    )
    token = await kaltura_client.upload(path)
    await store.set_upload_token_id(KEY, str(token.id))
    await kaltura_client.media.add_content(
        entry_id=str(entry.id), resource=UploadedFileTokenResource(token=token.id)
    )
    assert await ingest_one(kaltura_client, store, _job(path), lock_ttl=5) == entry.id
    assert kaltura_emulator.counters[("media", "addContent")] == 1
    assert kaltura_emulator.counters[("uploadToken", "add")] == 1


async def test_two_deliveries_at_once_make_one_entry(
    kaltura_emulator: KalturaEmulator,
    kaltura_client: KalturaClient,
    redis: Redis,
    media_file: tuple[str, bytes],
) -> None:
    store = JobStore(redis, "b1")
    ids: list[str] = []

    async def run() -> None:
        ids.append(await ingest_one(kaltura_client, store, _job(media_file[0]), lock_ttl=5))

    async with anyio.create_task_group() as tg:
        for _ in range(3):
            tg.start_soon(run)
    assert len(set(ids)) == 1 and len(kaltura_emulator.entries) == 1
    assert kaltura_emulator.counters[("media", "add")] == 1
    assert len(await find_by_reference_id(kaltura_client, KEY)) == 1


async def test_a_failed_job_is_recorded_with_its_error(
    kaltura_client: KalturaClient, redis: Redis, tmp_path: Path
) -> None:
    store = JobStore(redis, "b1")
    with pytest.raises(OSError):
        await ingest_one(kaltura_client, store, _job(str(tmp_path / "gone.mp4")), lock_ttl=5)
    assert await store.state_of(KEY) == "failed"
    assert (await store.job(KEY))["error"].startswith("FileNotFoundError")
    assert (await store.counts())["failed"] == 1


def test_retagged_adds_removes_and_says_when_nothing_changes() -> None:
    assert retagged("a, b", ["c"], []) == "a,b,c"
    assert retagged("a,b,c", ["C"], []) is None
    assert retagged("a,b", [], ["A"]) == "b"
    assert retagged(None, ["x"], []) == "x"
    assert retagged("x", ["y"], ["x"]) == "y"
    assert retagged("", [], ["x"]) is None


async def test_a_partition_walked_twice_updates_each_entry_once(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient, redis: Redis
) -> None:
    from tests.pagination.conftest import seed_spread

    ids = seed_spread(kaltura_emulator, 1200, per_second=4)
    windows = await kaltura_client.partition(kaltura_client.media.list(), parts=3)
    store = JobStore(redis, "r1")
    window = windows[1]
    job = {
        "batch": "r1",
        "key": "r1-p1",
        "filter": to_plain(MediaEntryFilter()),
        "from": window.created_at_from,
        "to": window.created_at_to,
        "add_tags": ["archived"],
    }
    first = await retag_partition(kaltura_client, store, job, concurrency=8, lock_ttl=5)
    second = await retag_partition(kaltura_client, store, job, concurrency=8, lock_ttl=5)
    assert first["updated"] == window.estimated == first["listed"] > 0
    assert second == {
        "listed": window.estimated,
        "updated": 0,
        "unchanged": window.estimated,
        "failed": 0,
    }
    assert kaltura_emulator.counters[("media", "update")] == window.estimated
    tagged = {i for i in ids if "archived" in (kaltura_emulator.entries[i].get("tags") or "")}
    inside = {
        i
        for i in ids
        if window.created_at_from
        <= kaltura_emulator.entries[i]["createdAt"]
        <= window.created_at_to  # type: ignore[operator]
    }
    assert tagged == inside


def test_models_cross_the_queue_as_plain_dicts() -> None:
    flt = MediaEntryFilter(tags_like="news", created_at_greater_than_or_equal=1_700_000_000)
    plain = to_plain(flt)
    assert plain["objectType"] == "KalturaMediaEntryFilter" and plain["tagsLike"] == "news"
    assert from_plain(plain, MediaEntryFilter) == flt
    pager = FilterPager(page_size=5)
    assert from_plain(to_plain(pager), FilterPager) == pager


def test_worker_settings_take_an_app_token_and_refuse_the_admin_secret() -> None:
    env = {
        "KALTURA_SERVICE_URL": "http://127.0.0.1:9",
        "KALTURA_PARTNER_ID": "42",
        "KALTURA_APP_TOKEN_ID": "0_tok",
        "KALTURA_APP_TOKEN": "s3cr3t-token-value",
    }
    settings = WorkerSettings.from_env(env)
    assert settings.partner_id == 42 and settings.app_token_hash == "SHA256"
    assert "s3cr3t-token-value" not in repr(settings)
    with pytest.raises(KalturaValidationError, match="KALTURA_ADMIN_SECRET"):
        WorkerSettings.from_env({**env, "KALTURA_ADMIN_SECRET": "x"})
    with pytest.raises(KalturaValidationError, match="KALTURA_APP_TOKEN_ID, KALTURA_APP_TOKEN"):
        WorkerSettings.from_env({"KALTURA_SERVICE_URL": "http://h", "KALTURA_PARTNER_ID": "1"})
    with pytest.raises(KalturaValidationError, match="LOCK_TTL"):
        WorkerSettings.from_env({**env, "KALTURA_ASYNC_LOCK_TTL": "-1"})


def _cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, stdout=out, stderr=err, environ={})
    return code, out.getvalue(), err.getvalue()


async def test_jobs_ingest_queues_one_job_per_file_and_status_counts_them(
    redis_url: str, redis: Redis, tmp_path: Path
) -> None:
    for i in range(5):
        (tmp_path / f"f{i}.mp4").write_bytes(b"x" * (i + 1))
    code, out, err = await anyio.to_thread.run_sync(
        _cli, ["jobs", "ingest", str(tmp_path), "--redis", redis_url, "--batch", "cli-1"]
    )
    assert code == 0, err
    assert "batch cli-1: 5 ingest jobs queued" in out
    assert await redis.xlen("kaltura-async:jobs") == 5
    code, out, err = await anyio.to_thread.run_sync(
        _cli, ["jobs", "status", "--redis", redis_url, "--json"]
    )
    assert code == 0, err
    assert '"queued": 5' in out and '"batch": "cli-1"' in out


async def test_jobs_commands_report_an_unreachable_redis_without_its_password(
    tmp_path: Path,
) -> None:
    code, _out, err = await anyio.to_thread.run_sync(
        _cli, ["jobs", "status", "--redis", "redis://user:hunter2@127.0.0.1:1/0"]
    )
    assert code == 1
    assert "cannot reach Redis" in err and "hunter2" not in err


async def test_update_entry_delivered_twice_updates_once(
    kaltura_emulator: KalturaEmulator, kaltura_client: KalturaClient, redis: Redis, redis_url: str
) -> None:
    from kaltura_async.contrib.taskiq import update_entry

    (entry_id,) = kaltura_emulator.seed_entries(1, tags="a")
    settings = WorkerSettings(
        service_url=kaltura_emulator.url,
        partner_id=kaltura_emulator.partner_id,
        app_token_id="unused",
        app_token="unused",
        redis_url=redis_url,
        lock_ttl=5,
    )
    job = {"batch": "u1", "key": f"u1-{entry_id}", "entry_id": entry_id, "add_tags": ["b"]}
    run = update_entry.original_func
    assert await run(job, kaltura_client, redis, settings) is True
    assert await run(job, kaltura_client, redis, settings) is False
    assert kaltura_emulator.entries[entry_id]["tags"] == "a,b"
    assert kaltura_emulator.counters[("media", "update")] == 1
    counts = await JobStore(redis, "u1").counts()
    assert counts["done"] == 1 and counts["updated"] == 1 and counts["unchanged"] == 1


async def test_jobs_retag_by_entry_id_queues_one_job_per_entry(
    redis_url: str, redis: Redis
) -> None:
    code, out, err = await anyio.to_thread.run_sync(
        _cli,
        [
            "jobs",
            "retag",
            "--add-tags",
            "x",
            "--entry-id",
            "0_a",
            "--entry-id",
            "0_b",
            "--redis",
            redis_url,
            "--batch",
            "cli-2",
        ],
    )
    assert code == 0, err
    assert "batch cli-2: 2 entry jobs queued" in out
    assert await redis.xlen("kaltura-async:jobs") == 2
    assert (await JobStore(redis, "cli-2").counts())["queued"] == 2


async def test_jobs_retag_without_tags_is_refused_before_any_io(redis_url: str) -> None:
    code, _out, err = await anyio.to_thread.run_sync(
        _cli, ["jobs", "retag", "--redis", redis_url, "--entry-id", "0_a"]
    )
    assert code == 1 and "--add-tags" in err
