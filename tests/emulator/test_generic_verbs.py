"""The generic engine beyond CRUD, over raw HTTP: composite keys, status verbs, updateStatus,
clone, index, setAsDefault, asset content, getDefault, and the account services."""

from __future__ import annotations

from typing import Any

import pytest
from rawhttp import Raw, api_error


async def test_composite_key_from_argument_names(raw: Raw) -> None:
    """scheduleEventResource is keyed by (scheduleEventId -> eventId, scheduleResourceId)."""
    link = {"objectType": "KalturaScheduleEventResource", "eventId": 7, "resourceId": 9}
    made = await raw.call("schedule_scheduleEventResource", "add", scheduleEventResource=link)
    assert (made["eventId"], made["resourceId"]) == (7, 9)
    key = {"scheduleEventId": 7, "scheduleResourceId": 9}
    assert await raw.call("schedule_scheduleEventResource", "get", **key) == made
    again = await raw.call("schedule_scheduleEventResource", "add", scheduleEventResource=link)
    api_error(again, "DUPLICATE_OBJECT")
    listed = await raw.call("schedule_scheduleEventResource", "list", filter={"eventIdEqual": 7})
    assert listed["totalCount"] == 1
    assert await raw.call("schedule_scheduleEventResource", "delete", **key) is None
    missing = await raw.call("schedule_scheduleEventResource", "get", **key)
    assert missing["code"] == "SCHEDULE_EVENT_RESOURCE_ID_NOT_FOUND"


@pytest.mark.parametrize(
    ("service", "arg", "obj", "key", "verb", "status"),
    [
        ("serverNode", "serverNode", "KalturaWowzaMediaServerNode", "serverNodeId", "disable", 2),
        ("serverNode", "serverNode", "KalturaWowzaMediaServerNode", "serverNodeId", "enable", 1),
        (
            "serverNode",
            "serverNode",
            "KalturaWowzaMediaServerNode",
            "serverNodeId",
            "markOffline",
            5,
        ),
        (
            "schedule_scheduleEvent",
            "scheduleEvent",
            "KalturaRecordScheduleEvent",
            "scheduleEventId",
            "cancel",
            1,
        ),
        ("reach_entryVendorTask", "entryVendorTask", "KalturaEntryVendorTask", "id", "abort", 7),
    ],
)
async def test_status_verbs(
    raw: Raw, service: str, arg: str, obj: str, key: str, verb: str, status: int
) -> None:
    made = await raw.call(service, "add", **{arg: {"objectType": obj, "name": "n"}})
    assert "id" in made, made
    changed = await raw.call(service, verb, **{key: made["id"]})
    assert changed["status"] == status
    assert (await raw.call(service, "get", **{key: made["id"]}))["status"] == status


async def test_composite_status_verbs(raw: Raw) -> None:
    link = {"objectType": "KalturaCategoryUser", "categoryId": 5, "userId": "u1"}
    await raw.call("categoryUser", "add", categoryUser=link)
    off = await raw.call("categoryUser", "deactivate", categoryId=5, userId="u1")
    assert off["status"] == 3
    on = await raw.call("categoryUser", "activate", categoryId=5, userId="u1")
    assert on["status"] == 1
    # index takes its arguments in another order; the key still resolves
    indexed = await raw.call("categoryUser", "index", userId="u1", categoryId=5)
    assert isinstance(indexed, int) and indexed > 0
    missing = await raw.call("categoryUser", "index", userId="u2", categoryId=5)
    assert missing["objectType"] == "KalturaAPIException"


@pytest.mark.parametrize(
    ("service", "arg", "obj", "status"),
    [
        ("reach_reachProfile", "reachProfile", "KalturaReachProfile", 2),
        (
            "eventNotification_eventNotificationTemplate",
            "eventNotificationTemplate",
            "KalturaEmailNotificationTemplate",
            1,
        ),
        (
            "contentDistribution_distributionProfile",
            "distributionProfile",
            "KalturaGenericDistributionProfile",
            1,
        ),
    ],
)
async def test_update_status(raw: Raw, service: str, arg: str, obj: str, status: int) -> None:
    fields: dict[str, Any] = {"objectType": obj, "name": "n", "systemName": "s"}
    made = await raw.call(service, "add", **{arg: fields})
    assert "id" in made, made
    changed = await raw.call(service, "updateStatus", id=made["id"], status=status)
    assert changed["status"] == status
    assert (await raw.call(service, "get", id=made["id"]))["status"] == status


@pytest.mark.parametrize(
    ("service", "arg", "obj", "key"),
    [
        ("userRole", "userRole", "KalturaUserRole", "userRoleId"),
        ("deliveryProfile", "delivery", "KalturaDeliveryProfile", "deliveryId"),
        (
            "eventNotification_eventNotificationTemplate",
            "eventNotificationTemplate",
            "KalturaEmailNotificationTemplate",
            "id",
        ),
    ],
)
async def test_clone_gives_a_new_id(raw: Raw, service: str, arg: str, obj: str, key: str) -> None:
    made = await raw.call(service, "add", **{arg: {"objectType": obj, "name": "orig"}})
    assert "id" in made, made
    copy = await raw.call(service, "clone", **{key: made["id"]})
    assert copy["id"] == made["id"] + 1 and copy["name"] == "orig"
    assert copy["objectType"] == made["objectType"]
    listed = await raw.call(service, "list")
    assert listed["totalCount"] == 2


async def test_set_as_default_moves_between_siblings(raw: Raw) -> None:
    first = await raw.call(
        "conversionProfile", "add", conversionProfile={"objectType": "KalturaConversionProfile"}
    )
    second = await raw.call(
        "conversionProfile", "add", conversionProfile={"objectType": "KalturaConversionProfile"}
    )
    await raw.call("conversionProfile", "setAsDefault", id=first["id"])
    assert (await raw.call("conversionProfile", "getDefault"))["id"] == first["id"]
    await raw.call("conversionProfile", "setAsDefault", id=second["id"])
    assert (await raw.call("conversionProfile", "get", id=first["id"]))["isDefault"] == 0
    assert (await raw.call("conversionProfile", "getDefault"))["id"] == second["id"]


async def test_asset_content_serve_and_url(raw: Raw) -> None:
    entry = await raw.call("data", "add", dataEntry={"objectType": "KalturaDataEntry"})
    asset = await raw.call(
        "attachment_attachmentAsset",
        "add",
        entryId=entry["id"],
        attachmentAsset={"objectType": "KalturaAttachmentAsset", "filename": "notes.txt"},
    )
    resource = {"objectType": "KalturaStringResource", "content": "hello / world"}
    done = await raw.call(
        "attachment_attachmentAsset", "setContent", id=asset["id"], contentResource=resource
    )
    assert done["status"] == 2 and done["sizeInBytes"] == 13
    url = await raw.call("attachment_attachmentAsset", "getUrl", id=asset["id"])
    async with raw.session.get(url) as resp:
        assert resp.status == 200
        assert await resp.read() == b"hello / world"
        assert "notes.txt" in resp.headers.get("Content-Disposition", "")
    missing = {"objectType": "KalturaUploadedFileTokenResource", "token": "0_nothere"}
    bad = await raw.call(
        "attachment_attachmentAsset", "setContent", id=asset["id"], contentResource=missing
    )
    api_error(bad, "UPLOAD_TOKEN_NOT_FOUND")


async def test_index_answers_the_id(raw: Raw) -> None:
    entry = await raw.call("data", "add", dataEntry={"objectType": "KalturaDataEntry"})
    assert isinstance(await raw.call("baseEntry", "index", id=entry["id"]), int)
    api_error(await raw.call("baseEntry", "index", id="0_nothere"), "ENTRY_ID_NOT_FOUND")


async def test_anonymous_rank_keeps_the_mean(raw: Raw) -> None:
    entry = (await raw.add_entry("ranked"))["id"]
    for rank in (5, 2):
        assert await raw.call("media", "anonymousRank", entryId=entry, rank=rank) is None
    got = await raw.call("media", "get", entryId=entry)
    assert (got["votes"], got["totalRank"], got["rank"]) == (2, 7, 3.5)
    api_error(await raw.call("media", "anonymousRank", entryId=entry, rank=9), "INVALID_RANK_VALUE")


async def test_partner_and_system(raw: Raw) -> None:
    me = await raw.call("partner", "get")
    assert me["id"] == raw.emu.partner_id and me["objectType"] == "KalturaPartner"
    assert "adminSecret" not in me and "secret" not in me
    assert await raw.call("partner", "getInfo") == me
    api_error(await raw.call("partner", "get", id=5), "INVALID_PARTNER_ID")
    listed = await raw.call("partner", "list", filter={"idEqual": raw.emu.partner_id})
    assert listed["objects"] == [me]
    assert await raw.call("partner", "count", filter={"idNotIn": str(raw.emu.partner_id)}) == 0
    assert await raw.call("system", "pingDatabase", ks=False) is True
    assert await raw.call("system", "getHealthCheck", ks=False) == "OK"


async def test_likes(raw: Raw) -> None:
    entry = (await raw.add_entry("liked"))["id"]
    user = raw.emu.user_ks("fan", privileges="disableentitlement")
    assert await raw.call("like_like", "like", ks=user, entryId=entry) is True
    assert await raw.call("like_like", "like", ks=user, entryId=entry) is False
    assert await raw.call("like_like", "checkLikeExists", entryId=entry, userId="fan") is True
    listed = await raw.call("like_like", "list", filter={"entryIdEqual": entry})
    assert [(o["entryId"], o["userId"]) for o in listed["objects"]] == [(entry, "fan")]
    assert await raw.call("like_like", "unlike", ks=user, entryId=entry) is True
    assert await raw.call("like_like", "checkLikeExists", entryId=entry, userId="fan") is False


async def test_caption_content_from_an_upload_token_is_served(raw: Raw) -> None:
    entry = (await raw.add_entry("captioned"))["id"]
    caption = await raw.call(
        "caption_captionAsset",
        "add",
        entryId=entry,
        captionAsset={"objectType": "KalturaCaptionAsset", "format": "1"},
    )
    token = await raw.call("uploadToken", "add", uploadToken={"objectType": "KalturaUploadToken"})
    srt = b"1\n00:00:00,000 --> 00:00:01,000\nhi\n"
    await raw.upload(token["id"], srt, filename="a.srt")
    resource = {"objectType": "KalturaUploadedFileTokenResource", "token": token["id"]}
    done = await raw.call(
        "caption_captionAsset", "setContent", id=caption["id"], contentResource=resource
    )
    assert done["sizeInBytes"] == len(srt)
    closed = await raw.call("uploadToken", "get", uploadTokenId=token["id"])
    assert closed["status"] == 3 and closed["attachedObjectId"] == caption["id"]
    url = await raw.call("caption_captionAsset", "getUrl", id=caption["id"])
    async with raw.session.get(url) as resp:
        assert await resp.read() == srt
