"""Entries: media and baseEntry, and the entry helpers the data and playlist services share.

Lifecycle (wire §6): add gives NO_CONTENT (7); content arrives through ``content`` (upload
tokens, one-call uploads, URLs). Lists show READY entries only unless a status filter or
``idEqual`` is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._casting import NULL, apply_update, check_insert, check_update, require
from .._errors import api_error
from .._filters import ENTRY_MAX_IN_VALUES, parse_conditions
from .._query import query
from .._schema import schema
from .._state import State, list_response
from .._uploads import FULL
from . import Context, action
from .content import add_resource, attach_content, attach_waiting_entry, close_token
from .membership import CATEGORY_KEYS, category_filter, drop_entry_links, link_from_fields

__all__ = [
    "DEFAULT_CONVERSION_PROFILE_ID",
    "attach_content",
    "attach_waiting_entry",
    "count_entries",
    "delete_entry",
    "entry_page",
    "entry_fields",
    "find_entry",
    "list_entries",
    "new_entry",
    "query_entries",
    "update_entry",
]

MEDIA_CLIP, PLAYLIST = 1, 5
NO_CONTENT, READY = 7, 2
_STATUS_KEYS = ("statusEqual", "statusIn", "statusNotEqual", "statusNotIn")
_entry_fields: set[str] = set()
# The partner's default conversion profile, which every new entry reports as its
# ``conversionProfileId`` (KalturaEntryService::prepareEntryForInsert assigns it).
DEFAULT_CONVERSION_PROFILE_ID = 1_000_001


def entry_fields() -> set[str]:
    if not _entry_fields:
        sch = schema()
        for cls in ("KalturaMediaEntry", "KalturaPlaylist", "KalturaBaseEntry"):
            _entry_fields.update(sch.properties(cls))
    return _entry_fields


def _validate_entry_fields(obj: dict[str, Any], stored: dict[str, Any] | None) -> None:
    """``KalturaBaseEntry::validateForInsert`` / ``validateForUpdate``: a sent ``referenceId``
    has at least 2 characters; ``conversionProfileId`` may only be set while the entry has no
    content (PROPERTY_VALIDATION_ENTRY_STATUS), so sending back a READY entry as ``get``
    returned it is refused."""
    ref = obj.get("referenceId")
    if isinstance(ref, str) and len(ref) < 2:
        raise api_error("PROPERTY_VALIDATION_MIN_LENGTH", f"{obj['objectType']}::referenceId", 2)
    if stored is not None and obj.get("conversionProfileId") not in (None, NULL):
        if stored.get("status") != NO_CONTENT:
            raise api_error(
                "PROPERTY_VALIDATION_ENTRY_STATUS",
                f"{obj['objectType']}::conversionProfileId",
                stored.get("status"),
            )


def new_entry(ctx: Context, obj: dict[str, Any], entry_type: int) -> dict[str, Any]:
    check_insert(obj)
    _validate_entry_fields(obj, None)
    state = ctx.state
    now = state.now()
    entry = {k: v for k, v in obj.items() if v is not NULL}
    eid = state.short_id(state.entries)
    trusted = ctx.session is None or ctx.is_admin
    owner = entry.get("userId") if trusted and entry.get("userId") else ctx.user_id
    pid = state.config.partner_id
    base = f"{state.config.public_url}/p/{pid}/sp/{pid}00"
    entry.update(
        id=eid,
        partnerId=pid,
        userId=owner,
        creatorId=entry.get("creatorId") or owner,
        status=NO_CONTENT,
        moderationStatus=6,
        moderationCount=0,
        type=entry_type,
        createdAt=now,
        updatedAt=now,
        version=0,
        rootEntryId=eid,
        rank=0,
        totalRank=0,
        votes=0,
        licenseType=-1,
        replacementStatus=0,
        partnerSortValue=0,
        displayInSearch=1,
        capabilities="",
        operationAttributes=[],
        thumbnailUrl=f"{base}/thumbnail/entry_id/{eid}/version/0",
        downloadUrl=f"{base}/playManifest/entryId/{eid}/format/download/protocol/http",
        _seq=state.next_seq(),
    )
    entry.setdefault("conversionProfileId", DEFAULT_CONVERSION_PROFILE_ID)
    entry.pop("categoriesIds", None)
    entry.pop("categories", None)
    if entry_type == MEDIA_CLIP:
        entry.setdefault("sourceType", "1")
        entry.update(plays=0, views=0, duration=0, msDuration=0, flavorParamsIds="")
        entry["dataUrl"] = f"{base}/playManifest/entryId/{eid}/format/url/protocol/http"
    state.entries[eid] = entry
    link_from_fields(state, entry, obj, ctx.user_id)
    return entry


def find_entry(ctx: Context, entry_id: str, entry_type: int | None = None) -> dict[str, Any]:
    ctx.state.settle()
    entry = ctx.state.entries.get(entry_id)
    if entry is None or not ctx.may_see(entry):
        raise api_error("ENTRY_ID_NOT_FOUND", entry_id)
    if entry_type is not None and entry.get("type") != entry_type:
        raise api_error("ENTRY_ID_NOT_FOUND", entry_id)
    return entry


def _editable(ctx: Context, entry_id: str, entry_type: int | None) -> dict[str, Any]:
    entry = find_entry(ctx, entry_id, entry_type)
    if not ctx.may_edit(entry):
        raise api_error("PERMISSION_DENIED_TO_UPDATE_ENTRY")
    return entry


def _entry_base(
    ctx: Context, flt: dict[str, Any], entry_type: int | None
) -> tuple[Callable[[dict[str, Any]], bool], tuple[Any, ...]]:
    """Which entries a list may see at all, and a cache key naming that rule."""
    default_ready = not any(flt.get(k) is not None for k in _STATUS_KEYS) and (
        flt.get("idEqual") is None
    )
    sees_all = ctx.sees_all()
    user = ctx.user_id

    def base(e: dict[str, Any]) -> bool:
        return (
            (entry_type is None or e.get("type") == entry_type)
            and (sees_all or e.get("userId") == user)
            and (
                not default_ready
                or (e["status"] == READY and e.get("moderationStatus") not in (1, 3))
            )
        )

    return base, ("entries", entry_type, default_ready, None if sees_all else user)


def _extra(state: State, flt: dict[str, Any]) -> Callable[[dict[str, Any]], bool] | None:
    """The entry filters that are not ``<field><Operator>`` properties: free text, categories."""
    tests: list[Callable[[dict[str, Any]], bool]] = []
    free_text = flt.get("freeText")
    if free_text:
        needle = str(free_text).lower()
        tests.append(
            lambda e: any(
                needle in str(e.get(k) or "").lower() for k in ("name", "description", "tags", "id")
            )
        )
    if any(flt.get(k) for k in CATEGORY_KEYS):
        everything = list(state.entries.values())
        kept = {id(e) for e in category_filter(state, everything, flt)}
        tests.append(lambda e: id(e) in kept)
    if not tests:
        return None
    return lambda e: all(t(e) for t in tests)


def entry_page(
    ctx: Context,
    flt: dict[str, Any] | None,
    pager: dict[str, Any] | None,
    entry_type: int | None,
    paged: bool = True,
) -> tuple[list[dict[str, Any]], int]:
    """A page of the entries a list action shows, and the total, from the sorted index."""
    state = ctx.state
    state.settle()
    flt = flt or {}
    base, key = _entry_base(ctx, flt, entry_type)
    return query(
        state,
        state.entries,
        cache_key=key,
        conditions=parse_conditions(flt, entry_fields(), ENTRY_MAX_IN_VALUES),
        order_by=flt.get("orderBy"),
        default_order="-createdAt",
        pager=pager,
        base=base,
        paged=paged,
        extra=_extra(state, flt),
    )


def query_entries(
    ctx: Context, flt: dict[str, Any] | None, entry_type: int | None
) -> list[dict[str, Any]]:
    """Every entry a list with this filter matches, in the filter's order."""
    return entry_page(ctx, flt, None, entry_type, paged=False)[0]


def count_entries(ctx: Context, flt: dict[str, Any] | None, entry_type: int | None) -> int:
    return entry_page(ctx, flt, None, entry_type, paged=False)[1]


def list_entries(
    ctx: Context, response_type: str, args: dict[str, Any], entry_type: int | None
) -> dict[str, Any]:
    objects, total = entry_page(ctx, args["filter"], args["pager"], entry_type)
    return {"objectType": response_type, "objects": objects, "totalCount": total}


def update_entry(ctx: Context, entry_id: str, obj: dict[str, Any], entry_type: int | None) -> Any:
    entry = _editable(ctx, entry_id, entry_type)
    check_update(obj, entry)
    _validate_entry_fields(obj, entry)
    sent = dict(obj)
    if "type" in sent and str(sent["type"]).lstrip("-").isdigit():
        # The wire carries the enum as a string; the entry keeps it as the int it was
        # stored as, or a fetched entry sent back would vanish from typed lookups.
        sent["type"] = int(sent["type"])
    ids = sent.pop("categoriesIds", None)
    sent.pop("categories", None)
    apply_update(entry, sent)
    link_from_fields(ctx.state, entry, {"categoriesIds": "" if ids is NULL else ids}, ctx.user_id)
    entry["updatedAt"] = ctx.state.now()
    return entry


def delete_entry(ctx: Context, entry_id: str, entry_type: int | None) -> None:
    _editable(ctx, entry_id, entry_type)
    state = ctx.state
    del state.entries[entry_id]
    state.converting.pop(entry_id, None)
    for store in (state.flavors, state.thumbs, state.captions):
        for asset_id in [k for k, v in store.items() if v["entryId"] == entry_id]:
            del store[asset_id]
    drop_entry_links(state, entry_id)


@action("media", "add")
async def media_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["entry"]
    require(obj, "mediaType")
    return new_entry(ctx, obj, MEDIA_CLIP)


@action("media", "addContent")
async def media_add_content(ctx: Context, args: dict[str, Any]) -> Any:
    entry = _editable(ctx, args["entryId"], MEDIA_CLIP)
    if entry["status"] != NO_CONTENT:
        raise api_error("ENTRY_ALREADY_WITH_CONTENT")
    add_resource(ctx, entry, args["resource"])
    return entry


@action("media", "addFromUploadedFile")
async def media_add_from_uploaded_file(ctx: Context, args: dict[str, Any]) -> Any:
    """An upload token id (FULL, else UPLOAD_TOKEN_INVALID_STATUS_FOR_ADD_ENTRY) or the token
    string of a one-call ``media.upload`` (used once, else UPLOADED_FILE_NOT_FOUND_BY_TOKEN);
    ``kUploadTokenMgr::getFullPathByUploadTokenId`` resolves both."""
    token_id = args["uploadTokenId"]
    obj = args["mediaEntry"]
    token = ctx.uploads.tokens.get(token_id)
    if token is not None:
        if token.status != FULL:
            raise api_error("UPLOAD_TOKEN_INVALID_STATUS_FOR_ADD_ENTRY")
        require(obj, "mediaType")
        entry = new_entry(ctx, obj, MEDIA_CLIP)
        close_token(token, entry)
        attach_content(ctx.state, entry, token.size)
        return entry
    upload = ctx.uploads.take_legacy(token_id)
    if upload is None:
        raise api_error("UPLOADED_FILE_NOT_FOUND_BY_TOKEN")
    require(obj, "mediaType")
    entry = new_entry(ctx, obj, MEDIA_CLIP)
    attach_content(ctx.state, entry, upload.size)
    return entry


@action("media", "get")
async def media_get(ctx: Context, args: dict[str, Any]) -> Any:
    return find_entry(ctx, args["entryId"], MEDIA_CLIP)


@action("media", "update")
async def media_update(ctx: Context, args: dict[str, Any]) -> Any:
    return update_entry(ctx, args["entryId"], args["mediaEntry"], MEDIA_CLIP)


@action("media", "delete")
async def media_delete(ctx: Context, args: dict[str, Any]) -> Any:
    delete_entry(ctx, args["entryId"], MEDIA_CLIP)


@action("media", "list")
async def media_list(ctx: Context, args: dict[str, Any]) -> Any:
    return list_entries(ctx, "KalturaMediaListResponse", args, MEDIA_CLIP)


@action("media", "count")
async def media_count(ctx: Context, args: dict[str, Any]) -> Any:
    return count_entries(ctx, args["filter"], MEDIA_CLIP)


def _moderate(ctx: Context, entry_id: str, status: int) -> None:
    entry = find_entry(ctx, entry_id, MEDIA_CLIP)
    entry.update(moderationStatus=status, updatedAt=ctx.state.now())


@action("media", "approve", admin=True)
async def media_approve(ctx: Context, args: dict[str, Any]) -> Any:
    _moderate(ctx, args["entryId"], 2)


@action("media", "reject", admin=True)
async def media_reject(ctx: Context, args: dict[str, Any]) -> Any:
    _moderate(ctx, args["entryId"], 3)


@action("baseEntry", "get")
async def base_get(ctx: Context, args: dict[str, Any]) -> Any:
    return find_entry(ctx, args["entryId"])


@action("baseEntry", "update")
async def base_update(ctx: Context, args: dict[str, Any]) -> Any:
    return update_entry(ctx, args["entryId"], args["baseEntry"], None)


@action("baseEntry", "delete")
async def base_delete(ctx: Context, args: dict[str, Any]) -> Any:
    delete_entry(ctx, args["entryId"], None)


@action("baseEntry", "list")
async def base_list(ctx: Context, args: dict[str, Any]) -> Any:
    return list_entries(ctx, "KalturaBaseEntryListResponse", args, None)


@action("baseEntry", "count")
async def base_count(ctx: Context, args: dict[str, Any]) -> Any:
    return count_entries(ctx, args["filter"], None)


@action("baseEntry", "getByIds")
async def base_get_by_ids(ctx: Context, args: dict[str, Any]) -> Any:
    ctx.state.settle()
    found = []
    for entry_id in str(args["entryIds"]).split(","):
        entry = ctx.state.entries.get(entry_id.strip())
        if entry is not None and ctx.may_see(entry):
            found.append(entry)
    return found


@action("baseEntry", "listByReferenceId")
async def base_list_by_reference_id(ctx: Context, args: dict[str, Any]) -> Any:
    flt = {"referenceIdEqual": args["refId"], "statusIn": "-2,-1,0,1,2,4,5,6,7"}
    items = query_entries(ctx, flt, None)
    return list_response("KalturaBaseEntryListResponse", items, None, args["pager"])
