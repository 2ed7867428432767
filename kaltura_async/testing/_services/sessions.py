"""system, session and appToken: pings, KS issuing and app-token sessions (wire §5)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from .._casting import NULL, apply_update, check_insert, check_update
from .._errors import api_error
from .._ks import KSInfo, mint_v1, mint_v2, parse_ks, parse_privileges
from .._schema import schema
from .._state import State, list_response, select
from . import Context, action

__all__ = ["mint"]

_HASHES = {"SHA1": "sha1", "MD5": "md5", "SHA256": "sha256", "SHA512": "sha512"}
_RESERVED_PRIVILEGES = frozenset(
    {"sessionid", "apptoken", "setrole", "disableentitlement", "enablechangeaccount", "edituser"}
)
APP_TOKEN_ACTIVE, APP_TOKEN_DELETED = 2, 3


def mint(state: State, session_type: int, user_id: str, expiry: int, privileges: str) -> str:
    """A KS of the configured version, signed with the first admin secret."""
    cfg = state.config
    valid_until = state.now() + expiry
    make = mint_v2 if cfg.ks_version == 2 else mint_v1
    return make(
        cfg.admin_secrets[0], cfg.partner_id, valid_until, session_type, user_id, privileges
    )


def _info(state: State, session: KSInfo, ks: str | None) -> dict[str, Any]:
    return {
        "objectType": "KalturaSessionInfo",
        "ks": ks,
        "sessionType": session.session_type,
        "partnerId": session.partner_id,
        "userId": session.user_id,
        "expiry": session.valid_until,
        "privileges": session.privileges,
    }


@action("system", "ping", ks=False)
async def ping(ctx: Context, args: dict[str, Any]) -> Any:
    return True


@action("system", "getTime", ks=False)
async def get_time(ctx: Context, args: dict[str, Any]) -> Any:
    return ctx.state.now()


@action("system", "getVersion", ks=False)
async def get_version(ctx: Context, args: dict[str, Any]) -> Any:
    return schema().api_version


@action("session", "start", ks=False)
async def session_start(ctx: Context, args: dict[str, Any]) -> Any:
    cfg = ctx.state.config
    partner_id = args["partnerId"]
    session_type = args["type"] or 0
    secret = args["secret"]
    secret_ok = secret in cfg.admin_secrets or (session_type < 1 and secret == cfg.user_secret)
    if partner_id != cfg.partner_id or not secret_ok:
        raise api_error("START_SESSION_ERROR", partner_id)
    expiry = min(args["expiry"], cfg.max_ks_expiry)
    return mint(ctx.state, session_type, args["userId"] or "", expiry, args["privileges"] or "")


@action("session", "end")
async def session_end(ctx: Context, args: dict[str, Any]) -> Any:
    if ctx.ks:
        ctx.state.revoked_ks.add(hashlib.sha1(ctx.ks.encode()).hexdigest())


@action("session", "get")
async def session_get(ctx: Context, args: dict[str, Any]) -> Any:
    other = args["session"]
    if not other:
        assert ctx.session is not None
        return _info(ctx.state, ctx.session, None)
    try:
        session = parse_ks(other, ctx.state.config.admin_secrets)
    except ValueError as err:
        raise api_error("INVALID_KS", other, -1, "INVALID_STR") from err
    return _info(ctx.state, session, None)


@action("session", "startWidgetSession", ks=False)
async def start_widget_session(ctx: Context, args: dict[str, Any]) -> Any:
    pid = ctx.state.config.partner_id
    if args["widgetId"] != f"_{pid}":
        raise api_error("INVALID_WIDGET_ID", args["widgetId"])
    expiry = min(args["expiry"], ctx.state.config.max_ks_expiry)
    ks = mint(ctx.state, 0, "0", expiry, "view:*,widget:1")
    return {
        "objectType": "KalturaStartWidgetSessionResponse",
        "partnerId": pid,
        "ks": ks,
        "userId": "0",
    }


def _app_token(ctx: Context, token_id: str) -> dict[str, Any]:
    token = ctx.state.app_tokens.get(token_id)
    if token is None or token["status"] == APP_TOKEN_DELETED:
        raise api_error("APP_TOKEN_ID_NOT_FOUND", token_id)
    return token


@action("appToken", "add", admin=True)
async def app_token_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["appToken"]
    check_insert(obj)
    state = ctx.state
    now = state.now()
    token = {k: v for k, v in obj.items() if v is not NULL}
    token.update(
        id=state.short_id(state.app_tokens),
        token=secrets.token_hex(16),
        partnerId=state.config.partner_id,
        status=APP_TOKEN_ACTIVE,
        createdAt=now,
        updatedAt=now,
        _seq=state.next_seq(),
    )
    token.setdefault("hashType", "SHA1")
    token.setdefault("sessionType", 0)
    token.setdefault("sessionDuration", state.config.max_ks_expiry)
    state.app_tokens[token["id"]] = token
    return token


@action("appToken", "get", admin=True)
async def app_token_get(ctx: Context, args: dict[str, Any]) -> Any:
    return _app_token(ctx, args["id"])


@action("appToken", "update", admin=True)
async def app_token_update(ctx: Context, args: dict[str, Any]) -> Any:
    token = _app_token(ctx, args["id"])
    check_update(args["appToken"], token)
    apply_update(token, args["appToken"])
    token["updatedAt"] = ctx.state.now()
    return token


@action("appToken", "delete", admin=True)
async def app_token_delete(ctx: Context, args: dict[str, Any]) -> Any:
    token = _app_token(ctx, args["id"])
    token.update(status=APP_TOKEN_DELETED, updatedAt=ctx.state.now())
    ctx.state.revoked_session_ids.add(token["id"])


@action("appToken", "list", admin=True)
async def app_token_list(ctx: Context, args: dict[str, Any]) -> Any:
    tokens = [t for t in ctx.state.app_tokens.values() if t["status"] != APP_TOKEN_DELETED]
    items = select(tokens, args["filter"], schema().properties("KalturaAppToken"))
    return list_response("KalturaAppTokenListResponse", items, args["filter"], args["pager"])


@action("appToken", "startSession")
async def app_token_start_session(ctx: Context, args: dict[str, Any]) -> Any:
    token = _app_token(ctx, args["id"])
    if token["status"] != APP_TOKEN_ACTIVE:
        raise api_error("APP_TOKEN_NOT_ACTIVE", token["id"])
    algorithm = _HASHES.get(str(token.get("hashType") or "SHA1"), "sha1")
    expected = hashlib.new(algorithm, ((ctx.ks or "") + token["token"]).encode()).hexdigest()
    if not secrets.compare_digest(expected, str(args["tokenHash"]).lower()):
        raise api_error("INVALID_APP_TOKEN_HASH")
    now = ctx.state.now()
    token_expiry = token.get("expiry")
    if token_expiry and token_expiry <= now:
        raise api_error("APP_TOKEN_EXPIRED", token["id"])
    limits = [args["expiry"] or ctx.state.config.max_ks_expiry, int(token["sessionDuration"])]
    if token_expiry:
        limits.append(token_expiry - now)
    expiry = min(limits)
    session_type = token.get("sessionType")
    if session_type is None:
        session_type = args["type"] if args["type"] is not None else 0
    user_id = token.get("sessionUserId") or args["userId"] or ""
    privileges = [f"sessionid:{token['id']}", f"apptoken:{token['id']}"]
    if token.get("sessionPrivileges"):
        privileges.append(token["sessionPrivileges"])
    granted = parse_privileges(token.get("sessionPrivileges") or "")
    for name, values in parse_privileges(args["sessionPrivileges"] or "").items():
        if name not in _RESERVED_PRIVILEGES or "*" in granted.get(name, []):
            privileges.append(f"{name}:{'/'.join(values)}" if values else name)
    privilege_text = ",".join(privileges)
    ks = mint(ctx.state, session_type, user_id, expiry, privilege_text)
    session = parse_ks(ks, ctx.state.config.admin_secrets)
    return _info(ctx.state, session, ks)
