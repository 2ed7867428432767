"""Upload tokens and the entry lifecycle (wire §6)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import time

import aiohttp
from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator


async def _token(raw: Raw, **fields: object) -> str:
    got = await raw.call(
        "uploadToken", "add", uploadToken={"objectType": "KalturaUploadToken", **fields}
    )
    assert got["status"] == 0 and len(got["id"]) == 34
    return str(got["id"])


async def test_single_shot_upload(raw: Raw, emu: KalturaEmulator) -> None:
    tid = await _token(raw, fileName="a.mp4")
    got = await raw.upload(tid, b"0123456789")
    assert (got["status"], got["uploadedFileSize"]) == (2, 10)
    assert emu.upload_token_sha256(tid) == hashlib.sha256(b"0123456789").hexdigest()
    api_error(await raw.upload(tid, b"x"), "UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD")


async def test_sequential_chunks_append(raw: Raw, emu: KalturaEmulator) -> None:
    tid = await _token(raw)
    assert (await raw.upload(tid, b"aaa", resume=0, finalChunk=0))["status"] == 1
    assert (await raw.upload(tid, b"bbb", resume=1, finalChunk=0, resumeAt=-1))["status"] == 1
    assert (await raw.upload(tid, b"cc", resume=1, finalChunk=1, resumeAt=-1))["status"] == 2
    assert emu.upload_token_bytes(tid) == b"aaabbbcc"


async def test_parallel_chunks_with_offsets(raw: Raw, emu: KalturaEmulator) -> None:
    tid = await _token(raw)
    data = bytes(range(256)) * 40
    chunks = [data[i : i + 1000] for i in range(0, len(data), 1000)]
    await raw.upload(tid, chunks[0], resume=0, finalChunk=0)
    middle = [
        raw.upload(tid, chunk, resume=1, finalChunk=0, resumeAt=i * 1000)
        for i, chunk in reversed(list(enumerate(chunks[1:-1], start=1)))
    ]
    await asyncio.gather(*middle)
    last_at = (len(chunks) - 1) * 1000
    got = await raw.upload(tid, chunks[-1], resume=1, finalChunk=1, resumeAt=last_at)
    assert got["status"] == 2 and got["uploadedFileSize"] == len(data)
    assert emu.upload_token_bytes(tid) == data


async def test_final_chunk_waits_for_a_late_chunk(raw: Raw, emu: KalturaEmulator) -> None:
    tid = await _token(raw)
    await raw.upload(tid, b"aa", resume=0, finalChunk=0)
    final = asyncio.ensure_future(raw.upload(tid, b"cc", resume=1, finalChunk=1, resumeAt=4))
    deadline = time.monotonic() + 5
    # the final chunk must be parked before the missing one arrives; poll, bounded
    while not emu._store().tokens[tid].pending and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await raw.upload(tid, b"bb", resume=1, finalChunk=0, resumeAt=2)
    assert (await final)["status"] == 2
    assert emu.upload_token_bytes(tid) == b"aabbcc"


async def test_final_chunk_size_mismatch_is_retryable(raw: Raw, emu: KalturaEmulator) -> None:
    emu._store().final_chunk_wait = 0.05
    tid = await _token(raw)
    await raw.upload(tid, b"aa", resume=0, finalChunk=0)
    api_error(
        await raw.upload(tid, b"cc", resume=1, finalChunk=1, resumeAt=4),
        "UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE",
    )
    await raw.upload(tid, b"bb", resume=1, finalChunk=0, resumeAt=2)
    assert (await raw.upload(tid, b"cc", resume=1, finalChunk=1, resumeAt=4))["status"] == 2
    assert emu.upload_token_bytes(tid) == b"aabbcc"


async def test_resume_rules(raw: Raw) -> None:
    tid = await _token(raw)
    api_error(await raw.upload(tid, b"x", resume=1, finalChunk=0), "UPLOAD_TOKEN_CANNOT_RESUME")
    await raw.upload(tid, b"abc", resume=0, finalChunk=0)
    same = await raw.upload(tid, b"", resume=1, finalChunk=0, resumeAt=10)
    assert same["uploadedFileSize"] == 3
    api_error(await raw.upload(tid, b"x", filename=""), "UPLOAD_ERROR")
    api_error(
        await raw.call("uploadToken", "get", uploadTokenId="0_nope"), "UPLOAD_TOKEN_NOT_FOUND"
    )


async def test_auto_finalize(raw: Raw) -> None:
    api_error(
        await raw.call(
            "uploadToken",
            "add",
            uploadToken={"objectType": "KalturaUploadToken", "autoFinalize": 1},
        ),
        "UPLOAD_TOKEN_MISSING_FILE_SIZE",
    )
    tid = await _token(raw, autoFinalize=1, fileSize=4)
    assert (await raw.upload(tid, b"ab", resume=0, finalChunk=0))["status"] == 1
    assert (await raw.upload(tid, b"cd", resume=1, finalChunk=0))["status"] == 2


async def test_delete_and_list(raw: Raw) -> None:
    tid = await _token(raw)
    listed = await raw.call("uploadToken", "list")
    assert [t["id"] for t in listed["objects"]] == [tid]
    assert await raw.call("uploadToken", "delete", uploadTokenId=tid) is None
    assert (await raw.call("uploadToken", "get", uploadTokenId=tid))["status"] == 5
    assert (await raw.call("uploadToken", "list"))["totalCount"] == 0


async def test_add_content_with_full_token_goes_ready(raw: Raw, emu: KalturaEmulator) -> None:
    tid = await _token(raw)
    await raw.upload(tid, b"video")
    entry = await raw.add_entry("v")
    got = await raw.call(
        "media",
        "addContent",
        entryId=entry["id"],
        resource={"objectType": "KalturaUploadedFileTokenResource", "token": tid},
    )
    assert got["status"] == 2 and got["flavorParamsIds"]
    assert (await raw.call("uploadToken", "get", uploadTokenId=tid))["status"] == 3
    flavors = await raw.call("flavorAsset", "getByEntryId", entryId=entry["id"])
    assert len(flavors) == 3 and sum(1 for f in flavors if f.get("isOriginal")) == 1
    thumbs = await raw.call("thumbAsset", "getByEntryId", entryId=entry["id"])
    assert len(thumbs) == 1
    api_error(
        await raw.call(
            "media",
            "addContent",
            entryId=entry["id"],
            resource={"objectType": "KalturaUploadedFileTokenResource", "token": tid},
        ),
        "ENTRY_ALREADY_WITH_CONTENT",
    )
    assert (await raw.call("media", "list"))["totalCount"] == 1


async def test_add_content_before_upload_completes(raw: Raw) -> None:
    tid = await _token(raw)
    entry = await raw.add_entry("v")
    got = await raw.call(
        "media",
        "addContent",
        entryId=entry["id"],
        resource={"objectType": "KalturaUploadedFileTokenResource", "token": tid},
    )
    assert got["status"] == 0
    await raw.upload(tid, b"data")
    assert (await raw.call("media", "get", entryId=entry["id"]))["status"] == 2


async def test_transcode_delay_is_lazy() -> None:
    async with KalturaEmulator(transcode_delay=0.2) as emu:
        async with aiohttp.ClientSession() as session:
            raw = Raw(session, emu)
            tid = await _token(raw)
            await raw.upload(tid, b"v")
            entry = await raw.add_entry("v")
            got = await raw.call(
                "media",
                "addContent",
                entryId=entry["id"],
                resource={"objectType": "KalturaUploadedFileTokenResource", "token": tid},
            )
            assert got["status"] == 1
            deadline = time.monotonic() + 5
            status = 1
            while status != 2 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                status = (await raw.call("media", "get", entryId=entry["id"]))["status"]
            assert status == 2


async def test_image_goes_straight_to_ready_and_add_from_uploaded_file(raw: Raw) -> None:
    tid = await _token(raw)
    await raw.upload(tid, b"jpeg")
    got = await raw.call(
        "media",
        "addFromUploadedFile",
        uploadTokenId=tid,
        mediaEntry={"objectType": "KalturaMediaEntry", "name": "img", "mediaType": 2},
    )
    assert got["status"] == 2
    api_error(
        await raw.call(
            "media", "addContent", entryId=got["id"], resource={"objectType": "KalturaResource"}
        ),
        "OBJECT_TYPE_ABSTRACT",
    )
    other = await raw.add_entry("x")
    api_error(
        await raw.call(
            "media",
            "addContent",
            entryId=other["id"],
            resource={"objectType": "KalturaUploadedFileTokenResource", "token": tid},
        ),
        "UPLOADED_FILE_NOT_FOUND_BY_TOKEN",
    )


def _files_in(directory: str) -> set[str]:
    return {os.path.join(directory, name) for name in os.listdir(directory)}


async def test_chunks_are_adopted_not_copied(raw: Raw, emu: KalturaEmulator) -> None:
    tid = await _token(raw)
    await raw.upload(tid, b"aaaa", resume=0, finalChunk=0)
    # overlapping the end: written at its offset, the tail after it is cut
    await raw.upload(tid, b"bbbb", resume=1, finalChunk=0, resumeAt=2)
    assert emu.upload_token_bytes(tid) == b"aabbbb"
    # entirely inside what the token holds: nothing changes
    same = await raw.upload(tid, b"x", resume=1, finalChunk=0, resumeAt=1)
    assert same["uploadedFileSize"] == 6 and emu.upload_token_bytes(tid) == b"aabbbb"
    await raw.upload(tid, b"cc", resume=1, finalChunk=0, resumeAt=-1)
    assert emu.upload_token_bytes(tid) == b"aabbbbcc"
    token = emu._store().tokens[tid]
    assert token.extents is not None
    on_disk = {e.path for e in token.extents}
    # each chunk's own temporary file became part of the token: no copies, no leftovers
    assert len(on_disk) == 3
    tmpdir = emu._tmpdir
    assert tmpdir is not None
    assert _files_in(tmpdir) == on_disk
    done = await raw.upload(tid, b"Z", resume=0, finalChunk=1)
    assert done["status"] == 2 and emu.upload_token_bytes(tid) == b"Z"
    assert not on_disk & _files_in(tmpdir)
    await raw.call("uploadToken", "delete", uploadTokenId=tid)
    assert _files_in(tmpdir) == set()
