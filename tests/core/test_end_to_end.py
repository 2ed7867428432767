"""The generated surface through the real transport to the emulator."""

from __future__ import annotations

import pytest

from kaltura_async import EntryNotFoundError, KalturaClient, KalturaValidationError
from kaltura_async.enums import EntryStatus, MediaType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import (
    FilterPager,
    MediaEntry,
    MediaEntryFilter,
    MediaListResponse,
    Resource,
    UploadedFileTokenResource,
    UploadToken,
)


async def test_media_list_returns_typed_entries(kaltura_client: KalturaClient) -> None:
    for i in range(3):
        await kaltura_client.media.add(entry=MediaEntry(name=f"x-{i}", media_type=MediaType.IMAGE))
    page = await kaltura_client.media.list(
        filter=MediaEntryFilter(name_like="x", status_in="2,7"), pager=FilterPager(page_size=5)
    )
    assert isinstance(page, MediaListResponse)
    assert page.total_count == 3
    assert all(type(e) is MediaEntry for e in page.objects)
    assert {e.name for e in page.objects} == {"x-0", "x-1", "x-2"}
    assert all(e.media_type is MediaType.IMAGE for e in page.objects)


async def test_add_upload_attach_lifecycle(
    kaltura_client: KalturaClient, kaltura_emulator: KalturaEmulator
) -> None:
    c = kaltura_client
    token = await c.upload_token.add(upload_token=UploadToken(file_name="a.jpg"))
    token = await c.upload_token.upload(upload_token_id=token.id, file_data=b"\xff\xd8 image bytes")
    entry = await c.media.add(entry=MediaEntry(name="pic", media_type=MediaType.IMAGE))
    assert entry.status == EntryStatus.NO_CONTENT
    entry = await c.media.add_content(
        entry_id=entry.id, resource=UploadedFileTokenResource(token=token.id)
    )
    assert entry.status is EntryStatus.READY
    assert kaltura_emulator.multipart_filenames[-1] == "file.bin"


async def test_partial_update_and_null(kaltura_client: KalturaClient) -> None:
    c = kaltura_client
    entry = await c.media.add(
        entry=MediaEntry(name="n", description="d", media_type=MediaType.VIDEO)
    )
    updated = await c.media.update(
        entry_id=entry.id, media_entry=MediaEntry(description=None, tags="t1")
    )
    assert updated.name == "n" and updated.tags == "t1"
    assert not updated.description


async def test_typed_errors_and_validation(
    kaltura_client: KalturaClient, kaltura_emulator: KalturaEmulator
) -> None:
    with pytest.raises(EntryNotFoundError):
        await kaltura_client.media.get(entry_id="0_nothere")
    before = kaltura_emulator.counters[("media", "addContent")]
    with pytest.raises(KalturaValidationError, match="abstract"):
        await kaltura_client.media.add_content(entry_id="0_x", resource=Resource())
    assert kaltura_emulator.counters[("media", "addContent")] == before


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda c: c.media.get(entry_id=None), "entryId"),
        (lambda c: c.media.get(entry_id=""), "entryId"),
        (lambda c: c.media.get(entry_id="  "), "entryId"),
        (lambda c: c.media.add(entry=None), "entry"),
        (lambda c: c.upload_token.upload(upload_token_id="0_x", file_data=None), "fileData"),
    ],
)
async def test_missing_required_arguments_fail_before_io(
    kaltura_client: KalturaClient, kaltura_emulator: KalturaEmulator, make: object, field: str
) -> None:
    before = dict(kaltura_emulator.counters)
    with pytest.raises(KalturaValidationError) as info:
        await make(kaltura_client)  # type: ignore[operator]
    assert info.value.field == field and field in str(info.value)
    assert dict(kaltura_emulator.counters) == before


def test_secret_fields_are_hidden_in_model_reprs() -> None:
    from kaltura_async.types import AppToken, SessionInfo

    token = AppToken(id="0_abc", token="0123456789abcdef0123456789abcdef")
    assert "0123456789abcdef" not in repr(token) and "<redacted>" in repr(token)
    assert "0_abc" in repr(token)
    info = SessionInfo(ks="djJ8MTIzfHNlY3JldA==")
    assert "djJ8" not in repr(info)
    assert "token=UNSET" in repr(AppToken())
