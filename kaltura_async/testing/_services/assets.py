"""flavorAsset and thumbAsset reads: an asset is visible when its entry is."""

from __future__ import annotations

from typing import Any

from .._errors import api_error
from .._schema import schema
from .._state import list_response, select
from . import Context, action
from .entries import find_entry

__all__: list[str] = []


def _assets(
    ctx: Context, store: dict[str, dict[str, Any]], flt: dict[str, Any] | None, object_type: str
) -> list[dict[str, Any]]:
    ctx.state.settle()
    visible = [
        a
        for a in store.values()
        if (e := ctx.state.entries.get(a["entryId"])) is not None and ctx.may_see(e)
    ]
    return select(visible, flt, schema().properties(object_type))


def _asset(ctx: Context, store: dict[str, dict[str, Any]], asset_id: str, code: str) -> Any:
    ctx.state.settle()
    asset = store.get(asset_id)
    entry = ctx.state.entries.get(asset["entryId"]) if asset else None
    if asset is None or entry is None or not ctx.may_see(entry):
        raise api_error(code, asset_id)
    return asset


@action("flavorAsset", "get")
async def flavor_get(ctx: Context, args: dict[str, Any]) -> Any:
    return _asset(ctx, ctx.state.flavors, args["id"], "FLAVOR_ASSET_ID_NOT_FOUND")


@action("flavorAsset", "list")
async def flavor_list(ctx: Context, args: dict[str, Any]) -> Any:
    items = _assets(ctx, ctx.state.flavors, args["filter"], "KalturaFlavorAsset")
    return list_response(
        "KalturaFlavorAssetListResponse", items, args["filter"], args["pager"], "+createdAt"
    )


@action("flavorAsset", "getByEntryId")
async def flavor_by_entry(ctx: Context, args: dict[str, Any]) -> Any:
    find_entry(ctx, args["entryId"])
    return _assets(ctx, ctx.state.flavors, {"entryIdEqual": args["entryId"]}, "KalturaFlavorAsset")


@action("thumbAsset", "get")
async def thumb_get(ctx: Context, args: dict[str, Any]) -> Any:
    return _asset(ctx, ctx.state.thumbs, args["thumbAssetId"], "THUMB_ASSET_ID_NOT_FOUND")


@action("thumbAsset", "list")
async def thumb_list(ctx: Context, args: dict[str, Any]) -> Any:
    items = _assets(ctx, ctx.state.thumbs, args["filter"], "KalturaThumbAsset")
    return list_response(
        "KalturaThumbAssetListResponse", items, args["filter"], args["pager"], "+createdAt"
    )


@action("thumbAsset", "getByEntryId")
async def thumb_by_entry(ctx: Context, args: dict[str, Any]) -> Any:
    find_entry(ctx, args["entryId"])
    return _assets(ctx, ctx.state.thumbs, {"entryIdEqual": args["entryId"]}, "KalturaThumbAsset")
