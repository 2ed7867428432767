"""``kaltura-async jobs``: send ingest and re-tag jobs to taskiq workers, and watch them.

``jobs ingest DIR``   one ingest job per file under DIR (its key: a hash of the absolute
                      path, which becomes the entry's referenceId)
``jobs retag``        the entry list split into ``--parts`` createdAt windows, one job each
                      (``--entry-id`` instead: one job per entry)
``jobs status``       jobs per state and the batch's counters; ``--wait`` draws a progress
                      bar until no job is queued or running

Redis is ``--redis URL`` or ``KALTURA_ASYNC_REDIS_URL``. Only ``retag`` talks to Kaltura
(the count queries that size the windows), with the command line's usual connection
settings. This module imports taskiq only when a command runs (the ``taskiq`` extra).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit, urlunsplit

from .._errors import KalturaValidationError

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from ..cli import Settings
    from .taskiq._store import JobStore

__all__ = ["add_parser", "job_key"]

_RUNNING_STATES = ("queued", "running")


def job_key(path: Path) -> str:
    """The key (and entry referenceId) of a file: ``kaj-`` and 28 hex digits of the
    SHA-256 of its absolute path."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()
    return f"kaj-{digest[:28]}"


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username or ''}:<redacted>@{host}" + (
            f":{parts.port}" if parts.port else ""
        )
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _redis_url(args: argparse.Namespace) -> str:
    from .taskiq._config import redis_url_from_env

    return str(args.redis or redis_url_from_env())


def _new_batch(kind: str) -> str:
    return f"{kind}-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{secrets.token_hex(3)}"


class _Redis:
    """A Redis client for one command; its errors become OSErrors the CLI reports."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self.url = url
        self.redis: Redis = Redis.from_url(url)

    async def __aenter__(self) -> Redis:
        from redis.exceptions import RedisError

        try:
            await self.redis.ping()
        except RedisError as exc:
            await self.redis.aclose()
            raise ConnectionError(f"cannot reach Redis at {_safe_url(self.url)}: {exc}") from None
        return self.redis

    async def __aexit__(self, *exc: object) -> None:
        await self.redis.aclose()


async def _kick(url: str, task: Any, jobs: Sequence[dict[str, Any]]) -> None:
    from .taskiq._broker import make_broker

    broker = make_broker(url)
    await broker.startup()
    try:
        for job in jobs:
            await task.kicker().with_broker(broker).kiq(job)
    finally:
        await broker.shutdown()


# ---------------------------------------------------------------------------- commands


def _files(root: Path, pattern: str) -> list[Path]:
    if not root.is_dir():
        raise KalturaValidationError(f"no such directory: {root}", field="dir")
    return sorted(p for p in root.rglob(pattern) if p.is_file())


async def _cmd_ingest(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from .._model import UNSET
    from ..enums.media_type import MediaType
    from ..types.media_entry import MediaEntry
    from .taskiq._convert import to_plain
    from .taskiq._store import JobStore
    from .taskiq._tasks import ingest_file

    root = Path(args.dir)
    files = _files(root, args.pattern)
    if not files:
        raise KalturaValidationError(f"no file matches {args.pattern!r} under {root}", field="dir")
    media_type = MediaType(args.media_type)
    jobs: list[dict[str, Any]] = []
    batch = args.batch or _new_batch("ingest")
    for path in files:
        entry = MediaEntry(name=path.stem, media_type=media_type, tags=args.tags or UNSET)
        jobs.append(
            {
                "batch": batch,
                "key": job_key(path),
                "path": str(path.resolve()),
                "entry": to_plain(entry),
            }
        )
    url = _redis_url(args)
    async with _Redis(url) as redis:
        await JobStore(redis, batch).create("ingest", [j["key"] for j in jobs])
        await _kick(url, ingest_file, jobs)
        out.write(f"batch {batch}: {len(jobs)} ingest jobs queued\n")
        if args.wait:
            return await _watch(JobStore(redis, batch), args, out)
    return 0


async def _cmd_retag(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from ..cli import parse_assignments
    from ..types.media_entry_filter import MediaEntryFilter
    from .taskiq._convert import from_plain, to_plain
    from .taskiq._store import JobStore
    from .taskiq._tasks import process_partition, update_entry

    add = [t for t in (args.add_tags or "").split(",") if t.strip()]
    remove = [t for t in (args.remove_tags or "").split(",") if t.strip()]
    if not add and not remove:
        raise KalturaValidationError("give --add-tags and/or --remove-tags", field="add_tags")
    batch = args.batch or _new_batch("retag")
    url = _redis_url(args)
    jobs: list[dict[str, Any]] = []
    task: Any
    if args.entry_id:
        task = update_entry
        for entry_id in args.entry_id:
            jobs.append(
                {
                    "batch": batch,
                    "key": f"{batch}-{entry_id}",
                    "entry_id": entry_id,
                    "add_tags": add,
                    "remove_tags": remove,
                }
            )
        note = f"{len(jobs)} entry jobs"
    else:
        task = process_partition
        wire = parse_assignments(args.filter or [])
        flt = from_plain({**wire, "objectType": "KalturaMediaEntryFilter"}, MediaEntryFilter)
        async with settings.client() as client:
            windows = await client.partition(client.media.list(filter=flt), parts=args.parts)
        plain = to_plain(flt)
        for window in windows:
            jobs.append(
                {
                    "batch": batch,
                    "key": f"{batch}-p{window.index}",
                    "filter": plain,
                    "from": window.created_at_from,
                    "to": window.created_at_to,
                    "add_tags": add,
                    "remove_tags": remove,
                }
            )
        entries = sum(w.estimated for w in windows)
        note = f"{len(jobs)} partition jobs over {entries} entries"
    async with _Redis(url) as redis:
        store = JobStore(redis, batch)
        await store.create("retag", [j["key"] for j in jobs])
        if not args.entry_id:
            await redis.hset(f"kaltura-async:batch:{batch}:meta", "entries", entries)
        await _kick(url, task, jobs)
        out.write(f"batch {batch}: {note} queued\n")
        if args.wait:
            return await _watch(store, args, out)
    return 0


async def _cmd_status(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from .taskiq._store import JobStore

    async with _Redis(_redis_url(args)) as redis:
        batch = args.batch or await JobStore.latest(redis)
        if batch is None:
            raise KalturaValidationError("no batch in this Redis yet", field="batch")
        store = JobStore(redis, batch)
        if args.wait:
            return await _watch(store, args, out)
        _print_counts(batch, await store.meta(), await store.counts(), args.json, out)
    return 0


def _print_counts(
    batch: str, meta: dict[str, str], counts: dict[str, int], as_json: bool, out: TextIO
) -> None:
    if as_json:
        out.write(json.dumps({"batch": batch, **meta, **counts}, sort_keys=True) + "\n")
        return
    out.write(f"batch {batch} ({meta.get('kind', '?')}, {meta.get('total', '?')} jobs)\n")
    for name, value in counts.items():
        out.write(f"  {name:<10} {value}\n")


async def _watch(store: JobStore, args: argparse.Namespace, out: TextIO) -> int:
    """Progress until no job is queued or running; exit 1 if any failed."""
    meta = await store.meta()
    total = int(meta.get("total", "0"))
    bar = _bar(store.batch, total, getattr(args, "err", sys.stderr))
    last_id = "0-0"
    try:
        while True:
            counts = await store.counts()
            bar(counts["done"] + counts["failed"])
            if not any(counts[s] for s in _RUNNING_STATES):
                break
            # Blocks on the batch's events stream: each state change wakes it.
            last_id = await store.wait_event(last_id, timeout=5.0)
    finally:
        bar(None)
    _print_counts(store.batch, meta, counts, args.json, out)
    return 1 if counts["failed"] else 0


def _bar(label: str, total: int, stream: TextIO) -> Callable[[int | None], None]:
    """``update(done)``; ``update(None)`` closes it. tqdm when installed, else one line."""
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:

        def plain(done: int | None) -> None:
            if done is not None and done >= total:
                stream.write(f"{label}: {done}/{total} jobs finished\n")

        return plain
    bar = tqdm(total=total, desc=label, unit="job", file=stream, leave=True)

    def update(done: int | None) -> None:
        if done is None:
            bar.close()
        else:
            bar.update(done - bar.n)

    return update


# ---------------------------------------------------------------------------- parser


def add_parser(
    sub: Any,
    *,
    parents: list[argparse.ArgumentParser],
    connection: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add ``jobs`` and its subcommands to the ``kaltura-async`` parser."""
    jobs = sub.add_parser(
        "jobs",
        parents=parents,
        help="send ingest and re-tag jobs to taskiq workers (the taskiq extra)",
        description="Workers run as: taskiq worker kaltura_async.contrib.taskiq:broker",
    )
    jobs_sub = jobs.add_subparsers(dest="jobs_command", metavar="{ingest,retag,status}")
    jobs_sub.required = True

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--redis", help="Redis URL [KALTURA_ASYNC_REDIS_URL]")
        parser.add_argument("--batch", help="batch id (default: a new one; status: the latest)")
        parser.add_argument("--json", action="store_true", help="print the counts as JSON")

    ingest = jobs_sub.add_parser("ingest", parents=parents, help="one ingest job per file")
    ingest.add_argument("dir", help="directory of files; workers must read the same paths")
    ingest.add_argument("--pattern", default="*", help="file glob, recursive (default *)")
    ingest.add_argument("--media-type", type=int, default=1, help="1 video, 2 image, 5 audio")
    ingest.add_argument("--tags", help="tags of every new entry")
    ingest.add_argument("--wait", action="store_true", help="show progress until done")
    common(ingest)
    ingest.set_defaults(run=_cmd_ingest)

    retag = jobs_sub.add_parser(
        "retag", parents=parents, help="add/remove tags on every entry a filter matches"
    )
    retag.add_argument("--add-tags", help="comma-separated tags to add")
    retag.add_argument("--remove-tags", help="comma-separated tags to remove")
    retag.add_argument(
        "--filter",
        action="append",
        metavar="key=value",
        help="media entry filter, wire names (repeat): --filter tagsLike=news",
    )
    retag.add_argument("--parts", type=int, default=4, help="createdAt windows (default 4)")
    retag.add_argument(
        "--entry-id", action="append", help="re-tag these entries only, one job each (repeat)"
    )
    retag.add_argument("--wait", action="store_true", help="show progress until done")
    common(retag)
    connection(retag)
    retag.set_defaults(run=_cmd_retag)

    status = jobs_sub.add_parser("status", parents=parents, help="jobs per state of a batch")
    status.add_argument("--wait", action="store_true", help="progress bar until finished")
    common(status)
    status.set_defaults(run=_cmd_status)
