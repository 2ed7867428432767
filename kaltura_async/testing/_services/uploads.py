"""The uploadToken service: add, get, upload, list, delete (the byte handling is in _uploads)."""

from __future__ import annotations

from typing import Any

from .._casting import check_insert
from .._schema import schema
from .._state import list_response, select
from .._uploads import DELETED, Token
from . import Context, action


def _owner_filter(ctx: Context) -> str | None:
    return None if ctx.is_admin else ctx.user_id


def _token(ctx: Context, token_id: str) -> Token:
    return ctx.uploads.get(token_id, _owner_filter(ctx))


@action("uploadToken", "add")
async def token_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["uploadToken"] or {"objectType": "KalturaUploadToken"}
    check_insert(obj)
    return ctx.uploads.add(obj, ctx.user_id).obj


@action("uploadToken", "get")
async def token_get(ctx: Context, args: dict[str, Any]) -> Any:
    return _token(ctx, args["uploadTokenId"]).obj


@action("uploadToken", "upload")
async def token_upload(ctx: Context, args: dict[str, Any]) -> Any:
    token = _token(ctx, args["uploadTokenId"])
    return await ctx.uploads.upload(
        token, args["fileData"], args["resume"], args["finalChunk"], args["resumeAt"]
    )


@action("uploadToken", "delete")
async def token_delete(ctx: Context, args: dict[str, Any]) -> Any:
    ctx.uploads.delete(_token(ctx, args["uploadTokenId"]))


@action("uploadToken", "list")
async def token_list(ctx: Context, args: dict[str, Any]) -> Any:
    owner = _owner_filter(ctx)
    tokens = [
        t.obj
        for t in ctx.uploads.tokens.values()
        if t.status != DELETED and (owner is None or t.obj.get("userId") == owner)
    ]
    items = select(tokens, args["filter"], schema().properties("KalturaUploadToken"))
    return list_response("KalturaUploadTokenListResponse", items, args["filter"], args["pager"])


async def _one_call_upload(ctx: Context, args: dict[str, Any]) -> Any:
    return ctx.uploads.add_legacy(args["fileData"], ctx.user_id)


# media.upload / baseEntry.upload (MediaService::uploadAction): the file arrives whole and its
# token string is what media.addFromUploadedFile takes; deprecated upstream, still used by the
# official clients' own tests and by old integrations.
action("media", "upload")(_one_call_upload)
action("baseEntry", "upload")(_one_call_upload)
