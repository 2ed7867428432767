"""Job state in Redis: which jobs of a batch are queued, running, done or failed.

Redis holds state; taskiq delivers the jobs. Keys (``{b}`` is ``kaltura-async:batch:<id>``):

``{b}:meta``            hash: kind, total, created (Unix seconds)
``{b}:state:<state>``   one set per state (queued, running, done, failed) of job keys; a
                        job is in exactly one of them (moved in a MULTI/EXEC transaction)
``{b}:job:<key>``       hash: entry_id, attempts, error
``{b}:counters``        hash of counts (retag: listed, updated, unchanged)
``{b}:events``          stream of state changes, for ``jobs status --wait``
``kaltura-async:batches``           sorted set of batch ids by creation time
``kaltura-async:lock:<key>``        redis-py lock of one job key (referenceId)
``kaltura-async:upload:<key>``      upload token id of the job key's file, until attached

The lock and the upload token are per job key, not per batch: two batches that ingest the
same file still share one entry.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any, Final, Literal

import anyio

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["PREFIX", "STATES", "JobStore", "State"]

PREFIX: Final = "kaltura-async"
State = Literal["queued", "running", "done", "failed"]
STATES: Final[tuple[State, ...]] = ("queued", "running", "done", "failed")
_EVENTS_MAXLEN: Final = 100_000


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


@contextlib.asynccontextmanager
async def unwrapped() -> AsyncIterator[None]:
    """Re-raise the first real error of a task group's exception group by itself, so the
    callers (and taskiq's logs) see the ``OSError`` or ``KalturaError`` that happened."""
    try:
        yield
    except BaseExceptionGroup as group:
        from ..._client import _first_error

        first = _first_error(group)
        if first is not None:
            raise first from None
        raise


class JobStore:
    """The Redis side of one batch of jobs (``batch`` is its id)."""

    def __init__(self, redis: Redis, batch: str) -> None:
        if not batch or any(c in batch for c in " :\n"):
            raise ValueError(f"bad batch id {batch!r}")
        self.redis = redis
        self.batch = batch
        self._base = f"{PREFIX}:batch:{batch}"

    # ------------------------------------------------------------------ layout

    def _state_key(self, state: State) -> str:
        return f"{self._base}:state:{state}"

    def _job_key(self, key: str) -> str:
        return f"{self._base}:job:{key}"

    @property
    def events_key(self) -> str:
        return f"{self._base}:events"

    @staticmethod
    def lock_key(key: str) -> str:
        return f"{PREFIX}:lock:{key}"

    @staticmethod
    def upload_key(key: str) -> str:
        return f"{PREFIX}:upload:{key}"

    # ------------------------------------------------------------------ batches

    async def create(self, kind: str, keys: Iterable[str]) -> int:
        """Record a new batch with its jobs all queued; returns how many were new."""
        keys = list(keys)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                f"{self._base}:meta",
                mapping={"kind": kind, "total": len(keys), "created": int(time.time())},
            )
            if keys:
                pipe.sadd(self._state_key("queued"), *keys)
            pipe.zadd(f"{PREFIX}:batches", {self.batch: time.time()})
            results = await pipe.execute()
        return int(results[1]) if keys else 0

    async def meta(self) -> dict[str, str]:
        raw = await self.redis.hgetall(f"{self._base}:meta")
        return {_text(k): _text(v) for k, v in raw.items()}

    @staticmethod
    async def latest(redis: Redis) -> str | None:
        found = await redis.zrevrange(f"{PREFIX}:batches", 0, 0)
        return _text(found[0]) if found else None

    # ------------------------------------------------------------------ states

    async def move(self, key: str, state: State, **fields: str | int) -> None:
        """Put job ``key`` in ``state`` (and out of every other), record ``fields``."""
        async with self.redis.pipeline(transaction=True) as pipe:
            for other in STATES:
                if other != state:
                    pipe.srem(self._state_key(other), key)
            pipe.sadd(self._state_key(state), key)
            if fields:
                mapping: dict[Any, Any] = dict(fields)
                pipe.hset(self._job_key(key), mapping=mapping)
            pipe.xadd(
                self.events_key,
                {"key": key, "state": state},
                maxlen=_EVENTS_MAXLEN,
                approximate=True,
            )
            await pipe.execute()

    async def attempt(self, key: str) -> int:
        """Count one more delivery of job ``key``; returns the count."""
        return int(await self.redis.hincrby(self._job_key(key), "attempts", 1))

    async def state_of(self, key: str) -> State | None:
        for state in STATES:
            if await self.redis.sismember(self._state_key(state), key):
                return state
        return None

    async def job(self, key: str) -> dict[str, str]:
        raw = await self.redis.hgetall(self._job_key(key))
        return {_text(k): _text(v) for k, v in raw.items()}

    async def counts(self) -> dict[str, int]:
        """Jobs per state, plus the batch's counters."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for state in STATES:
                pipe.scard(self._state_key(state))
            pipe.hgetall(f"{self._base}:counters")
            results = await pipe.execute()
        counts: dict[str, int] = {s: int(n) for s, n in zip(STATES, results, strict=False)}
        counts.update({_text(k): int(v) for k, v in results[-1].items()})
        return counts

    async def count(self, name: str, n: int = 1) -> None:
        await self.redis.hincrby(f"{self._base}:counters", name, n)

    async def wait_event(self, last_id: str, timeout: float) -> str:
        """Block until a state change after ``last_id`` (or ``timeout`` seconds); returns
        the id to wait from next."""
        found: Any = await self.redis.xread(
            {self.events_key: last_id}, block=max(1, int(timeout * 1000)), count=1000
        )
        for _stream, messages in found or []:
            for message_id, _fields in messages:
                last_id = _text(message_id)
        return last_id

    # ------------------------------------------------------------------ per job key

    async def upload_token_id(self, key: str) -> str | None:
        found = await self.redis.get(self.upload_key(key))
        return None if found is None else _text(found)

    async def set_upload_token_id(self, key: str, token_id: str) -> None:
        await self.redis.set(self.upload_key(key), token_id)

    async def forget_upload_token_id(self, key: str) -> None:
        await self.redis.delete(self.upload_key(key))

    @contextlib.asynccontextmanager
    async def locked(self, key: str, ttl: float) -> AsyncIterator[None]:
        """Hold redis-py's lock of job ``key``, extended every ``ttl / 3`` seconds while held.

        A worker that dies holding it leaves a lock that expires ``ttl`` seconds later; a
        second delivery of the same job waits for it, then finds the work done.
        """
        lock = self.redis.lock(self.lock_key(key), timeout=ttl, blocking=True)
        await lock.acquire()
        try:
            async with unwrapped(), anyio.create_task_group() as tg:

                async def keep() -> None:
                    while True:
                        await anyio.sleep(ttl / 3)
                        await lock.reacquire()

                tg.start_soon(keep)
                try:
                    yield
                finally:
                    tg.cancel_scope.cancel()
        finally:
            with contextlib.suppress(Exception):
                await lock.release()
