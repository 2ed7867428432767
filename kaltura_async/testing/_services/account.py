"""The account itself and small per-user records: partner, system health, likes.

- ``partner.get`` / ``getInfo`` / ``list`` / ``count`` answer the one partner the emulator
  serves (its id, a name, ACTIVE status; never its secrets); another partner id is
  ``INVALID_PARTNER_ID``. ``getPublicInfo`` answers an empty ``KalturaPartnerPublicInfo``.
- ``system.getHealthCheck`` answers ``"OK"``; ``system.pingDatabase`` ``true`` (the store is
  in memory and always up).
- ``like_like``: ``like`` / ``unlike`` record or drop the session user's like of an entry and
  answer whether anything changed; ``checkLikeExists`` tells; ``list`` lists ``KalturaLike``
  records with the list machinery (``entryIdEqual``, ``userIdEqual``, ...).
"""

from __future__ import annotations

from typing import Any

from .._errors import APIError
from .._filters import parse_conditions
from .._query import query
from .._schema import schema
from . import Context, action
from .entries import find_entry

__all__: list[str] = []

_ACTIVE = 1
_LIKES = "KalturaLike"


def _partner(ctx: Context) -> dict[str, Any]:
    pid = ctx.state.config.partner_id
    return {
        "objectType": "KalturaPartner",
        "id": pid,
        "name": f"Kaltura emulator partner {pid}",
        "status": _ACTIVE,
        "partnerPackage": 100,
        "createdAt": ctx.state.started_at,
        "_seq": 0,
    }


def _invalid_partner(pid: object) -> APIError:
    return APIError("INVALID_PARTNER_ID", f"Invalid partner id [{pid}]", {"PARTNER_ID": str(pid)})


@action("partner", "get")
async def partner_get(ctx: Context, args: dict[str, Any]) -> Any:
    pid = args["id"]
    if pid not in (None, ctx.state.config.partner_id):
        raise _invalid_partner(pid)
    return _partner(ctx)


@action("partner", "getInfo")
async def partner_get_info(ctx: Context, args: dict[str, Any]) -> Any:
    return _partner(ctx)


@action("partner", "getPublicInfo")
async def partner_get_public_info(ctx: Context, args: dict[str, Any]) -> Any:
    pid = args["id"]
    if pid not in (None, ctx.state.config.partner_id):
        raise _invalid_partner(pid)
    return {"objectType": "KalturaPartnerPublicInfo"}


def _partners(ctx: Context, args: dict[str, Any], paged: bool) -> tuple[list[Any], int]:
    me = _partner(ctx)
    return query(
        ctx.state,
        {me["id"]: me},
        cache_key=("partner", ctx.state.config.partner_id),
        conditions=parse_conditions(args["filter"], schema().properties("KalturaPartner")),
        order_by=(args["filter"] or {}).get("orderBy"),
        default_order="+id",
        pager=args.get("pager"),
        paged=paged,
    )


@action("partner", "list")
async def partner_list(ctx: Context, args: dict[str, Any]) -> Any:
    objects, total = _partners(ctx, args, True)
    return {"objectType": "KalturaPartnerListResponse", "objects": objects, "totalCount": total}


@action("partner", "count")
async def partner_count(ctx: Context, args: dict[str, Any]) -> Any:
    return _partners(ctx, args, False)[1]


@action("system", "getHealthCheck", ks=False)
async def system_health_check(ctx: Context, args: dict[str, Any]) -> Any:
    return "OK"


@action("system", "pingDatabase", ks=False)
async def system_ping_database(ctx: Context, args: dict[str, Any]) -> Any:
    return True


def _likes(ctx: Context) -> dict[Any, dict[str, Any]]:
    return ctx.state.objects.setdefault(_LIKES, {})


@action("like_like", "like")
async def like_like(ctx: Context, args: dict[str, Any]) -> Any:
    entry = find_entry(ctx, args["entryId"])
    key = (entry["id"], ctx.user_id)
    likes = _likes(ctx)
    if key in likes:
        return False
    likes[key] = {
        "objectType": _LIKES,
        "entryId": entry["id"],
        "userId": ctx.user_id,
        "createdAt": ctx.state.now(),
        "partnerId": ctx.state.config.partner_id,
        "_seq": ctx.state.next_seq(),
    }
    return True


@action("like_like", "unlike")
async def like_unlike(ctx: Context, args: dict[str, Any]) -> Any:
    entry = find_entry(ctx, args["entryId"])
    return _likes(ctx).pop((entry["id"], ctx.user_id), None) is not None


@action("like_like", "checkLikeExists")
async def like_check(ctx: Context, args: dict[str, Any]) -> Any:
    user = args["userId"] or ctx.user_id
    return (args["entryId"], user) in _likes(ctx)


@action("like_like", "list")
async def like_list(ctx: Context, args: dict[str, Any]) -> Any:
    flt = args["filter"] or {}
    objects, total = query(
        ctx.state,
        _likes(ctx),
        cache_key=(_LIKES,),
        conditions=parse_conditions(flt, schema().properties(_LIKES)),
        order_by=flt.get("orderBy"),
        default_order="-createdAt",
        pager=args["pager"],
        id_field=None,
    )
    return {"objectType": "KalturaLikeListResponse", "objects": objects, "totalCount": total}
