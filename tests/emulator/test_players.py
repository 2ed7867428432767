"""Player templates and the distribution provider list."""

from __future__ import annotations

from rawhttp import Raw


async def test_list_templates_filters_by_obj_type(raw: Raw) -> None:
    everything = await raw.call("uiConf", "listTemplates")
    assert everything["objectType"] == "KalturaUiConfListResponse"
    assert everything["totalCount"] == 3
    assert {t["partnerId"] for t in everything["objects"]} == {0}
    assert all(t["objectType"] == "KalturaUiConf" for t in everything["objects"])
    players = await raw.call(
        "uiConf",
        "listTemplates",
        filter={"objectType": "KalturaUiConfFilter", "objTypeIn": "1,8"},
    )
    assert sorted(t["objType"] for t in players["objects"]) == [1, 8]
    playlists = await raw.call(
        "uiConf",
        "listTemplates",
        filter={
            "objectType": "KalturaUiConfFilter",
            "objTypeEqual": 5,
            "tagsMultiLikeOr": "playlist",
        },
        pager={"objectType": "KalturaFilterPager", "pageSize": 1},
    )
    assert [t["name"] for t in playlists["objects"]] == ["Playlist player"]


async def test_distribution_providers_is_a_typed_list(raw: Raw) -> None:
    got = await raw.call("contentDistribution_distributionProvider", "list")
    assert got == {
        "objects": [],
        "totalCount": 0,
        "objectType": "KalturaDistributionProviderListResponse",
    }
