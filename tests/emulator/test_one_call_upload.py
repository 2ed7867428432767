"""The one-call upload: ``media.upload`` / ``baseEntry.upload`` and ``addFromUploadedFile``.

Source: ``api_v3/services/MediaService.php`` (``uploadAction``, ``addFromUploadedFileAction``)
and ``kUploadTokenMgr::getFullPathByUploadTokenId``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp
from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator


async def _upload(
    raw: Raw, data: bytes, *, service: str = "media", filename: str = "clip.flv"
) -> Any:
    form = aiohttp.FormData()
    form.add_field("format", "1")
    form.add_field("ks", raw.ks)
    form.add_field("fileData", data, filename=filename, content_type="application/octet-stream")
    return await raw.form(raw.url(service, "upload"), form)


def _media(name: str) -> dict[str, Any]:
    return {"objectType": "KalturaMediaEntry", "name": name, "mediaType": 1}


async def test_upload_returns_a_token_that_add_from_uploaded_file_uses_once(
    raw: Raw, emu: KalturaEmulator
) -> None:
    token = await _upload(raw, b"flv bytes")
    assert isinstance(token, str)
    assert re.fullmatch(r"[0-9a-f]{7}_[0-9a-z]{20}\.flv", token), token
    entry = await raw.call(
        "media", "addFromUploadedFile", mediaEntry=_media("one call"), uploadTokenId=token
    )
    assert entry["objectType"] == "KalturaMediaEntry" and entry["status"] == 2
    flavors = await raw.call("flavorAsset", "getByEntryId", entryId=entry["id"])
    assert {f["sizeInBytes"] for f in flavors} == {len(b"flv bytes")}
    again = await raw.call(
        "media", "addFromUploadedFile", mediaEntry=_media("again"), uploadTokenId=token
    )
    api_error(again, "UPLOADED_FILE_NOT_FOUND_BY_TOKEN")
    assert emu._store().legacy == {}


async def test_base_entry_upload_and_refusals(raw: Raw) -> None:
    token = await _upload(raw, b"x", service="baseEntry", filename="a.mp4")
    assert token.endswith(".mp4")
    api_error(await _upload(raw, b"x", filename=""), "UPLOAD_ERROR")
    unknown = await raw.call(
        "media", "addFromUploadedFile", mediaEntry=_media("u"), uploadTokenId="nothing.flv"
    )
    api_error(unknown, "UPLOADED_FILE_NOT_FOUND_BY_TOKEN")
    escape = await raw.call(
        "media", "addFromUploadedFile", mediaEntry=_media("u"), uploadTokenId="../etc/passwd"
    )
    api_error(escape, "INVALID_UPLOAD_TOKEN_ID")
    no_type = await raw.call(
        "media",
        "addFromUploadedFile",
        mediaEntry={"objectType": "KalturaMediaEntry", "name": "n"},
        uploadTokenId=token,
    )
    api_error(no_type, "PROPERTY_VALIDATION_CANNOT_BE_NULL")


async def test_upload_inside_a_multirequest_feeds_the_next_call(raw: Raw) -> None:
    params = {
        "format": 1,
        "ks": raw.ks,
        "1": {"service": "media", "action": "upload"},
        "2": {
            "service": "media",
            "action": "addFromUploadedFile",
            "mediaEntry": _media("from multi"),
            "uploadTokenId": "{1:result}",
        },
        "3": {"service": "media", "action": "get", "entryId": "{2:result:id}"},
    }
    form = aiohttp.FormData()
    form.add_field("json", json.dumps(params))
    form.add_field("1:fileData", b"abc", filename="m.flv")
    results = await raw.form(raw.url("multirequest"), form)
    assert isinstance(results[0], str) and results[0].endswith(".flv")
    assert results[1]["name"] == "from multi"
    assert results[2]["id"] == results[1]["id"]
