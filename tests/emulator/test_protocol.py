"""Transport and encoding rules (wire §1-3) over raw HTTP."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import aiohttp
from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator


async def test_ping_is_bare_true_without_ks(raw: Raw) -> None:
    assert await raw.call("system", "ping", ks=False) is True


async def test_get_time_and_version_are_scalars(raw: Raw) -> None:
    assert isinstance(await raw.call("system", "getTime", ks=False), int)
    assert await raw.call("system", "getVersion", ks=False) == "23.10.0"


async def test_route_variants_and_case_insensitive_names(raw: Raw, emu: KalturaEmulator) -> None:
    entry = await raw.add_entry("x")
    base = f"{emu.url}/api_v3"
    urls = [
        f"{base}/service/MEDIA/action/GET/entryId/{entry['id']}",
        f"{base}/index.php?service=media&action=get&entryId={entry['id']}",
        f"{base}/?service=media&action=get&entryId={entry['id']}",
        f"{base}/index.php/service/media/action/get/entryId/{entry['id']}",
    ]
    for url in urls:
        got = await raw.form(url, {"format": "1", "ks": raw.ks})
        assert got["id"] == entry["id"], url


async def test_url_parameters_win_over_body(raw: Raw, emu: KalturaEmulator) -> None:
    entry = await raw.add_entry("x")
    url = f"{emu.url}/api_v3/service/media/action/get?entryId={entry['id']}"
    got = await raw.form(url, {"format": "1", "ks": raw.ks, "entryId": "0_other"})
    assert got["id"] == entry["id"]


async def test_json_body_only_with_exact_content_type(raw: Raw) -> None:
    body = json.dumps({"format": 1, "ks": raw.ks, "entry": {"objectType": "KalturaMediaEntry"}})
    url = raw.url("media", "add") + "?format=1"
    async with raw.session.post(
        url, data=body, headers={"Content-Type": "application/json; charset=utf-8"}
    ) as resp:
        ignored = json.loads(await resp.text())
    api_error(ignored, "MISSING_KS")
    async with raw.session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
        used = json.loads(await r.text())
    api_error(used, "PROPERTY_VALIDATION_CANNOT_BE_NULL")


async def test_form_colon_and_bracket_notation(raw: Raw) -> None:
    colon = await raw.form(
        raw.url("media", "add"),
        {
            "format": "1",
            "ks": raw.ks,
            "entry:objectType": "KalturaMediaEntry",
            "entry:name": "colon",
            "entry:mediaType": "1",
        },
    )
    bracket = await raw.form(
        raw.url("media", "add"),
        {
            "format": "1",
            "ks": raw.ks,
            "entry[objectType]": "KalturaMediaEntry",
            "entry[name]": "bracket",
            "entry[mediaType]": "1",
        },
    )
    assert (colon["name"], bracket["name"]) == ("colon", "bracket")
    assert colon["objectType"] == bracket["objectType"] == "KalturaMediaEntry"


async def test_multipart_json_field_is_the_parameters(raw: Raw) -> None:
    form = aiohttp.FormData()
    form.add_field(
        "json",
        json.dumps(
            {
                "format": 1,
                "ks": raw.ks,
                "entry": {"objectType": "KalturaMediaEntry", "name": "mp", "mediaType": 1},
            }
        ),
    )
    form.add_field("ignored", "x", filename="f.bin")
    async with raw.session.post(raw.url("media", "add"), data=form) as resp:
        got = json.loads(await resp.text())
    assert got["name"] == "mp"
    assert raw.emu.multipart_filenames == ["f.bin"]


async def test_object_shape_nulls_dropped_object_type_last(raw: Raw) -> None:
    entry = await raw.add_entry("a/b")
    assert list(entry)[-1] == "objectType"
    assert "description" not in entry
    assert entry["status"] == 7 and entry["type"] == 1
    async with raw.session.post(
        raw.url("media", "get"), json={"format": 1, "ks": raw.ks, "entryId": entry["id"]}
    ) as r:
        text = await r.text()
    assert '"name":"a\\/b"' in text


async def test_void_is_null_and_list_shape(raw: Raw) -> None:
    entry = await raw.add_entry()
    assert await raw.call("media", "delete", entryId=entry["id"]) is None
    listed = await raw.call("media", "list")
    assert list(listed) == ["objects", "totalCount", "objectType"]
    assert listed == {"objects": [], "totalCount": 0, "objectType": "KalturaMediaListResponse"}


async def test_error_shapes(raw: Raw) -> None:
    err = api_error(await raw.call("media", "get", entryId="0_nope"), "ENTRY_ID_NOT_FOUND")
    assert err["message"] == 'Entry id "0_nope" not found'
    assert err["args"] == {"ENTRY_ID": "0_nope"}
    assert api_error(await raw.call("media", "list", ks=False), "MISSING_KS")["args"] == []
    err = api_error(await raw.call("NoSuch", "x"), "SERVICE_DOES_NOT_EXISTS")
    assert err == {
        "code": "SERVICE_DOES_NOT_EXISTS",
        "message": 'Service "nosuch" does not exists',
        "objectType": "KalturaAPIException",
        "args": {"SRV_NAME": "nosuch"},
    }
    err = api_error(await raw.call("media", "NoSuch"), "ACTION_DOES_NOT_EXISTS")
    assert err["args"] == {"ACTION_NAME": "nosuch", "SERVICE_NAME": "media"}
    err = api_error(await raw.call("media", "addFromUrl"), "ACTION_NOT_EMULATED")
    assert err["args"] == {"SERVICE_NAME": "media", "ACTION_NAME": "addfromurl"}
    api_error(
        await raw.form(
            raw.url("multirequest").replace("/service/multirequest", "/"), {"format": "1"}
        ),
        "SERVICE_NOT_SPECIFIED",
    )
    api_error(
        await raw.form(f"{raw.emu.url}/api_v3/?service=media", {"format": "1"}),
        "ACTION_NOT_SPECIFIED",
    )


async def test_plugin_service_ids(raw: Raw) -> None:
    listed = await raw.call("caption_captionAsset", "list")
    assert listed["objectType"] == "KalturaCaptionAssetListResponse"


async def test_xml_format_is_default(raw: Raw, emu: KalturaEmulator) -> None:
    entry = await raw.add_entry("xml")
    async with raw.session.post(
        raw.url("media", "get"), json={"ks": raw.ks, "entryId": entry["id"]}
    ) as resp:
        assert resp.headers["Content-Type"].startswith("text/xml")
        root = ET.fromstring(await resp.read())
    result = root.find("result")
    assert result is not None and root.find("executionTime") is not None
    assert result.findtext("objectType") == "KalturaMediaEntry"
    assert result.findtext("id") == entry["id"]
    async with raw.session.post(
        raw.url("media", "get"), json={"format": 2, "ks": raw.ks, "entryId": "0_x"}
    ) as resp:
        err = ET.fromstring(await resp.read()).find("result/error")
    assert err is not None and err.findtext("code") == "ENTRY_ID_NOT_FOUND"
    assert err.findtext("args/item/name") == "ENTRY_ID"


async def test_unknown_format_gives_empty_body_and_headers(raw: Raw) -> None:
    async with raw.session.post(raw.url("system", "ping"), json={"format": 7}) as resp:
        assert await resp.read() == b""
        assert resp.headers["X-Kaltura"].startswith("error-")
