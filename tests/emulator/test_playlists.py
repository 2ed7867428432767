"""Playlists (static, dynamic), the entry update rules they follow, and data entries."""

from __future__ import annotations

from typing import Any

from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator


async def _category(raw: Raw, name: str, parent: int | None = None) -> int:
    cat: dict[str, Any] = {"objectType": "KalturaCategory", "name": name}
    if parent is not None:
        cat["parentId"] = parent
    return int((await raw.call("category", "add", category=cat))["id"])


async def _dynamic(raw: Raw, filters: list[dict[str, Any]], total: int) -> dict[str, Any]:
    playlist = {
        "objectType": "KalturaPlaylist",
        "name": "dyn",
        "playlistType": 10,
        "totalResults": total,
        "filters": filters,
    }
    return dict(await raw.call("playlist", "add", playlist=playlist))


async def test_dynamic_playlist_with_a_category_ancestor_rule(raw: Raw) -> None:
    top = await _category(raw, "top")
    sub = await _category(raw, "sub", top)
    other = await _category(raw, "other")
    inside = await raw.add_entry("in sub", categoriesIds=str(sub))
    direct = await raw.add_entry("in top", categoriesIds=str(top))
    await raw.add_entry("elsewhere", categoriesIds=str(other))
    for entry in (inside, direct):
        assert entry["categoriesIds"]
    await raw.call(
        "media",
        "addContent",
        entryId=inside["id"],
        resource={"objectType": "KalturaUrlResource", "url": "http://127.0.0.1/x.mp4"},
    )
    await raw.call(
        "media",
        "addContent",
        entryId=direct["id"],
        resource={"objectType": "KalturaUrlResource", "url": "http://127.0.0.1/y.mp4"},
    )
    playlist = await _dynamic(
        raw, [{"objectType": "KalturaPlaylistFilter", "categoryAncestorIdIn": str(top)}], 10
    )
    assert playlist["filters"][0]["objectType"] == "KalturaMediaEntryFilterForPlaylist"
    assert (
        f"<in_category_ancestor_id>{top}</in_category_ancestor_id>" in playlist["playlistContent"]
    )
    got = await raw.call("playlist", "execute", id=playlist["id"])
    assert sorted(e["name"] for e in got) == ["in sub", "in top"]
    only_sub = await _dynamic(
        raw,
        [{"objectType": "KalturaMediaEntryFilterForPlaylist", "categoryAncestorIdIn": str(sub)}],
        10,
    )
    assert [e["name"] for e in await raw.call("playlist", "execute", id=only_sub["id"])] == [
        "in sub"
    ]
    listed = await raw.call(
        "media",
        "list",
        filter={"objectType": "KalturaMediaEntryFilter", "categoryAncestorIdIn": str(top)},
    )
    assert listed["totalCount"] == 2


async def test_dynamic_playlist_honours_total_results_and_filters_in_turn(
    raw: Raw, emu: KalturaEmulator
) -> None:
    emu.seed_entries(4, name_prefix="cat", tags="cats")
    emu.seed_entries(3, name_prefix="dog", tags="dogs")
    cats = {"objectType": "KalturaMediaEntryFilterForPlaylist", "tagsMultiLikeOr": "cats"}
    dogs = {"objectType": "KalturaMediaEntryFilterForPlaylist", "tagsMultiLikeOr": "dogs"}
    playlist = await _dynamic(raw, [{**cats, "limit": 2}, dogs], 4)
    got = await raw.call("playlist", "execute", id=playlist["id"])
    names = [e["name"] for e in got]
    assert len(names) == 4
    assert [n[:3] for n in names] == ["cat", "cat", "dog", "dog"]
    paged = await raw.call(
        "playlist",
        "execute",
        id=playlist["id"],
        pager={"objectType": "KalturaFilterPager", "pageSize": 3, "pageIndex": 2},
    )
    assert [e["name"] for e in paged] == names[3:]
    from_filters = await raw.call("playlist", "executeFromFilters", filters=[dogs], totalResults=2)
    assert len(from_filters) == 2 and all(e["tags"] == "dogs" for e in from_filters)
    from_content = await raw.call(
        "playlist",
        "executeFromContent",
        playlistType=10,
        playlistContent=playlist["playlistContent"],
    )
    assert [e["id"] for e in from_content] == [e["id"] for e in got]
    fetched = await raw.call("playlist", "get", id=playlist["id"])
    assert fetched["totalResults"] == 4 and len(fetched["filters"]) == 2


async def test_dynamic_playlist_needs_total_results(raw: Raw) -> None:
    missing = await raw.call(
        "playlist",
        "add",
        playlist={"objectType": "KalturaPlaylist", "name": "d", "playlistType": 10},
    )
    api_error(missing, "PROPERTY_VALIDATION_CANNOT_BE_NULL")


async def test_playlist_update_rules(raw: Raw, emu: KalturaEmulator) -> None:
    first, second = emu.seed_entries(2)
    playlist = await raw.call(
        "playlist",
        "add",
        playlist={
            "objectType": "KalturaPlaylist",
            "name": "static",
            "playlistType": 3,
            "referenceId": "ref-1",
        },
    )
    pid = playlist["id"]
    changed = await raw.call(
        "playlist",
        "update",
        id=pid,
        playlist={
            "objectType": "KalturaPlaylist",
            "referenceId": "ref-1",
            "playlistContent": f"{first},{second}",
        },
    )
    assert changed["playlistContent"] == f"{first},{second}"
    # Sending back what get returned: conversionProfileId of a READY entry is refused.
    fetched = await raw.call("playlist", "get", id=pid)
    assert fetched["conversionProfileId"]
    echo = {
        "objectType": "KalturaPlaylist",
        "name": fetched["name"],
        "playlistType": fetched["playlistType"],
        "conversionProfileId": fetched["conversionProfileId"],
    }
    refused = await raw.call("playlist", "update", id=pid, playlist=echo)
    err = api_error(refused, "PROPERTY_VALIDATION_ENTRY_STATUS")
    assert err["args"] == {"PROP_NAME": "KalturaPlaylist::conversionProfileId", "STATUS": "2"}
    retype = await raw.call(
        "playlist",
        "update",
        id=pid,
        playlist={"objectType": "KalturaPlaylist", "playlistType": 10},
    )
    api_error(retype, "PROPERTY_VALIDATION_NOT_UPDATABLE")
    short = await raw.call(
        "playlist",
        "update",
        id=pid,
        playlist={"objectType": "KalturaPlaylist", "referenceId": "x"},
    )
    api_error(short, "PROPERTY_VALIDATION_MIN_LENGTH")
    unknown = await raw.call("playlist", "get", id="0_nothere")
    assert api_error(unknown, "INVALID_ENTRY_ID")["message"] == "Unknown Playlist [0_nothere]"
    api_error(await raw.call("playlist", "get", id=first), "INVALID_PLAYLIST_TYPE")
    api_error(
        await raw.call(
            "playlist",
            "update",
            id="0_nothere",
            playlist={"objectType": "KalturaPlaylist", "name": "n"},
        ),
        "INVALID_ENTRY_ID",
    )


async def test_categories_ids_on_an_entry_are_links(raw: Raw) -> None:
    a = await _category(raw, "a")
    b = await _category(raw, "b")
    api_error(await raw.add_entry("bad", categoriesIds="999999"), "CATEGORY_NOT_FOUND")
    entry = await raw.add_entry("linked", categoriesIds=f"{a},{b}")
    links = await raw.call(
        "categoryEntry",
        "list",
        filter={"objectType": "KalturaCategoryEntryFilter", "entryIdEqual": entry["id"]},
    )
    assert sorted(link["categoryId"] for link in links["objects"]) == [a, b]
    updated = await raw.call(
        "media",
        "update",
        entryId=entry["id"],
        mediaEntry={"objectType": "KalturaMediaEntry", "categoriesIds": str(b)},
    )
    assert updated["categoriesIds"] == str(b) and updated["categories"] == "b"
    assert (await raw.call("category", "get", id=a))["entriesCount"] == 0
    await raw.call("media", "delete", entryId=entry["id"])
    assert (await raw.call("category", "get", id=b))["entriesCount"] == 0


async def test_data_entries_and_serve(raw: Raw) -> None:
    added = await raw.call(
        "data",
        "add",
        dataEntry={"objectType": "KalturaDataEntry", "name": "notes.txt", "dataContent": "bla"},
    )
    assert added["status"] == 2 and added["type"] == 6
    url = f"{raw.url('data', 'serve')}?entryId={added['id']}&ks={raw.ks}"
    async with raw.session.get(url) as resp:
        assert resp.status == 200
        assert await resp.read() == b"bla"
        assert resp.headers["Content-Disposition"] == 'attachment; filename="notes.txt"'
    listed = await raw.call("data", "list")
    assert [e["id"] for e in listed["objects"]] == [added["id"]]
    assert listed["objectType"] == "KalturaDataListResponse"
    api_error(await raw.call("data", "get", entryId="0_none"), "ENTRY_ID_NOT_FOUND")
    await raw.call("data", "delete", entryId=added["id"])
    api_error(await raw.call("data", "serve", entryId=added["id"]), "ENTRY_ID_NOT_FOUND")
