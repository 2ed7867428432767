"""An entry's content: upload tokens, URLs, and the flavors and thumbnail it gets (wire §6).

``addContent`` with a FULL upload token attaches the file (token CLOSED): images go straight to
READY, video and audio get a source flavor, derived flavors and a thumbnail and sit in
PRECONVERT (1) until the transcode delay has passed; a token that is not full yet parks the
entry in IMPORT (0) until the upload completes.
"""

from __future__ import annotations

import time
from typing import Any

from .._errors import api_error
from .._state import State, mark_ready
from .._uploads import CLOSED, FULL, PARTIAL, PENDING, Token
from . import Context

__all__ = ["add_resource", "attach_content", "attach_waiting_entry", "close_token"]

IMPORT, PRECONVERT, READY = 0, 1, 2
IMAGE = 2
_DERIVED_FLAVORS = ((487041, 360, 640, 900), (487051, 720, 1280, 2500))


def _new_asset(
    state: State, entry: dict[str, Any], object_type: str, **fields: Any
) -> dict[str, Any]:
    now = state.now()
    store = state.thumbs if object_type == "KalturaThumbAsset" else state.flavors
    asset = {
        "objectType": object_type,
        "id": state.short_id(store),
        "entryId": entry["id"],
        "partnerId": state.config.partner_id,
        "version": 1,
        "createdAt": now,
        "updatedAt": now,
        "_seq": state.next_seq(),
        **fields,
    }
    store[asset["id"]] = asset
    return asset


def attach_content(state: State, entry: dict[str, Any], size: int) -> None:
    """Give an entry its file: flavors, a thumbnail, then PRECONVERT or READY."""
    kb = max(size // 1024, 1)
    if entry.get("mediaType") == IMAGE:
        _new_asset(
            state,
            entry,
            "KalturaFlavorAsset",
            flavorParamsId=0,
            isOriginal=True,
            isWeb=True,
            status=READY,
            size=kb,
            sizeInBytes=size,
            fileExt="jpg",
            width=1280,
            height=720,
            tags="source",
        )
        entry.update(width=1280, height=720, status=READY, updatedAt=state.now())
        return
    delay = state.config.transcode_delay
    flavor_status = READY if delay <= 0 else 1
    _new_asset(
        state,
        entry,
        "KalturaFlavorAsset",
        flavorParamsId=0,
        isOriginal=True,
        isWeb=False,
        status=READY,
        size=kb,
        sizeInBytes=size,
        fileExt="mp4",
        containerFormat="isom",
        tags="source",
        bitrate=0,
        frameRate=25.0,
        width=1920,
        height=1080,
    )
    for params_id, height, width, bitrate in _DERIVED_FLAVORS:
        _new_asset(
            state,
            entry,
            "KalturaFlavorAsset",
            flavorParamsId=params_id,
            isOriginal=False,
            isWeb=True,
            status=flavor_status,
            size=kb,
            sizeInBytes=size,
            fileExt="mp4",
            containerFormat="mp4",
            videoCodecId="avc1",
            tags="mobile,web,mbr,iphone,iphonenew",
            bitrate=bitrate,
            frameRate=25.0,
            width=width,
            height=height,
        )
    _new_asset(
        state,
        entry,
        "KalturaThumbAsset",
        thumbParamsId=0,
        status=READY,
        fileExt="jpg",
        width=1280,
        height=720,
        size=20,
        tags="default_thumb",
    )
    entry.update(
        duration=10,
        msDuration=10000,
        width=1920,
        height=1080,
        flavorParamsIds="0," + ",".join(str(f[0]) for f in _DERIVED_FLAVORS),
        status=PRECONVERT,
        updatedAt=state.now(),
    )
    if delay <= 0:
        mark_ready(state, entry)
    else:
        state.converting[entry["id"]] = time.monotonic() + delay


def close_token(token: Token, entry: dict[str, Any]) -> None:
    token.obj.update(status=CLOSED, attachedObjectType="1", attachedObjectId=entry["id"])


def attach_waiting_entry(state: State, token: Token) -> None:
    """Called when a token becomes FULL: an entry parked in IMPORT gets its content."""
    entry = state.entries.get(token.waiting_entry or "")
    token.waiting_entry = None
    if entry is not None and entry["status"] == IMPORT:
        close_token(token, entry)
        attach_content(state, entry, token.size)


def add_resource(ctx: Context, entry: dict[str, Any], resource: dict[str, Any] | None) -> None:
    if resource is None:
        return
    rtype = resource["objectType"]
    if rtype == "KalturaUploadedFileTokenResource":
        token = ctx.uploads.tokens.get(str(resource.get("token") or ""))
        if token is None:
            raise api_error("UPLOAD_TOKEN_NOT_FOUND")
        if token.status == FULL:
            close_token(token, entry)
            attach_content(ctx.state, entry, token.size)
        elif token.status in (PENDING, PARTIAL):
            token.waiting_entry = entry["id"]
            token.obj.update(attachedObjectType="1", attachedObjectId=entry["id"])
            entry.update(status=IMPORT, updatedAt=ctx.state.now())
        else:
            raise api_error("UPLOADED_FILE_NOT_FOUND_BY_TOKEN")
    elif rtype == "KalturaUrlResource":
        attach_content(ctx.state, entry, 0)
    else:
        raise api_error("RESOURCE_TYPE_NOT_SUPPORTED", rtype)
