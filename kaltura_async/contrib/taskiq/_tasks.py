"""The tasks: ingest one file, update one entry, process one partition of a list.

Each takes one plain-dict argument (JSON through Redis; models inside it are the SDK
converter's dicts, see :mod:`._convert`) and gets the worker's client, Redis and settings
as taskiq dependencies. What they do, and why running one twice is harmless, is in
:mod:`._jobs`.
"""

from __future__ import annotations

from typing import Annotated, Any

from redis.asyncio import Redis
from taskiq import TaskiqDepends

from ..._client import KalturaClient
from ._broker import broker, worker_client, worker_redis, worker_settings
from ._config import WorkerSettings
from ._jobs import ingest_one, retag_one, retag_partition
from ._store import JobStore

__all__ = ["ingest_file", "process_partition", "update_entry"]


@broker.task(task_name="kaltura_async.ingest_file")
async def ingest_file(
    job: dict[str, Any],
    client: Annotated[KalturaClient, TaskiqDepends(worker_client)],
    redis: Annotated[Redis, TaskiqDepends(worker_redis)],
    settings: Annotated[WorkerSettings, TaskiqDepends(worker_settings)],
) -> str:
    """``{"batch", "key", "path", "entry"}``: the file at ``path`` (readable by every
    worker) into one entry whose ``referenceId`` is ``key``; returns the entry id."""
    store = JobStore(redis, job["batch"])
    return await ingest_one(client, store, job, lock_ttl=settings.lock_ttl)


@broker.task(task_name="kaltura_async.update_entry")
async def update_entry(
    job: dict[str, Any],
    client: Annotated[KalturaClient, TaskiqDepends(worker_client)],
    redis: Annotated[Redis, TaskiqDepends(worker_redis)],
    settings: Annotated[WorkerSettings, TaskiqDepends(worker_settings)],
) -> bool:
    """``{"batch", "key", "entry_id", "add_tags", "remove_tags"}``: re-tag one entry;
    True when it was updated (False: it already had those tags)."""
    from ._jobs import _error_text, _tags, worker_id

    store = JobStore(redis, job["batch"])
    key = job["key"]
    async with store.locked(key, settings.lock_ttl):
        await store.move(key, "running", attempts=await store.attempt(key), worker=worker_id())
        try:
            entry = await client.media.get(job["entry_id"])
            changed = await retag_one(
                client, entry, _tags(job.get("add_tags")), _tags(job.get("remove_tags"))
            )
        except Exception as exc:
            await store.move(key, "failed", error=_error_text(exc))
            raise
        await store.count("updated" if changed else "unchanged")
        await store.move(key, "done", error="")
    return changed


@broker.task(task_name="kaltura_async.process_partition")
async def process_partition(
    job: dict[str, Any],
    client: Annotated[KalturaClient, TaskiqDepends(worker_client)],
    redis: Annotated[Redis, TaskiqDepends(worker_redis)],
    settings: Annotated[WorkerSettings, TaskiqDepends(worker_settings)],
) -> dict[str, int]:
    """``{"batch", "key", "filter", "from", "to", "add_tags", "remove_tags"}``: re-tag
    every entry of one ``createdAt`` window (see ``client.partition``)."""
    store = JobStore(redis, job["batch"])
    return await retag_partition(
        client, store, job, concurrency=settings.concurrency, lock_ttl=settings.lock_ttl
    )
