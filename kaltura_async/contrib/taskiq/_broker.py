"""The taskiq broker (taskiq-redis's stream broker) and the worker-side dependencies.

``broker`` is built at import from ``KALTURA_ASYNC_REDIS_URL`` (default
``redis://127.0.0.1:6379/0``) and ``KALTURA_ASYNC_REDELIVER_AFTER`` (seconds, default 600),
so both the producer (``kaltura-async jobs ...``) and the workers
(``taskiq worker kaltura_async.contrib.taskiq:broker``) find it by name.

Delivery is at least once: a worker acknowledges a job when it has run; a job whose worker
died stays pending in the stream's consumer group and is claimed by another worker once it
has been idle for ``redeliver_after`` seconds.
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Annotated, Any

from redis.asyncio import Redis
from taskiq import AckableMessage, Context, TaskiqDepends, TaskiqEvents, TaskiqState
from taskiq_redis import RedisStreamBroker

from ..._client import KalturaClient
from ._config import ENV_REDELIVER_AFTER, WorkerSettings, _positive, redis_url_from_env

__all__ = ["QUEUE", "KalturaStreamBroker", "broker", "make_broker", "worker_client", "worker_redis"]

#: The Redis stream the jobs go through (and its consumer group).
QUEUE = "kaltura-async:jobs"


class KalturaStreamBroker(RedisStreamBroker):
    """taskiq-redis's stream broker, reading one job at a time and reclaiming jobs of dead
    workers on every turn.

    The parent class claims idle jobs only after a read that returned new ones, so a job
    left by a dead worker at the end of a run would wait for the next new job; here the
    claim runs after every read, new jobs or not (``xread_block`` bounds the wait). An
    acknowledged job is deleted from the stream as well, so the stream does not grow with
    every job ever run.
    """

    def _ack_generator(self, id: str, queue_name: str) -> Callable[[], Awaitable[None]]:
        async def ack() -> None:
            # Acknowledged jobs are also deleted: the stream holds only work still to do.
            async with Redis(connection_pool=self.connection_pool) as conn:
                async with conn.pipeline(transaction=True) as pipe:
                    pipe.xack(queue_name, self.consumer_group_name, id)
                    pipe.xdel(queue_name, id)
                    await pipe.execute()

        return ack

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        async with Redis(connection_pool=self.connection_pool) as conn:
            while True:
                fetched: Any = await conn.xreadgroup(
                    self.consumer_group_name,
                    self.consumer_name,
                    {self.queue_name: ">"},
                    block=self.block,
                    noack=False,
                    count=self.count,
                )
                for stream, messages in fetched or []:
                    for message_id, message in messages:
                        yield AckableMessage(
                            data=message[b"data"],
                            ack=self._ack_generator(id=message_id, queue_name=stream),
                        )
                claimed: Any = await conn.xautoclaim(
                    self.queue_name,
                    self.consumer_group_name,
                    self.consumer_name,
                    min_idle_time=self.idle_timeout,
                    start_id="0-0",
                    count=self.unacknowledged_batch_size,
                )
                for message_id, message in claimed[1]:
                    if message:  # entries trimmed from the stream come back empty
                        yield AckableMessage(
                            data=message[b"data"],
                            ack=self._ack_generator(id=message_id, queue_name=self.queue_name),
                        )


def make_broker(
    redis_url: str | None = None, *, redeliver_after: float | None = None
) -> KalturaStreamBroker:
    """A broker on ``redis_url``; ``redeliver_after`` seconds before a dead worker's job
    goes to another (defaults from the environment, see the module docstring)."""
    if redeliver_after is None:
        redeliver_after = _positive(os.environ, ENV_REDELIVER_AFTER, 600.0)
    return KalturaStreamBroker(
        redis_url or redis_url_from_env(),
        queue_name=QUEUE,
        consumer_group_name=QUEUE,
        # A new group reads the stream from its start: jobs sent before the first worker
        # ever started are not skipped.
        consumer_id="0",
        xread_block=1000,
        xread_count=1,
        idle_timeout=max(1, int(redeliver_after * 1000)),
        unacknowledged_batch_size=16,
    )


broker = make_broker()


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _open_worker(state: TaskiqState) -> None:
    settings = WorkerSettings.from_env()
    state.kaltura_settings = settings
    state.kaltura_client = settings.client()
    state.kaltura_redis = Redis.from_url(settings.redis_url)


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _close_worker(state: TaskiqState) -> None:
    client = getattr(state, "kaltura_client", None)
    if client is not None:
        await client.aclose()
    redis = getattr(state, "kaltura_redis", None)
    if redis is not None:
        await redis.aclose()


def worker_client(context: Annotated[Context, TaskiqDepends()]) -> KalturaClient:
    """The worker process's one ``KalturaClient`` (a taskiq dependency)."""
    client: KalturaClient = context.state.kaltura_client
    return client


def worker_redis(context: Annotated[Context, TaskiqDepends()]) -> Redis:
    """The worker process's Redis connection pool for job state (a taskiq dependency)."""
    redis: Redis = context.state.kaltura_redis
    return redis


def worker_settings(context: Annotated[Context, TaskiqDepends()]) -> WorkerSettings:
    settings: WorkerSettings = context.state.kaltura_settings
    return settings
