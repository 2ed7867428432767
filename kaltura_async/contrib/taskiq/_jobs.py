"""What the tasks do, apart from taskiq: ingest one file, re-tag entries, walk a partition.

Exactly-once effects under at-least-once delivery. A job can run twice (its worker died
after ``media.add`` and before the acknowledgement, or it was slow past ``redeliver_after``);
every step is therefore found out from Kaltura before it is done:

ingest
    The job key is the entry's ``referenceId``. Under the key's Redis lock, the entry is
    looked up by it (every status but DELETED); none: ``media.add``. An entry without
    content gets it: the upload token whose id is kept in Redis is resumed from the bytes
    it already holds (or a new one is made and its id stored before a byte is sent), then
    ``media.addContent``. An entry with content is done.
re-tag
    The new tags are computed from the entry's tags; an entry that already has them is
    left alone, so a second walk over a partition updates nothing twice.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

import anyio
import attrs

from ..._errors import KalturaAPIError, KalturaError
from ..._logging import redact_text
from ._convert import from_plain
from ._store import JobStore, unwrapped

if TYPE_CHECKING:
    from ..._client import KalturaClient
    from ...types.media_entry import MediaEntry
    from ...types.upload_token import UploadToken

__all__ = ["find_by_reference_id", "ingest_one", "retag_partition", "retag_one", "retagged"]

#: Every entry status but DELETED (3): an entry still waiting for its content is NO_CONTENT
#: (7) or IMPORT (0), which a list without ``statusIn`` leaves out (READY only).
_LIVE_STATUSES: Final = "-2,-1,0,1,2,4,5,6,7"
_NO_CONTENT, _IMPORT = "7", "0"
# Upload token statuses (KalturaUploadTokenStatus).
_PENDING, _PARTIAL, _FULL, _CLOSED = 0, 1, 2, 3


def worker_id() -> str:
    """``host:pid`` of this worker process, recorded on each job it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _status(entry: Any) -> str:
    return str(getattr(entry.status, "value", entry.status))


def _error_text(exc: BaseException) -> str:
    return redact_text(f"{type(exc).__name__}: {exc}")[:500]


async def find_by_reference_id(client: KalturaClient, key: str) -> list[MediaEntry]:
    """The live entries whose ``referenceId`` is ``key``, oldest first."""
    from ...types.filter_pager import FilterPager
    from ...types.media_entry_filter import MediaEntryFilter

    page = await client.media.list(
        filter=MediaEntryFilter(
            reference_id_equal=key, status_in=_LIVE_STATUSES, order_by="+createdAt"
        ),
        pager=FilterPager(page_size=50),
    )
    return [e for e in (page.objects or []) if getattr(e, "reference_id", None) == key]


async def _token(client: KalturaClient, token_id: str) -> UploadToken | None:
    from ..._errors import UploadTokenNotFoundError

    try:
        return await client.upload_token.get(token_id)
    except UploadTokenNotFoundError:
        return None


async def _upload(
    client: KalturaClient, store: JobStore, key: str, path: str, entry_id: str
) -> str | None:
    """A FULL upload token holding the file (resumed when Redis knows one); None when
    the stored token is already attached to this entry."""
    from ...types.upload_token import UploadToken

    token_id = await store.upload_token_id(key)
    if token_id is not None:
        token = await _token(client, token_id)
        status = None if token is None else int(str(getattr(token.status, "value", token.status)))
        if token is not None and status == _FULL:
            return token_id
        if token is not None and status in (_PENDING, _PARTIAL):
            await client.upload(path, upload_token_id=token_id)
            return token_id
        if token is not None and status == _CLOSED and token.attached_object_id == entry_id:
            return None
    size = (await anyio.Path(path).stat()).st_size
    created = await client.upload_token.add(
        upload_token=UploadToken(file_name=os.path.basename(path), file_size=float(size))
    )
    assert isinstance(created.id, str)
    # Kept before a byte is sent: a worker that dies mid-upload leaves a token to resume.
    await store.set_upload_token_id(key, created.id)
    await client.upload(path, upload_token_id=created.id)
    return created.id


async def ingest_one(
    client: KalturaClient, store: JobStore, job: dict[str, Any], *, lock_ttl: float
) -> str:
    """Run one ingest job (``key``, ``path``, ``entry`` as a plain dict); returns the
    entry id. Safe to run any number of times, at once or one after another."""
    from ...types.media_entry import MediaEntry
    from ...types.uploaded_file_token_resource import UploadedFileTokenResource

    key, path = job["key"], job["path"]
    template = from_plain(job["entry"], MediaEntry)
    async with store.locked(key, lock_ttl):
        attempts = await store.attempt(key)
        await store.move(key, "running", attempts=attempts, worker=worker_id())
        try:
            found = await find_by_reference_id(client, key)
            if found:
                entry = found[0]
            else:
                entry = await client.media.add(entry=attrs.evolve(template, reference_id=key))
            assert isinstance(entry.id, str)
            status = _status(entry)
            if status in (_NO_CONTENT, _IMPORT):
                token_id = await _upload(client, store, key, path, entry.id)
                if token_id is not None and status == _NO_CONTENT:
                    await _attach(client, entry.id, UploadedFileTokenResource(token=token_id))
            await store.forget_upload_token_id(key)
        except (KalturaError, OSError) as exc:
            await store.move(key, "failed", error=_error_text(exc))
            raise
        await store.move(key, "done", entry_id=entry.id, error="")
        return entry.id


async def _attach(client: KalturaClient, entry_id: str, resource: Any) -> None:
    from ..._errors import EntryAlreadyWithContentError

    try:
        await client.media.add_content(entry_id=entry_id, resource=resource)
    except EntryAlreadyWithContentError:
        # An earlier run attached it and died before recording so.
        return


# ---------------------------------------------------------------------------- re-tag


def _split(tags: str | None) -> list[str]:
    return [t.strip() for t in (tags or "").split(",") if t.strip()]


def retagged(tags: str | None, add: Sequence[str], remove: Sequence[str]) -> str | None:
    """The entry's new ``tags``, or None when it already has what was asked."""
    have = _split(tags)
    gone = {t.lower() for t in remove}
    kept = [t for t in have if t.lower() not in gone]
    present = {t.lower() for t in kept}
    new = kept + [t for t in add if t.lower() not in present]
    if [t.lower() for t in new] == [t.lower() for t in have]:
        return None
    return ",".join(new)


async def retag_one(
    client: KalturaClient, entry: MediaEntry, add: Sequence[str], remove: Sequence[str]
) -> bool:
    """Update ``entry``'s tags when they lack ``add`` or hold ``remove``; True if updated."""
    from ...types.media_entry import MediaEntry

    new = retagged(entry.tags if isinstance(entry.tags, str) else None, add, remove)
    if new is None:
        return False
    assert isinstance(entry.id, str)
    await client.media.update(entry_id=entry.id, media_entry=MediaEntry(tags=new))
    return True


async def retag_partition(
    client: KalturaClient,
    store: JobStore,
    job: dict[str, Any],
    *,
    concurrency: int,
    lock_ttl: float,
) -> dict[str, int]:
    """Walk one partition (``filter`` as a plain dict, ``from``/``to`` createdAt bounds)
    with the cursor and re-tag each entry; returns the counts of this run."""
    from ..._model import UNSET
    from ...types.media_entry_filter import MediaEntryFilter

    key = job["key"]
    add, remove = _tags(job.get("add_tags")), _tags(job.get("remove_tags"))
    flt = from_plain(job.get("filter") or {}, MediaEntryFilter)
    low, high = job.get("from"), job.get("to")
    flt = attrs.evolve(
        flt,
        created_at_greater_than_or_equal=UNSET if low is None else low,
        created_at_less_than_or_equal=UNSET if high is None else high,
    )
    counts = {"listed": 0, "updated": 0, "unchanged": 0, "failed": 0}
    errors: list[str] = []
    async with store.locked(key, lock_ttl):
        attempts = await store.attempt(key)
        await store.move(key, "running", attempts=attempts, worker=worker_id())
        # Taken by the walk before it starts an update, given back when the update ends:
        # at most ``concurrency`` updates in flight, and the walk waits for a free one.
        slots = anyio.Semaphore(concurrency)

        async def one(entry: MediaEntry) -> None:
            try:
                changed = await retag_one(client, entry, add, remove)
            except KalturaAPIError as exc:
                counts["failed"] += 1
                errors.append(_error_text(exc))
                await store.count("failed")
                return
            finally:
                slots.release()
            name = "updated" if changed else "unchanged"
            counts[name] += 1
            await store.count(name)

        try:
            async with unwrapped(), anyio.create_task_group() as tg:
                pages = client.paginate(client.media.list(filter=flt), strategy="cursor")
                async for entry in pages:
                    counts["listed"] += 1
                    await slots.acquire()
                    tg.start_soon(one, entry)
        except (KalturaError, OSError) as exc:
            await store.move(key, "failed", error=_error_text(exc), **_prefixed(counts))
            raise
        if counts["failed"]:
            await store.move(key, "failed", error=errors[0], **_prefixed(counts))
        else:
            await store.move(key, "done", error="", **_prefixed(counts))
    return counts


def _prefixed(counts: dict[str, int]) -> dict[str, int]:
    return {f"last_{k}": v for k, v in counts.items()}


def _tags(value: Iterable[str] | str | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return _split(value)
    return [t.strip() for t in value if t.strip()]
