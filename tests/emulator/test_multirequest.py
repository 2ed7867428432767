"""Multirequest rules (wire §4), including its two worked examples."""

from __future__ import annotations

import aiohttp
from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator


async def test_form_example_from_the_docs(raw: Raw) -> None:
    entry = await raw.add_entry("demo one")
    await raw.call(
        "media",
        "update",
        entryId=entry["id"],
        mediaEntry={"objectType": "KalturaMediaEntry", "description": "d"},
    )
    got = await raw.form(
        raw.url("multirequest"),
        {
            "format": "1",
            "ks": raw.ks,
            "1:service": "media",
            "1:action": "list",
            "1:filter:objectType": "KalturaMediaEntryFilter",
            "1:filter:nameLike": "demo",
            "1:filter:statusIn": "7",
            "2:service": "media",
            "2:action": "get",
            "2:entryId": "{1:result:objects:0:id}",
        },
    )
    assert len(got) == 2
    assert got[0]["totalCount"] == 1 and got[1]["id"] == entry["id"]


async def test_json_example_token_entry_add_content(raw: Raw) -> None:
    got = await raw.multi(
        {
            "format": 1,
            "clientTag": "t",
            "ks": raw.ks,
            "0": {
                "service": "uploadtoken",
                "action": "add",
                "uploadToken": {"objectType": "KalturaUploadToken", "fileName": "a.mp4"},
            },
            "1": {
                "service": "media",
                "action": "add",
                "entry": {"objectType": "KalturaMediaEntry", "name": "a", "mediaType": 1},
            },
            "2": {
                "service": "media",
                "action": "addContent",
                "entryId": "{2:result:id}",
                "resource": {
                    "objectType": "KalturaUploadedFileTokenResource",
                    "token": "{1:result:id}",
                },
            },
        }
    )
    assert [r["objectType"] for r in got] == [
        "KalturaUploadToken",
        "KalturaMediaEntry",
        "KalturaMediaEntry",
    ]
    assert got[0]["status"] == 0 and got[1]["status"] == 7
    assert got[2]["id"] == got[1]["id"] and got[2]["status"] == 0


async def test_gap_stops_silently_and_start_at_two_is_empty(raw: Raw) -> None:
    ping = {"service": "system", "action": "ping"}
    assert await raw.multi({"format": 1, "1": ping, "2": ping, "4": ping}) == [True, True]
    assert await raw.multi({"format": 1, "2": ping, "3": ping}) == []
    assert await raw.multi({"format": 1}) == []


async def test_only_ks_partner_and_client_tag_are_inherited(raw: Raw, emu: KalturaEmulator) -> None:
    got = await raw.multi(
        {
            "format": 1,
            "ks": raw.ks,
            "entryId": "0_common",
            "0": {"service": "media", "action": "get"},
            "1": {"service": "media", "action": "list", "ks": emu.user_ks("u")},
            "2": {"service": "session", "action": "get"},
        }
    )
    api_error(got[0], "MISSING_MANDATORY_PARAMETER")
    assert got[1]["totalCount"] == 0
    assert got[2]["sessionType"] == 2


async def test_placeholders_embedded_all_and_failures(raw: Raw) -> None:
    a = await raw.add_entry("a", referenceId="r1")
    b = await raw.add_entry("b", referenceId="r1")
    flt = {"objectType": "KalturaMediaEntryFilter", "statusIn": "7", "orderBy": "+name"}
    got = await raw.multi(
        {
            "format": 1,
            "ks": raw.ks,
            "0": {"service": "media", "action": "list", "filter": flt},
            "1": {
                "service": "baseentry",
                "action": "getByIds",
                "entryIds": "{1:result:objects:_all:id}",
            },
            "2": {"service": "media", "action": "get", "entryId": "pre-{1:result:totalCount}"},
            "3": {"service": "media", "action": "get", "entryId": "{3:result:id}"},
            "4": {"service": "media", "action": "get", "entryId": "{1:result:nosuch}"},
            "5": {
                "service": "media",
                "action": "get",
                "entryId": "{1:result:objects:0:id},{1:result:objects:1:id}",
            },
            "6": {"service": "media", "action": "get", "entryId": "{9:result:id}"},
        }
    )
    assert [e["id"] for e in got[1]] == [a["id"], b["id"]]
    assert api_error(got[2], "ENTRY_ID_NOT_FOUND")["args"]["ENTRY_ID"] == "pre-2"
    assert api_error(got[3], "ENTRY_ID_NOT_FOUND")["args"]["ENTRY_ID"] == ""
    assert api_error(got[4], "ENTRY_ID_NOT_FOUND")["args"]["ENTRY_ID"] == ""
    assert api_error(got[5], "ENTRY_ID_NOT_FOUND")["args"]["ENTRY_ID"] == ""
    assert api_error(got[6], "ENTRY_ID_NOT_FOUND")["args"]["ENTRY_ID"] == "{9:result:id}"


async def test_whole_scalar_result_and_failed_reference(raw: Raw, emu: KalturaEmulator) -> None:
    got = await raw.multi(
        {
            "format": 1,
            "0": {
                "service": "session",
                "action": "start",
                "secret": emu.admin_secret,
                "type": 2,
                "partnerId": emu.partner_id,
            },
            "1": {"service": "media", "action": "count", "ks": "{1:result}"},
            "2": {"service": "media", "action": "get", "ks": "{1:result}", "entryId": "0_x"},
            "3": {
                "service": "media",
                "action": "get",
                "ks": "{1:result}",
                "entryId": "{3:result:id}x",
            },
        }
    )
    assert got[1] == 0
    api_error(got[2], "ENTRY_ID_NOT_FOUND")


async def test_file_parts_in_multirequest(raw: Raw) -> None:
    token = await raw.call("uploadToken", "add")
    form = aiohttp.FormData()
    for key, value in {
        "format": "1",
        "ks": raw.ks,
        "1:service": "uploadtoken",
        "1:action": "upload",
        "1:uploadTokenId": token["id"],
        "2:service": "uploadtoken",
        "2:action": "get",
        "2:uploadTokenId": "{1:result:id}",
    }.items():
        form.add_field(key, value)
    form.add_field("1:fileData", b"hello", filename="h.txt")
    async with raw.session.post(raw.url("multirequest"), data=form) as resp:
        got = await resp.json()
    assert got[0]["status"] == 2 and got[1]["uploadedFileSize"] == 5
    assert raw.emu.upload_token_bytes(token["id"]) == b"hello"


async def test_counters_count_each_sub_request(raw: Raw, emu: KalturaEmulator) -> None:
    ping = {"service": "system", "action": "ping"}
    await raw.multi({"format": 1, "0": ping, "1": ping, "2": {"service": "x", "action": "y"}})
    assert emu.counters[("system", "ping")] == 2
