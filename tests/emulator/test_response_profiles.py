"""Response profiles shaping answers: fields, related objects through mappings, limits."""

from __future__ import annotations

from typing import Any

from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator

_XSD = "<xsd:schema xmlns:xsd='http://www.w3.org/2001/XMLSchema'/>"


def _mapping(parent: str, flt: str, **extra: Any) -> dict[str, Any]:
    return {
        "objectType": "KalturaResponseProfileMapping",
        "parentProperty": parent,
        "filterProperty": flt,
        **extra,
    }


def _related(name: str, filter_class: str, mapping: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "objectType": "KalturaDetachedResponseProfile",
        "name": name,
        "filter": {"objectType": filter_class},
        "mappings": [mapping],
        **extra,
    }


async def _entries_with_everything(raw: Raw, emu: KalturaEmulator) -> list[str]:
    ids = emu.seed_entries(2, with_content=True, tags="rp")
    profile = await raw.call(
        "metadata_metadataProfile",
        "add",
        metadataProfile={
            "objectType": "KalturaMetadataProfile",
            "metadataObjectType": "1",
            "name": "m",
        },
        xsdData=_XSD,
    )
    cat = await raw.call("category", "add", category={"objectType": "KalturaCategory", "name": "c"})
    for entry_id in ids:
        await raw.call(
            "metadata_metadata",
            "add",
            metadataProfileId=profile["id"],
            objectType="1",
            objectId=entry_id,
            xmlData=f"<metadata><For>{entry_id}</For></metadata>",
        )
        await raw.call(
            "caption_captionAsset",
            "add",
            entryId=entry_id,
            captionAsset={"objectType": "KalturaCaptionAsset", "language": "English"},
        )
        await raw.call(
            "categoryEntry",
            "add",
            categoryEntry={
                "objectType": "KalturaCategoryEntry",
                "entryId": entry_id,
                "categoryId": cat["id"],
            },
        )
    return ids


async def test_include_fields_and_related_objects_on_a_list(raw: Raw, emu: KalturaEmulator) -> None:
    ids = await _entries_with_everything(raw, emu)
    by_id = _mapping("id", "entryIdEqual")
    profile = {
        "objectType": "KalturaDetachedResponseProfile",
        "name": "root",
        "type": 1,
        "fields": "id, name",
        "relatedProfiles": [
            _related(
                "meta",
                "KalturaMetadataFilter",
                _mapping("id", "objectIdEqual"),
                type=1,
                fields="id,objectId , xml",
            ),
            _related("flavors", "KalturaFlavorAssetFilter", by_id),
            _related("thumbs", "KalturaThumbAssetFilter", by_id),
            _related("captions", "KalturaCaptionAssetFilter", by_id),
            _related("categories", "KalturaCategoryEntryFilter", by_id),
        ],
    }
    listed = await raw.call(
        "baseEntry",
        "list",
        filter={"objectType": "KalturaBaseEntryFilter", "tagsLike": "rp"},
        responseProfile=profile,
    )
    assert listed["totalCount"] == 2
    for entry in listed["objects"]:
        assert list(entry) == ["id", "name", "relatedObjects", "objectType"]
        related = entry["relatedObjects"]
        meta = related["meta"]
        assert meta["objectType"] == "KalturaMetadataListResponse"
        assert [set(m) for m in meta["objects"]] == [{"id", "objectId", "xml", "objectType"}]
        assert meta["objects"][0]["objectId"] == entry["id"]
        assert related["flavors"]["objectType"] == "KalturaFlavorAssetListResponse"
        assert {f["entryId"] for f in related["flavors"]["objects"]} == {entry["id"]}
        assert len(related["flavors"]["objects"]) == 3
        assert related["thumbs"]["objects"][0]["objectType"] == "KalturaThumbAsset"
        assert related["captions"]["objects"][0]["language"] == "English"
        assert related["categories"]["objects"][0]["entryId"] == entry["id"]
    assert sorted(e["id"] for e in listed["objects"]) == sorted(ids)
    # the store is untouched: a plain get still has every field
    plain = await raw.call("media", "get", entryId=ids[0])
    assert "relatedObjects" not in plain and plain["status"] == 2


async def test_exclude_fields_on_get_and_in_xml(raw: Raw, emu: KalturaEmulator) -> None:
    (entry_id,) = emu.seed_entries(1)
    profile = {
        "objectType": "KalturaDetachedResponseProfile",
        "name": "slim",
        "type": 2,
        "fields": "thumbnailUrl,downloadUrl,dataUrl",
    }
    got = await raw.call("media", "get", entryId=entry_id, responseProfile=profile)
    assert "thumbnailUrl" not in got and "dataUrl" not in got and got["id"] == entry_id
    async with raw.session.post(
        raw.url("media", "get"),
        json={"ks": raw.ks, "entryId": entry_id, "responseProfile": profile},
    ) as resp:
        body = await resp.text()
    assert "<thumbnailUrl>" not in body and f"<id>{entry_id}</id>" in body


async def test_related_objects_render_as_a_map_in_xml(raw: Raw, emu: KalturaEmulator) -> None:
    (entry_id,) = emu.seed_entries(1, with_content=True)
    profile = {
        "objectType": "KalturaDetachedResponseProfile",
        "name": "x",
        "type": 1,
        "fields": "id",
        "relatedProfiles": [
            _related(
                "fl",
                "KalturaFlavorAssetFilter",
                _mapping("id", "entryIdEqual"),
                type=1,
                fields="id",
            )
        ],
    }
    async with raw.session.post(
        raw.url("media", "get"),
        json={"ks": raw.ks, "entryId": entry_id, "responseProfile": profile},
    ) as resp:
        body = await resp.text()
    assert (
        "<relatedObjects><item><itemKey>fl</itemKey>"
        "<objectType>KalturaFlavorAssetListResponse</objectType><objects><item>"
        "<objectType>KalturaFlavorAsset</objectType><id>"
    ) in body


async def test_mapping_rules(raw: Raw, emu: KalturaEmulator) -> None:
    (entry_id,) = emu.seed_entries(1, with_content=True)

    async def get(*related: dict[str, Any], fields: str = "id,referenceId") -> Any:
        profile = {
            "objectType": "KalturaDetachedResponseProfile",
            "name": "p",
            "type": 1,
            "fields": fields,
            "relatedProfiles": list(related),
        }
        return await raw.call("media", "get", entryId=entry_id, responseProfile=profile)

    flavors = "KalturaFlavorAssetFilter"
    # a null parent value skips the related profile (no relatedObjects at all here)
    skipped = await get(_related("f", flavors, _mapping("referenceId", "entryIdEqual")))
    assert "relatedObjects" not in skipped
    # the parent is read after its own fields were selected
    hidden = await get(_related("f", flavors, _mapping("id", "entryIdEqual")), fields="name")
    assert "relatedObjects" not in hidden
    allowed = await get(
        _related("f", flavors, _mapping("referenceId", "entryIdEqual", allowNull=True))
    )
    assert allowed["relatedObjects"]["f"]["totalCount"] == 3
    no_filter = {"objectType": "KalturaDetachedResponseProfile", "name": "nf"}
    assert "relatedObjects" not in await get(no_filter)
    err = api_error(
        await get(_related("f", flavors, _mapping("nope", "entryIdEqual"))),
        "PROPERTY_IS_NOT_DEFINED",
    )
    assert err["args"] == {"PROP": "nope", "TYPE": "KalturaMediaEntry"}
    api_error(
        await get(_related("f", flavors, _mapping("id", "nopeEqual"))), "PROPERTY_IS_NOT_DEFINED"
    )


async def test_nesting_and_page_size_limits(raw: Raw, emu: KalturaEmulator) -> None:
    (entry_id,) = emu.seed_entries(1)
    leaf = _related("l", "KalturaFlavorAssetFilter", _mapping("id", "entryIdEqual"))
    two_levels = {**leaf, "relatedProfiles": [leaf]}
    three_levels = {**leaf, "relatedProfiles": [two_levels]}
    too_deep = {
        "objectType": "KalturaDetachedResponseProfile",
        "name": "deep",
        "relatedProfiles": [three_levels],
    }
    got = await raw.call("media", "get", entryId=entry_id, responseProfile=too_deep)
    api_error(got, "RESPONSE_PROFILE_MAX_NESTING_LEVEL")
    big = {
        "objectType": "KalturaDetachedResponseProfile",
        "name": "big",
        "relatedProfiles": [
            {**leaf, "pager": {"objectType": "KalturaFilterPager", "pageSize": 101}}
        ],
    }
    api_error(
        await raw.call("media", "get", entryId=entry_id, responseProfile=big),
        "PROPERTY_VALIDATION_MAX_VALUE",
    )
    ok = {
        "objectType": "KalturaDetachedResponseProfile",
        "name": "ok",
        "relatedProfiles": [two_levels],
    }
    assert (await raw.call("media", "get", entryId=entry_id, responseProfile=ok))["id"] == entry_id


async def test_a_holder_needs_an_id_or_a_system_name(raw: Raw, emu: KalturaEmulator) -> None:
    (entry_id,) = emu.seed_entries(1)
    empty = {"objectType": "KalturaResponseProfileHolder"}
    api_error(
        await raw.call("media", "get", entryId=entry_id, responseProfile=empty),
        "PROPERTY_VALIDATION_CANNOT_BE_NULL",
    )


def _stored_profile(system_name: str, **extra: Any) -> dict[str, Any]:
    return {
        "objectType": "KalturaResponseProfile",
        "name": "stored",
        "systemName": system_name,
        "type": 1,
        "fields": "id,name",
        **extra,
    }


async def test_stored_profiles_by_id_and_system_name(raw: Raw, emu: KalturaEmulator) -> None:
    ids = emu.seed_entries(2, with_content=True)
    related = _related("fl", "KalturaFlavorAssetFilter", _mapping("id", "entryIdEqual"))
    added = await raw.call(
        "responseProfile",
        "add",
        addResponseProfile=_stored_profile("slim", relatedProfiles=[related]),
    )
    assert (added["status"], added["version"]) == (2, 1)
    for holder in ({"id": added["id"]}, {"systemName": "slim"}):
        got = await raw.call(
            "media",
            "list",
            responseProfile={"objectType": "KalturaResponseProfileHolder", **holder},
        )
        assert got["totalCount"] == 2
        for entry in got["objects"]:
            assert set(entry) == {"id", "name", "relatedObjects", "objectType"}
            assert entry["relatedObjects"]["fl"]["totalCount"] == 3
        assert sorted(e["id"] for e in got["objects"]) == sorted(ids)
    missing_id = {"objectType": "KalturaResponseProfileHolder", "id": 999}
    api_error(
        await raw.call("media", "list", responseProfile=missing_id), "RESPONSE_PROFILE_ID_NOT_FOUND"
    )
    missing_name = {"objectType": "KalturaResponseProfileHolder", "systemName": "nope"}
    api_error(
        await raw.call("media", "list", responseProfile=missing_name),
        "RESPONSE_PROFILE_NAME_NOT_FOUND",
    )


async def test_response_profile_service_rules(raw: Raw) -> None:
    first = await raw.call("responseProfile", "add", addResponseProfile=_stored_profile("one"))
    api_error(
        await raw.call("responseProfile", "add", addResponseProfile=_stored_profile("one")),
        "RESPONSE_PROFILE_DUPLICATE_SYSTEM_NAME",
    )
    api_error(
        await raw.call("responseProfile", "add", addResponseProfile=_stored_profile("x")),
        "PROPERTY_VALIDATION_MIN_LENGTH",
    )
    untyped = _stored_profile("typeless")
    del untyped["type"]
    api_error(
        await raw.call("responseProfile", "add", addResponseProfile=untyped),
        "PROPERTY_VALIDATION_CANNOT_BE_NULL",
    )
    leaf = _related("l", "KalturaFlavorAssetFilter", _mapping("id", "entryIdEqual"))
    deep = {**leaf, "relatedProfiles": [{**leaf, "relatedProfiles": [leaf]}]}
    api_error(
        await raw.call(
            "responseProfile",
            "add",
            addResponseProfile=_stored_profile("deep", relatedProfiles=[deep]),
        ),
        "RESPONSE_PROFILE_MAX_NESTING_LEVEL",
    )
    second = await raw.call("responseProfile", "add", addResponseProfile=_stored_profile("two"))
    clash = {"objectType": "KalturaResponseProfile", "systemName": "one"}
    api_error(
        await raw.call("responseProfile", "update", id=second["id"], updateResponseProfile=clash),
        "RESPONSE_PROFILE_DUPLICATE_SYSTEM_NAME",
    )
    renamed = await raw.call(
        "responseProfile",
        "update",
        id=first["id"],
        updateResponseProfile={"objectType": "KalturaResponseProfile", "name": "renamed"},
    )
    assert (renamed["name"], renamed["version"]) == ("renamed", 2)
    listed = await raw.call("responseProfile", "list")
    assert listed["objectType"] == "KalturaResponseProfileListResponse"
    assert sorted(p["systemName"] for p in listed["objects"]) == ["one", "two"]
