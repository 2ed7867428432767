"""One-call ingestion: upload a file, create the entry and attach the token, and wait
(optionally) until the entry is READY."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import anyio
import attrs

from ._errors import EntryProcessingError, KalturaTimeoutError, KalturaValidationError
from ._model import UNSET
from ._readers import UploadSource
from ._upload import upload
from .enums.entry_status import EntryStatus

if TYPE_CHECKING:
    from ._client import KalturaClient
    from .types.media_entry import MediaEntry

__all__ = ["ingest", "wait_until_ready"]

#: Entry statuses after which the entry never becomes READY.
_FAILED_STATUSES: Final = frozenset(
    {
        EntryStatus.ERROR_IMPORTING,
        EntryStatus.ERROR_CONVERTING,
        EntryStatus.DELETED,
        EntryStatus.INFECTED,
    }
)


async def ingest(
    client: KalturaClient,
    source: UploadSource,
    entry: MediaEntry | None = None,
    *,
    wait_ready: bool = False,
    timeout: float = 3600.0,
    poll_interval: float = 2.0,
    **upload_kwargs: Any,
) -> MediaEntry:
    """Upload ``source``, then create the entry and attach the token in one multirequest.
    See :meth:`KalturaClient.ingest`."""
    from .enums.media_type import MediaType
    from .types.media_entry import MediaEntry
    from .types.uploaded_file_token_resource import UploadedFileTokenResource

    for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise KalturaValidationError(f"{name} must be a positive number", field=name)
    if entry is not None and not isinstance(entry, MediaEntry):
        raise KalturaValidationError("entry must be a MediaEntry", field="entry")
    token = await upload(client, source, **upload_kwargs)
    if entry is None:
        entry = MediaEntry(media_type=MediaType.VIDEO)
    if entry.name is UNSET:
        entry = attrs.evolve(entry, name=token.file_name)
    mr = client.multirequest()
    added = mr.add(client.media.add(entry=entry))
    content = mr.add(
        client.media.add_content(
            entry_id=added.id, resource=UploadedFileTokenResource(token=token.id)
        )
    )
    results = await mr.execute()
    results[added]  # the entry's own failure explains the attach failure best
    result: MediaEntry = results[content]
    if not wait_ready:
        return result
    assert isinstance(result.id, str)
    return await wait_until_ready(client, result.id, timeout=timeout, poll_interval=poll_interval)


async def wait_until_ready(
    client: KalturaClient, entry_id: str, *, timeout: float, poll_interval: float
) -> MediaEntry:
    """Poll ``media.get`` with a growing interval until the entry is READY.

    Raises :class:`EntryProcessingError` on a status that never leads to READY, and
    :class:`KalturaTimeoutError` when ``timeout`` seconds pass first.
    """
    deadline = anyio.current_time() + timeout
    interval = poll_interval
    while True:
        entry = await client.media.get(entry_id)
        status = EntryStatus(entry.status) if isinstance(entry.status, str) else None
        if status == EntryStatus.READY:
            return entry
        if status in _FAILED_STATUSES:
            raise EntryProcessingError(entry_id, entry.status)
        left = deadline - anyio.current_time()
        if left <= 0:
            shown = status.value if status is not None else entry.status
            raise KalturaTimeoutError(
                f"entry {entry_id} not READY after {timeout:g}s (status {shown})",
                service="media",
                action="get",
            )
        await anyio.sleep(min(interval, left))
        # Conversions take seconds to hours: back off to spare the API, up to a minute.
        interval = min(interval * 1.5, 60.0)
