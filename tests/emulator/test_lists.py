"""List semantics: default READY filter, filters, orderBy, pager and the 10,000 window."""

from __future__ import annotations

from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator

_F = "KalturaMediaEntryFilter"


async def test_default_ready_only_unless_status_or_id(raw: Raw, emu: KalturaEmulator) -> None:
    ready = emu.seed_entries(1)
    fresh = await raw.add_entry("fresh")
    listed = await raw.call("media", "list")
    assert [e["id"] for e in listed["objects"]] == ready
    by_id = await raw.call("media", "list", filter={"objectType": _F, "idEqual": fresh["id"]})
    assert by_id["totalCount"] == 1
    both = await raw.call("media", "list", filter={"objectType": _F, "statusIn": "2,7"})
    assert both["totalCount"] == 2
    assert await raw.call("media", "count", filter={"objectType": _F, "statusEqual": 7}) == 1


async def test_filters(raw: Raw, emu: KalturaEmulator) -> None:
    a = await raw.add_entry("Alpha clip", tags="news,sport", referenceId="ref-a", userId="u1")
    b = await raw.add_entry("beta", tags="music", mediaType=5)
    cat = await raw.call(
        "category", "add", category={"objectType": "KalturaCategory", "name": "c1"}
    )
    await raw.call(
        "categoryEntry",
        "add",
        categoryEntry={
            "objectType": "KalturaCategoryEntry",
            "entryId": b["id"],
            "categoryId": cat["id"],
        },
    )
    base = {"objectType": _F, "statusIn": "7"}

    async def ids(**flt: object) -> list[str]:
        got = await raw.call("media", "list", filter={**base, **flt})
        return sorted(e["id"] for e in got["objects"])

    assert await ids(nameLike="alpha") == [a["id"]]
    assert await ids(nameEqual="beta") == [b["id"]]
    assert await ids(tagsLike="spo") == [a["id"]]
    assert await ids(userIdEqual="u1") == [a["id"]]
    assert await ids(referenceIdEqual="ref-a") == [a["id"]]
    assert await ids(mediaTypeEqual=5) == [b["id"]]
    assert await ids(categoriesIdsMatchOr=f"{cat['id']},999") == [b["id"]]
    assert await ids(idIn=f"{a['id']},{b['id']}") == sorted([a["id"], b["id"]])
    assert await ids(createdAtGreaterThanOrEqual=-3600) == sorted([a["id"], b["id"]])
    assert await ids(createdAtLessThanOrEqual=-3600) == []
    assert await ids(updatedAtGreaterThanOrEqual=3600) == []
    api_error(
        await raw.call("media", "list", filter={**base, "mediaTypeEqual": 99}), "INVALID_ENUM_VALUE"
    )


async def test_order_by(raw: Raw, emu: KalturaEmulator) -> None:
    emu.seed_entries(3, name_prefix="n")
    names = [
        e["name"]
        for e in (await raw.call("media", "list", filter={"objectType": _F, "orderBy": "-name"}))[
            "objects"
        ]
    ]
    assert names == ["n-2", "n-1", "n-0"]
    asc = [
        e["name"]
        for e in (await raw.call("media", "list", filter={"objectType": _F, "orderBy": "+name"}))[
            "objects"
        ]
    ]
    assert asc == ["n-0", "n-1", "n-2"]


async def test_pager_defaults_max_and_window(raw: Raw, emu: KalturaEmulator) -> None:
    emu.seed_entries(25_000)
    first = await raw.call("media", "list")
    assert len(first["objects"]) == 30 and first["totalCount"] == 25_000
    big = await raw.call(
        "media",
        "list",
        pager={"objectType": "KalturaFilterPager", "pageSize": 1000, "pageIndex": 1},
    )
    assert len(big["objects"]) == 500
    seen: set[str] = set()
    for index in range(1, 21):
        got = await raw.call(
            "media",
            "list",
            pager={"objectType": "KalturaFilterPager", "pageSize": 500, "pageIndex": index},
        )
        seen.update(e["id"] for e in got["objects"])
    assert len(seen) == 10_000
    api_error(
        await raw.call(
            "media",
            "list",
            pager={"objectType": "KalturaFilterPager", "pageSize": 500, "pageIndex": 21},
        ),
        "QUERY_EXCEEDED_MAX_MATCHES_ALLOWED",
    )


async def test_update_rules(raw: Raw) -> None:
    entry = await raw.add_entry("n", description="d", tags="t")
    upd = await raw.call(
        "media",
        "update",
        entryId=entry["id"],
        mediaEntry={"objectType": "KalturaMediaEntry", "description__null": "", "name": "m"},
    )
    assert upd["name"] == "m" and "description" not in upd and upd["tags"] == "t"
    api_error(
        await raw.call(
            "media",
            "update",
            entryId=entry["id"],
            mediaEntry={"objectType": "KalturaMediaEntry", "mediaType": 2},
        ),
        "PROPERTY_VALIDATION_NOT_UPDATABLE",
    )
    same = await raw.call(
        "media",
        "update",
        entryId=entry["id"],
        mediaEntry={"objectType": "KalturaMediaEntry", "mediaType": 1},
    )
    assert same["mediaType"] == 1
    err = api_error(
        await raw.call(
            "media", "add", entry={"objectType": "KalturaMediaEntry", "mediaType": 1, "id": "0_x"}
        ),
        "PROPERTY_VALIDATION_NOT_UPDATABLE",
    )
    assert err["args"] == {"PROP_NAME": "KalturaMediaEntry::id"}
    api_error(
        await raw.call("media", "add", entry={"objectType": "KalturaMediaEntry"}),
        "PROPERTY_VALIDATION_CANNOT_BE_NULL",
    )
    err = api_error(await raw.call("media", "get"), "MISSING_MANDATORY_PARAMETER")
    assert err["message"] == 'Missing parameter "entryId"'
    api_error(await raw.call("media", "add", entry="text"), "PROPERTY_VALIDATION_WRONG_FORMAT")
