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


async def test_ui_conf_list_by_obj_type(raw: Raw) -> None:
    for name, obj_type, tags in (("v2", 1, "player"), ("pl", 5, "playlist"), ("v3", 8, "player")):
        await raw.call(
            "uiConf",
            "add",
            uiConf={"objectType": "KalturaUiConf", "name": name, "objType": obj_type, "tags": tags},
        )
    players = await raw.call(
        "uiConf", "list", filter={"objectType": "KalturaUiConfFilter", "objTypeIn": "1,8,14"}
    )
    assert players["objectType"] == "KalturaUiConfListResponse"
    assert sorted(u["name"] for u in players["objects"]) == ["v2", "v3"]
    one = await raw.call(
        "uiConf", "list", filter={"objectType": "KalturaUiConfFilter", "objTypeEqual": 5}
    )
    assert [u["name"] for u in one["objects"]] == ["pl"]
    # the templates are the template partner's, not this partner's
    everything = await raw.call("uiConf", "list")
    assert {u["partnerId"] for u in everything["objects"]} == {raw.emu.partner_id}


async def test_widgets_and_distribution_lists_are_typed(raw: Raw) -> None:
    widgets = await raw.call("widget", "list")
    assert widgets["objectType"] == "KalturaWidgetListResponse"
    for service, response in (
        ("contentDistribution_distributionProfile", "KalturaDistributionProfileListResponse"),
        ("contentDistribution_entryDistribution", "KalturaEntryDistributionListResponse"),
    ):
        got = await raw.call(service, "list")
        assert got == {"objects": [], "totalCount": 0, "objectType": response}


async def test_access_control_rules_are_kept_as_sent(raw: Raw) -> None:
    site = {"objectType": "KalturaStringValue", "value": "www.example.com"}
    rule = {
        "objectType": "KalturaRule",
        "conditions": [
            {"objectType": "KalturaSiteCondition", "not": True, "matchType": 1, "values": [site]},
            {"objectType": "KalturaSiteCondition", "not": False, "matchType": 1, "values": [site]},
        ],
    }
    profile = {
        "objectType": "KalturaAccessControlProfile",
        "name": "sites",
        "systemName": "sites",
        "rules": [rule],
    }
    added = await raw.call("accessControlProfile", "add", accessControlProfile=profile)
    got = await raw.call("accessControlProfile", "get", id=added["id"])
    conditions = got["rules"][0]["conditions"]
    assert [c["objectType"] for c in conditions] == ["KalturaSiteCondition"] * 2
    assert [c["not"] for c in conditions] == [True, False]
    assert conditions[0]["values"][0]["value"] == "www.example.com"
    assert got["systemName"] == "sites"
