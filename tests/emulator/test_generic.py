"""The generic engine over raw HTTP: every behaviour on services of different plugins."""

from __future__ import annotations

from typing import Any

import pytest
from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator


class Svc:
    """How to drive one service: its add argument, object class, key argument, fields."""

    def __init__(
        self, service: str, obj: str, cls: str, key: str, fields: dict[str, Any], plural: str
    ) -> None:
        self.service, self.obj, self.cls, self.key = service, obj, cls, key
        self.fields, self.response = fields, plural

    def __repr__(self) -> str:
        return self.service


# One core service and services of three plugins (reach, schedule, drm).
ACCESS = Svc(
    "accessControlProfile",
    "accessControlProfile",
    "KalturaAccessControlProfile",
    "id",
    {"name": "a", "systemName": "sys", "description": "first"},
    "KalturaAccessControlProfileListResponse",
)
REACH = Svc(
    "reach_reachProfile",
    "reachProfile",
    "KalturaReachProfile",
    "id",
    {"name": "r", "credit": {"objectType": "KalturaUnlimitedVendorCredit", "credit": -9999}},
    "KalturaReachProfileListResponse",
)
SCHEDULE = Svc(
    "schedule_scheduleResource",
    "scheduleResource",
    "KalturaLocationScheduleResource",
    "scheduleResourceId",
    {"name": "room", "systemName": "r1", "description": "big", "tags": "a,b"},
    "KalturaScheduleResourceListResponse",
)
DRM = Svc(
    "drm_drmPolicy",
    "drmPolicy",
    "KalturaDrmPolicy",
    "drmPolicyId",
    {"name": "policy", "systemName": "p1", "description": "drm", "provider": "1"},
    "KalturaDrmPolicyListResponse",
)
SERVICES = [ACCESS, REACH, SCHEDULE, DRM]
WITH_DESCRIPTION = [ACCESS, SCHEDULE, DRM]


async def add(raw: Raw, svc: Svc, **fields: Any) -> Any:
    body = {"objectType": svc.cls, **svc.fields, **fields}
    return await raw.call(svc.service, "add", **{svc.obj: body})


@pytest.mark.parametrize("svc", SERVICES, ids=repr)
async def test_crud_round_trip(raw: Raw, svc: Svc) -> None:
    made = await add(raw, svc)
    assert made["objectType"] == svc.cls
    assert isinstance(made["id"], int) and made["partnerId"] == raw.emu.partner_id
    assert made["createdAt"] == made["updatedAt"] > 0
    got = await raw.call(svc.service, "get", **{svc.key: made["id"]})
    assert got == made
    changed = await raw.call(
        svc.service,
        "update",
        **{svc.key: made["id"], svc.obj: {"objectType": svc.cls, "name": "z"}},
    )
    assert changed["name"] == "z"
    assert {k: v for k, v in changed.items() if k not in ("name", "updatedAt")} == {
        k: v for k, v in made.items() if k not in ("name", "updatedAt")
    }
    listed = await raw.call(svc.service, "list")
    assert listed["objectType"] == svc.response
    assert listed["totalCount"] == 1 and listed["objects"] == [changed]
    assert await raw.call(svc.service, "delete", **{svc.key: made["id"]}) in (None, changed)
    gone = await raw.call(svc.service, "get", **{svc.key: made["id"]})
    assert gone["objectType"] == "KalturaAPIException"
    assert gone["code"].endswith("NOT_FOUND"), gone
    assert (await raw.call(svc.service, "list"))["totalCount"] == 0


@pytest.mark.parametrize("svc", SERVICES, ids=repr)
async def test_int_ids_count_up_per_object_type(raw: Raw, svc: Svc) -> None:
    first = await add(raw, svc)
    second = await add(raw, svc)
    other = await add(raw, ACCESS if svc is not ACCESS else DRM)
    assert second["id"] == first["id"] + 1
    assert other["id"] == 1


async def test_string_ids_for_assets_and_entries(raw: Raw) -> None:
    entry = await raw.call("data", "add", dataEntry={"objectType": "KalturaDataEntry", "name": "d"})
    assert isinstance(entry["id"], str) and entry["id"].startswith("0_") and len(entry["id"]) == 10
    assert entry["type"] == 6 and entry["status"] == 2
    asset = await raw.call(
        "attachment_attachmentAsset",
        "add",
        entryId=entry["id"],
        attachmentAsset={"objectType": "KalturaAttachmentAsset", "title": "t"},
    )
    assert isinstance(asset["id"], str) and asset["id"] != entry["id"]
    assert asset["entryId"] == entry["id"]
    got = await raw.call("attachment_attachmentAsset", "get", attachmentAssetId=asset["id"])
    assert got == asset
    missing = await raw.call(
        "attachment_attachmentAsset",
        "add",
        entryId="0_nothere",
        attachmentAsset={"objectType": "KalturaAttachmentAsset"},
    )
    api_error(missing, "ENTRY_ID_NOT_FOUND")
    # a service sees only entries of its class: a data entry is not a live stream
    api_error(await raw.call("liveStream", "get", entryId=entry["id"]), "ENTRY_ID_NOT_FOUND")
    listed = await raw.call("baseEntry", "list", filter={"idEqual": entry["id"]})
    assert [e["id"] for e in listed["objects"]] == [entry["id"]]


@pytest.mark.parametrize("svc", SERVICES, ids=repr)
async def test_read_only_property_on_add_is_refused(raw: Raw, svc: Svc) -> None:
    result = await add(raw, svc, createdAt=5)
    api_error(result, "PROPERTY_VALIDATION_NOT_UPDATABLE")
    assert result["args"] == {"PROP_NAME": f"{svc.cls}::createdAt"}


@pytest.mark.parametrize("svc", SERVICES, ids=repr)
async def test_read_only_on_update_only_when_changed(raw: Raw, svc: Svc) -> None:
    made = await add(raw, svc)
    same = await raw.call(
        svc.service,
        "update",
        **{svc.key: made["id"], svc.obj: {"objectType": svc.cls, "createdAt": made["createdAt"]}},
    )
    assert same["id"] == made["id"]
    refused = await raw.call(
        svc.service,
        "update",
        **{svc.key: made["id"], svc.obj: {"objectType": svc.cls, "createdAt": 7}},
    )
    api_error(refused, "PROPERTY_VALIDATION_NOT_UPDATABLE")


async def test_insert_only_property_can_be_sent_on_add_not_changed(raw: Raw) -> None:
    """Insert-only properties on three services of different plugins (attachment, core
    conversion profiles, reach tasks): accepted on add, kept when resent unchanged, refused
    when changed."""
    entry = await raw.call("data", "add", dataEntry={"objectType": "KalturaDataEntry"})
    cases = [
        (
            "attachment_attachmentAsset",
            "attachmentAsset",
            "KalturaAttachmentAsset",
            {"entryId": entry["id"]},
            "fileExt",
            "pdf",
            "txt",
        ),
        (
            "conversionProfile",
            "conversionProfile",
            "KalturaConversionProfile",
            {},
            "type",
            "1",
            "2",
        ),
        (
            "reach_entryVendorTask",
            "entryVendorTask",
            "KalturaEntryVendorTask",
            {},
            "entryId",
            entry["id"],
            "0_b",
        ),
    ]
    for service, arg, cls, extra, prop, value, other in cases:
        made = await raw.call(service, "add", **extra, **{arg: {"objectType": cls, prop: value}})
        assert made[prop] == value, made
        kept = await raw.call(
            service, "update", id=made["id"], **{arg: {"objectType": cls, prop: value}}
        )
        assert kept[prop] == value
        refused = await raw.call(
            service, "update", id=made["id"], **{arg: {"objectType": cls, prop: other}}
        )
        assert api_error(refused, "PROPERTY_VALIDATION_NOT_UPDATABLE")["args"] == {
            "PROP_NAME": f"{cls}::{prop}"
        }


@pytest.mark.parametrize("svc", SERVICES, ids=repr)
async def test_missing_mandatory_parameter(raw: Raw, svc: Svc) -> None:
    result = await raw.call(svc.service, "get")
    assert api_error(result, "MISSING_MANDATORY_PARAMETER")["args"] == {"PARAM_NAME": svc.key}
    api_error(await raw.call(svc.service, "add"), "MISSING_MANDATORY_PARAMETER")


@pytest.mark.parametrize("svc", WITH_DESCRIPTION, ids=repr)
async def test_null_marker_clears_a_field(raw: Raw, svc: Svc) -> None:
    made = await add(raw, svc)
    assert made["description"]
    cleared = await raw.call(
        svc.service,
        "update",
        **{svc.key: made["id"], svc.obj: {"objectType": svc.cls, "description__null": ""}},
    )
    assert "description" not in cleared and cleared["name"] == made["name"]


@pytest.mark.parametrize("svc", SERVICES, ids=repr)
async def test_partner_isolation(raw: Raw, emu: KalturaEmulator, svc: Svc) -> None:
    mine = await add(raw, svc)
    theirs = await add(raw, svc)
    store = next(s for s in emu.state.objects.values() if theirs["id"] in s)
    store[theirs["id"]]["partnerId"] = emu.partner_id + 1
    emu.state.touch()
    result = await raw.call(svc.service, "get", **{svc.key: theirs["id"]})
    assert result["objectType"] == "KalturaAPIException"
    listed = await raw.call(svc.service, "list")
    assert [o["id"] for o in listed["objects"]] == [mine["id"]]
    refused = await raw.call(svc.service, "delete", **{svc.key: theirs["id"]})
    assert refused["objectType"] == "KalturaAPIException"


@pytest.mark.parametrize("svc", SERVICES, ids=repr)
async def test_user_session_may_read_not_write(raw: Raw, emu: KalturaEmulator, svc: Svc) -> None:
    made = await add(raw, svc)
    user = emu.user_ks("u1")
    body = {"objectType": svc.cls, **svc.fields}
    api_error(await raw.call(svc.service, "add", ks=user, **{svc.obj: body}), "SERVICE_FORBIDDEN")
    got = await raw.call(svc.service, "get", ks=user, **{svc.key: made["id"]})
    assert got["id"] == made["id"]


async def test_generic_actions_run_in_a_multirequest(raw: Raw) -> None:
    body = {
        "format": 1,
        "ks": raw.ks,
        "1": {
            "service": "accessControlProfile",
            "action": "add",
            "accessControlProfile": {"objectType": "KalturaAccessControlProfile", "name": "m"},
        },
        "2": {"service": "accessControlProfile", "action": "get", "id": "{1:result:id}"},
    }
    first, second = await raw.multi(body)
    assert second == first and first["name"] == "m"
