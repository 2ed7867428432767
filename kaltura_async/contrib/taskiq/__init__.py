"""Scale-out on taskiq and Redis: ingestion and bulk jobs across many worker machines.

Install with ``pip install 'kaltura-async[taskiq]'``; run workers with::

    taskiq worker kaltura_async.contrib.taskiq:broker --workers 1 --max-async-tasks 8

and send work with ``kaltura-async jobs ingest DIR`` / ``jobs retag`` (see
``docs/scale-out.md``). Jobs are delivered at least once by taskiq-redis's stream broker;
their effects happen once (:mod:`._jobs`). Each worker process builds one
``KalturaClient`` from its environment (:class:`WorkerSettings`), with a KS from an app
token, and closes it on shutdown.
"""

from __future__ import annotations

from ._broker import QUEUE, KalturaStreamBroker, broker, make_broker, worker_client
from ._config import WorkerSettings
from ._convert import from_plain, to_plain
from ._jobs import find_by_reference_id, ingest_one, retag_one, retag_partition, retagged
from ._store import JobStore
from ._tasks import ingest_file, process_partition, update_entry

__all__ = [
    "QUEUE",
    "JobStore",
    "KalturaStreamBroker",
    "WorkerSettings",
    "broker",
    "find_by_reference_id",
    "from_plain",
    "ingest_file",
    "ingest_one",
    "make_broker",
    "process_partition",
    "retag_one",
    "retag_partition",
    "retagged",
    "to_plain",
    "update_entry",
    "worker_client",
]
