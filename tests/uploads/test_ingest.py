"""client.ingest: upload, then media.add + media.addContent in one multirequest, then wait."""

from __future__ import annotations

from typing import Any

import pytest

from kaltura_async import (
    EntryProcessingError,
    KalturaClient,
    KalturaTimeoutError,
    KalturaValidationError,
)
from kaltura_async.enums import EntryStatus, MediaType, UploadTokenStatus
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import MediaEntry

from .conftest import CHUNK, random_bytes, sha256, tid


def _count_posts(client: KalturaClient) -> list[tuple[str, str | None]]:
    posts: list[tuple[str, str | None]] = []
    original = client.transport.post

    async def spy(service: str, action: str | None, body: Any, **kw: Any) -> Any:
        posts.append((service, action))
        return await original(service, action, body, **kw)

    client.transport.post = spy  # type: ignore[method-assign]
    return posts


async def test_ingest_waits_until_ready(client: KalturaClient, emu: KalturaEmulator) -> None:
    posts = _count_posts(client)
    data = random_bytes(3 * CHUNK + 11)
    entry = await client.ingest(
        data,
        MediaEntry(name="holiday", media_type=MediaType.VIDEO),
        wait_ready=True,
        poll_interval=0.02,
        timeout=30,
        chunk_size=CHUNK,
    )
    assert entry.status == EntryStatus.READY
    assert entry.name == "holiday"
    # media.add and media.addContent went out as one multirequest.
    assert ("multirequest", None) in posts
    assert not any(action in ("add", "addContent") and svc == "media" for svc, action in posts)
    token_id = next(iter(emu.upload_tokens))
    assert emu.upload_tokens[token_id]["status"] == UploadTokenStatus.CLOSED
    assert emu.upload_token_sha256(token_id) == sha256(data)
    assert emu.entries[tid(entry)]["status"] == 2


async def test_ingest_without_waiting_names_the_entry_after_the_file(
    client: KalturaClient, emu: KalturaEmulator, tmp_path: Any
) -> None:
    path = tmp_path / "talk.mp4"
    path.write_bytes(random_bytes(CHUNK))
    entry = await client.ingest(path, chunk_size=CHUNK)
    assert entry.name == "talk.mp4"
    assert entry.media_type == MediaType.VIDEO
    assert entry.status in (EntryStatus.PRECONVERT, EntryStatus.READY)


async def test_ingest_raises_on_a_failed_conversion(
    emu: KalturaEmulator, client: KalturaClient
) -> None:
    emu.config.transcode_delay = 3600.0
    original = client.transport.post
    failed: list[str] = []

    async def fail_before_first_poll(service: str, action: str | None, body: Any, **kw: Any) -> Any:
        if (service, action) == ("media", "get") and not failed:
            # The conversion fails while the entry sits in PRECONVERT.
            emu.entries[body["entryId"]]["status"] = -1
            failed.append(body["entryId"])
        return await original(service, action, body, **kw)

    client.transport.post = fail_before_first_poll  # type: ignore[method-assign]
    with pytest.raises(EntryProcessingError) as info:
        await client.ingest(b"x" * 10, wait_ready=True, poll_interval=0.02, timeout=30)
    assert info.value.entry_id == failed[0]
    assert info.value.status == EntryStatus.ERROR_CONVERTING


async def test_ingest_times_out(emu: KalturaEmulator, client: KalturaClient) -> None:
    emu.config.transcode_delay = 3600.0
    with pytest.raises(KalturaTimeoutError):
        await client.ingest(b"x" * 10, wait_ready=True, poll_interval=0.01, timeout=0.05)


@pytest.mark.parametrize(
    "kwargs",
    [{"timeout": 0}, {"poll_interval": -1}, {"entry": "not an entry"}, {"chunk_size": 0}],
)
async def test_ingest_validates_before_uploading(
    client: KalturaClient, emu: KalturaEmulator, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(KalturaValidationError):
        await client.ingest(b"abc", **kwargs)
    assert emu.counters[("uploadToken", "add")] == 0
