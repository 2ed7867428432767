"""KS validation, session and appToken services (wire §5)."""

from __future__ import annotations

import hashlib

import pytest
from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator
from kaltura_async.testing._ks import mint_v1, mint_v2


@pytest.mark.parametrize("mint", [mint_v1, mint_v2])
async def test_v1_and_v2_are_accepted(raw: Raw, emu: KalturaEmulator, mint: object) -> None:
    ks = mint(emu.admin_secret, emu.partner_id, emu.state.now() + 60, 2, "bob", "list:*")  # type: ignore[operator]
    info = await raw.call("session", "get", ks=ks)
    assert info["userId"] == "bob" and info["sessionType"] == 2
    assert info["privileges"] == "list:*" and "ks" not in info


async def test_bad_signature_puts_ks_in_ksid(raw: Raw, emu: KalturaEmulator) -> None:
    ks = mint_v2("wrong", emu.partner_id, emu.state.now() + 60, 2)
    err = api_error(await raw.call("media", "list", ks=ks), "INVALID_KS")
    assert err["args"] == {"KSID": ks, "ERR_CODE": "-1", "ERR_DESC": "INVALID_STR"}


async def test_expired_ks(raw: Raw, emu: KalturaEmulator) -> None:
    ks = mint_v1(emu.admin_secret, emu.partner_id, emu.state.now() - 1, 2)
    err = api_error(await raw.call("media", "list", ks=ks), "INVALID_KS")
    assert err["message"] == 'Invalid KS "EXPIRED", Error "-1,INVALID_STR"'


async def test_session_end_logs_out(raw: Raw, emu: KalturaEmulator) -> None:
    ks = emu.admin_ks()
    assert await raw.call("session", "end", ks=ks) is None
    err = api_error(await raw.call("media", "list", ks=ks), "INVALID_KS")
    assert err["args"]["KSID"] == "LOGOUT"
    assert (await raw.call("media", "list"))["totalCount"] == 0


async def test_session_start_secrets(raw: Raw, emu: KalturaEmulator) -> None:
    pid = emu.partner_id
    admin = await raw.call(
        "session",
        "start",
        ks=False,
        secret=emu.admin_secret,
        type=2,
        partnerId=pid,
        userId="ann",
        privileges="disableentitlement",
    )
    assert admin.startswith("djJ8")
    info = await raw.call("session", "get", ks=admin)
    assert (info["sessionType"], info["userId"]) == (2, "ann")
    user = await raw.call("session", "start", ks=False, secret=emu.user_secret, partnerId=pid)
    assert (await raw.call("session", "get", ks=user))["sessionType"] == 0
    err = api_error(
        await raw.call("session", "start", ks=False, secret=emu.user_secret, type=2, partnerId=pid),
        "START_SESSION_ERROR",
    )
    assert err["args"] == {"PID": str(pid)}
    api_error(
        await raw.call("session", "start", ks=False, secret="nope", partnerId=pid),
        "START_SESSION_ERROR",
    )


async def test_user_session_forbidden_admin_actions(raw: Raw, emu: KalturaEmulator) -> None:
    body = {"format": 1, "ks": emu.user_ks("u1"), "appToken": {"objectType": "KalturaAppToken"}}
    async with raw.session.post(raw.url("appToken", "add"), json=body) as resp:
        assert resp.headers["X-Kaltura"] == "error-SERVICE_FORBIDDEN"
        err = api_error(await resp.json(), "SERVICE_FORBIDDEN")
    assert err["args"] == {"SERVICE": "apptoken->add"}


async def test_user_sees_only_own_entries(raw: Raw, emu: KalturaEmulator) -> None:
    mine = await raw.call(
        "media",
        "add",
        ks=emu.user_ks("u1"),
        entry={"objectType": "KalturaMediaEntry", "name": "mine", "mediaType": 2},
    )
    other = await raw.add_entry("admins", userId="u2")
    assert mine["userId"] == "u1"
    api_error(
        await raw.call("media", "get", ks=emu.user_ks("u1"), entryId=other["id"]),
        "ENTRY_ID_NOT_FOUND",
    )
    flt = {"objectType": "KalturaMediaEntryFilter", "statusIn": "2,7"}
    listed = await raw.call("media", "list", ks=emu.user_ks("u1"), filter=flt)
    assert [e["id"] for e in listed["objects"]] == [mine["id"]]
    assert (await raw.call("media", "list", filter=flt))["totalCount"] == 2


async def test_widget_session(raw: Raw, emu: KalturaEmulator) -> None:
    got = await raw.call("session", "startWidgetSession", ks=False, widgetId=f"_{emu.partner_id}")
    assert got["objectType"] == "KalturaStartWidgetSessionResponse" and got["userId"] == "0"
    info = await raw.call("session", "get", ks=got["ks"])
    assert info["privileges"] == "view:*,widget:1" and info["sessionType"] == 0
    api_error(
        await raw.call("session", "startWidgetSession", ks=False, widgetId="_1"),
        "INVALID_WIDGET_ID",
    )


@pytest.mark.parametrize("hash_type", ["SHA1", "MD5", "SHA256", "SHA512"])
async def test_app_token_session(raw: Raw, emu: KalturaEmulator, hash_type: str) -> None:
    token = await raw.call(
        "appToken",
        "add",
        appToken={
            "objectType": "KalturaAppToken",
            "hashType": hash_type,
            "sessionType": 2,
            "sessionUserId": "svc",
            "sessionPrivileges": "list:*",
        },
    )
    assert token["status"] == 2 and len(token["token"]) == 32
    widget = await raw.call(
        "session", "startWidgetSession", ks=False, widgetId=f"_{emu.partner_id}"
    )
    digest = hashlib.new(hash_type.lower(), (widget["ks"] + token["token"]).encode()).hexdigest()
    info = await raw.call(
        "appToken", "startSession", ks=widget["ks"], id=token["id"], tokenHash=digest
    )
    assert info["userId"] == "svc" and info["sessionType"] == 2
    assert info["privileges"].startswith(f"sessionid:{token['id']},apptoken:{token['id']}")
    assert (await raw.call("media", "list", ks=info["ks"]))["totalCount"] == 0
    api_error(
        await raw.call("appToken", "startSession", ks=widget["ks"], id=token["id"], tokenHash="00"),
        "INVALID_APP_TOKEN_HASH",
    )
    await raw.call("appToken", "delete", id=token["id"])
    api_error(await raw.call("media", "list", ks=info["ks"]), "INVALID_KS")
    api_error(await raw.call("appToken", "get", id=token["id"]), "APP_TOKEN_ID_NOT_FOUND")


async def test_app_token_bad_hash_type_is_enum_error(raw: Raw) -> None:
    err = api_error(
        await raw.call(
            "appToken", "add", appToken={"objectType": "KalturaAppToken", "hashType": "CRC"}
        ),
        "INVALID_ENUM_VALUE",
    )
    assert err["args"] == {
        "ENUM_VAL": "CRC",
        "PARAM_NAME": "hashType",
        "ENUM_TYPE": "KalturaAppTokenHashType",
    }
