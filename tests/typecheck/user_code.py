"""User code that ``mypy --strict`` must accept, and the mistakes it must reject.

Checked by ``nox -s typecheck`` (``mypy --strict kaltura_async tests/typecheck``), never
run. A line marked ``# type: ignore[code]`` is a mistake mypy has to report: under
``--strict`` an ignore that suppresses nothing is itself an error (``warn_unused_ignores``),
so the session fails the day the public API stops catching that mistake.
"""

from __future__ import annotations

from kaltura_async import (
    UNSET,
    USE_CLIENT_DEFAULT,
    EntryNotFoundError,
    KalturaAPIError,
    KalturaClient,
    KalturaCommunicationError,
    RetryPolicy,
    Timeout,
)
from kaltura_async.types import MediaEntry, MediaEntryFilter


def describe(err: EntryNotFoundError) -> str:
    """An annotation with a per-code error class (a real class, not a ``type()`` call)."""
    code: str = err.code
    return f"{code}: {err.arguments}"


async def fetch(client: KalturaClient, entry_id: str) -> MediaEntry | None:
    try:
        return await client.media.get(entry_id)
    except EntryNotFoundError:
        return None
    except (KalturaAPIError, KalturaCommunicationError):
        raise


def options(client: KalturaClient) -> None:
    client.with_options(timeout=None)  # None: no timeout at all
    client.with_options(timeout=Timeout(total=5), retry=RetryPolicy(max_retries=1))
    client.with_options(language=USE_CLIENT_DEFAULT)
    client.media.list().with_options(retry=None, idempotent=True)
    client.with_options(timout=5)  # type: ignore[arg-type]
    client.media.list().with_options(retri=None)  # type: ignore[arg-type]
    client.with_options(ks=None)  # type: ignore[arg-type]


def keyword_only(client: KalturaClient, entry: MediaEntry) -> None:
    client.media.get("0_abc")  # a leading required id may be positional
    client.media.update("0_abc", media_entry=entry)
    client.media.add(entry)  # type: ignore[call-arg]
    client.media.list(MediaEntryFilter())  # type: ignore[call-arg]


async def items(client: KalturaClient) -> list[str]:
    names: list[str] = []
    async for entry in client.paginate(client.media.list()):
        # The paginator's items carry the list's item type: MediaEntry here.
        reveal: MediaEntry = entry
        # A field a response may leave out is typed so: narrow before use.
        if reveal.name is not UNSET and reveal.name is not None:
            names.append(reveal.name.upper())
        names.append(entry.name.upper())  # type: ignore[union-attr]
        names.append(entry.tags or "")
    async for page in client.paginate(client.media.list()).pages():
        names.append(str(page.total_count))
    return names
