"""Catalog services, eSearch, playlists, the CLI and the emulator's independence from the SDK."""

from __future__ import annotations

import ast
import asyncio
import pathlib
import socket
import sys
import urllib.request

import aiohttp
from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator


async def test_category_and_category_entry(raw: Raw) -> None:
    parent = await raw.call(
        "category", "add", category={"objectType": "KalturaCategory", "name": "top"}
    )
    child = await raw.call(
        "category",
        "add",
        category={"objectType": "KalturaCategory", "name": "sub", "parentId": parent["id"]},
    )
    assert child["fullName"] == "top>sub" and child["depth"] == 1
    api_error(
        await raw.call(
            "category",
            "add",
            category={"objectType": "KalturaCategory", "name": "sub", "parentId": parent["id"]},
        ),
        "DUPLICATE_CATEGORY",
    )
    entry = await raw.add_entry()
    link = {"objectType": "KalturaCategoryEntry", "entryId": entry["id"], "categoryId": child["id"]}
    await raw.call("categoryEntry", "add", categoryEntry=link)
    api_error(
        await raw.call("categoryEntry", "add", categoryEntry=link), "CATEGORY_ENTRY_ALREADY_EXISTS"
    )
    got = await raw.call("media", "get", entryId=entry["id"])
    assert got["categories"] == "top>sub" and got["categoriesIds"] == str(child["id"])
    await raw.call("categoryEntry", "delete", entryId=entry["id"], categoryId=child["id"])
    api_error(
        await raw.call("categoryEntry", "delete", entryId=entry["id"], categoryId=child["id"]),
        "ENTRY_IS_NOT_ASSIGNED_TO_CATEGORY",
    )
    api_error(await raw.call("category", "get", id=1), "CATEGORY_NOT_FOUND")


async def test_users(raw: Raw) -> None:
    user = await raw.call(
        "user", "add", user={"objectType": "KalturaUser", "id": "ann", "email": "a@example.com"}
    )
    assert user["id"] == "ann" and user["status"] == 1
    api_error(
        await raw.call("user", "add", user={"objectType": "KalturaUser", "id": "ann"}),
        "DUPLICATE_USER_BY_ID",
    )
    upd = await raw.call(
        "user", "update", userId="ann", user={"objectType": "KalturaUser", "firstName": "Ann"}
    )
    assert upd["firstName"] == "Ann" and upd["email"] == "a@example.com"
    assert (await raw.call("user", "list"))["totalCount"] == 1
    await raw.call("user", "delete", userId="ann")
    api_error(await raw.call("user", "get", userId="ann"), "INVALID_USER_ID")


async def test_metadata_stored_verbatim(raw: Raw) -> None:
    xsd = "<xsd:schema xmlns:xsd='http://www.w3.org/2001/XMLSchema'/>"
    profile = await raw.call(
        "metadata_metadataProfile",
        "add",
        xsdData=xsd,
        metadataProfile={
            "objectType": "KalturaMetadataProfile",
            "name": "p",
            "metadataObjectType": "1",
        },
    )
    assert profile["xsd"] == xsd
    entry = await raw.add_entry()
    xml = "<metadata><A> x &amp; y </A></metadata>"
    item = await raw.call(
        "metadata_metadata",
        "add",
        metadataProfileId=profile["id"],
        objectType="1",
        objectId=entry["id"],
        xmlData=xml,
    )
    assert item["xml"] == xml and item["version"] == 1
    upd = await raw.call("metadata_metadata", "update", id=item["id"], xmlData="<metadata/>")
    assert upd["version"] == 2
    listed = await raw.call(
        "metadata_metadata",
        "list",
        filter={"objectType": "KalturaMetadataFilter", "objectIdEqual": entry["id"]},
    )
    assert listed["totalCount"] == 1
    await raw.call("metadata_metadata", "delete", id=item["id"])
    api_error(await raw.call("metadata_metadata", "get", id=item["id"]), "METADATA_NOT_FOUND")


async def test_captions(raw: Raw) -> None:
    entry = await raw.add_entry()
    cap = await raw.call(
        "caption_captionAsset",
        "add",
        entryId=entry["id"],
        captionAsset={"objectType": "KalturaCaptionAsset", "language": "English", "format": "1"},
    )
    done = await raw.call(
        "caption_captionAsset",
        "setContent",
        id=cap["id"],
        contentResource={
            "objectType": "KalturaStringResource",
            "content": "1\n00:00:00,000 --> 00:00:01,000\nhi",
        },
    )
    assert done["status"] == 2 and done["fileExt"] == "srt"
    listed = await raw.call(
        "caption_captionAsset",
        "list",
        filter={"objectType": "KalturaAssetFilter", "entryIdEqual": entry["id"]},
    )
    assert listed["totalCount"] == 1
    await raw.call("caption_captionAsset", "delete", captionAssetId=cap["id"])
    api_error(
        await raw.call("caption_captionAsset", "get", captionAssetId=cap["id"]),
        "CAPTION_ASSET_ID_NOT_FOUND",
    )


async def test_esearch(raw: Raw, emu: KalturaEmulator) -> None:
    a, b, c = emu.seed_entries(3)
    emu.entries[a].update(name="Lion King", tags="animal,cartoon")
    emu.entries[b].update(name="Lionel", description="a lion story")
    emu.entries[c].update(name="Zebra", tags="animal")

    async def search(operator: dict[str, object]) -> list[str]:
        got = await raw.call(
            "elasticsearch_esearch",
            "searchEntry",
            searchParams={"objectType": "KalturaESearchEntryParams", "searchOperator": operator},
        )
        assert all(o["objectType"] == "KalturaESearchEntryResult" for o in got["objects"])
        return sorted(o["object"]["id"] for o in got["objects"])

    def item(field: str, term: str, kind: int) -> dict[str, object]:
        return {
            "objectType": "KalturaESearchEntryItem",
            "fieldName": field,
            "searchTerm": term,
            "itemType": kind,
        }

    def op(kind: int, *items: dict[str, object]) -> dict[str, object]:
        return {
            "objectType": "KalturaESearchEntryOperator",
            "operator": kind,
            "searchItems": list(items),
        }

    assert await search(op(1, item("name", "lionel", 1))) == [b]
    assert await search(op(1, item("name", "lion", 3))) == sorted([a, b])
    assert await search(op(1, item("description", "lion", 2))) == [b]
    assert await search(op(2, item("tags", "cartoon", 1), item("name", "zeb", 3))) == sorted([a, c])
    assert await search(op(3, item("tags", "animal", 1))) == [b]


async def test_playlists_and_base_entry(raw: Raw, emu: KalturaEmulator) -> None:
    first, second = emu.seed_entries(2)
    playlist = await raw.call(
        "playlist",
        "add",
        playlist={
            "objectType": "KalturaPlaylist",
            "name": "pl",
            "playlistType": 3,
            "playlistContent": f"{second},{first},0_gone",
        },
    )
    executed = await raw.call("playlist", "execute", id=playlist["id"])
    assert [e["id"] for e in executed] == [second, first]
    assert (await raw.call("playlist", "list"))["totalCount"] == 1
    by_ids = await raw.call("baseEntry", "getByIds", entryIds=f"{first},0_gone")
    assert [e["id"] for e in by_ids] == [first]
    assert (await raw.call("baseEntry", "count")) == 3
    await raw.call(
        "baseEntry",
        "update",
        entryId=first,
        baseEntry={"objectType": "KalturaBaseEntry", "referenceId": "R1"},
    )
    ref = await raw.call("baseEntry", "listByReferenceId", refId="R1")
    assert [e["id"] for e in ref["objects"]] == [first]


async def test_cli_serves_ping() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kaltura_async.testing",
        "--port",
        str(port),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        assert f"127.0.0.1:{port}" in line.decode()
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/api_v3/service/system/action/ping?format=1"
            async with session.post(url) as resp:
                assert await resp.text() == "true"
    finally:
        proc.terminate()
        await proc.wait()


def test_emulator_never_imports_the_sdk_side() -> None:
    root = pathlib.Path(__file__).parents[2] / "kaltura_async" / "testing"
    forbidden = (
        "kaltura_async._codec",
        "kaltura_async.types",
        "kaltura_async.enums",
        "kaltura_async.services",
        "kaltura_async._session",
        "kaltura_async._ks",
        "kaltura_async._client",
        "KalturaClient",
    )
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(forbidden), (path.name, name)


def test_run_in_thread_serves_sync_callers() -> None:
    with KalturaEmulator.run_in_thread() as emu:
        url = f"{emu.url}/api_v3/service/system/action/ping?format=1"
        with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=10) as r:
            assert r.read() == b"true"
        assert emu.counters[("system", "ping")] == 1
