"""category, categoryEntry, user, metadata profiles and metadata, and caption assets.

Metadata XML and profile XSD are stored verbatim. Category membership is mirrored into the
entry's ``categories`` / ``categoriesIds`` so entry filters such as ``categoriesIdsMatchOr``
work.
"""

from __future__ import annotations

from typing import Any

from .._casting import NULL, apply_update, check_insert, check_update, require
from .._errors import api_error
from .._schema import schema
from .._state import State, list_response, select
from . import Context, action
from .entries import find_entry
from .generic_verbs import read_resource
from .membership import add_link, drop_link

ACTIVE = 2


def _clean(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v is not NULL}


def _stamp(state: State, obj: dict[str, Any], **fields: Any) -> dict[str, Any]:
    now = state.now()
    obj.update(
        partnerId=state.config.partner_id,
        createdAt=now,
        updatedAt=now,
        _seq=state.next_seq(),
        **fields,
    )
    return obj


def _update(state: State, stored: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any]:
    check_update(obj, stored)
    apply_update(stored, obj)
    stored["updatedAt"] = state.now()
    return stored


def _listed(
    object_type: str,
    item_class: str,
    items: list[dict[str, Any]],
    args: dict[str, Any],
    default_order: str = "+createdAt",
) -> dict[str, Any]:
    flt = args["filter"]
    chosen = select(items, flt, schema().properties(item_class))
    return list_response(object_type, chosen, flt, args["pager"], default_order)


# categories ---------------------------------------------------------------------------------


def _category(ctx: Context, category_id: int) -> dict[str, Any]:
    found = ctx.state.categories.get(category_id)
    if found is None:
        raise api_error("CATEGORY_NOT_FOUND", category_id)
    return found


def _place_category(state: State, cat: dict[str, Any]) -> None:
    parent_id = int(cat.get("parentId") or 0)
    parent = state.categories.get(parent_id) if parent_id else None
    if parent_id and parent is None:
        raise api_error("PARENT_CATEGORY_NOT_FOUND", parent_id)
    full_name = f"{parent['fullName']}>{cat['name']}" if parent else str(cat["name"])
    for other in state.categories.values():
        if other["fullName"] == full_name and other.get("id") != cat.get("id"):
            raise api_error("DUPLICATE_CATEGORY", full_name)
    cat.update(
        parentId=parent_id,
        fullName=full_name,
        depth=parent["depth"] + 1 if parent else 0,
        fullIds=f"{parent['fullIds']}>{cat['id']}" if parent else str(cat["id"]),
    )


@action("category", "add", admin=True)
async def category_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["category"]
    check_insert(obj)
    require(obj, "name")
    state = ctx.state
    cat = _stamp(
        state,
        _clean(obj),
        id=state.int_id(),
        status=ACTIVE,
        entriesCount=0,
        directEntriesCount=0,
        directSubCategoriesCount=0,
        membersCount=0,
    )
    _place_category(state, cat)
    state.categories[cat["id"]] = cat
    return cat


@action("category", "get")
async def category_get(ctx: Context, args: dict[str, Any]) -> Any:
    return _category(ctx, args["id"])


@action("category", "update", admin=True)
async def category_update(ctx: Context, args: dict[str, Any]) -> Any:
    cat = _category(ctx, args["id"])
    _update(ctx.state, cat, args["category"])
    _place_category(ctx.state, cat)
    return cat


@action("category", "delete", admin=True)
async def category_delete(ctx: Context, args: dict[str, Any]) -> Any:
    state = ctx.state
    _category(ctx, args["id"])
    del state.categories[args["id"]]
    for key in [k for k in state.category_entries if k[1] == args["id"]]:
        drop_link(state, *key)


@action("category", "list")
async def category_list(ctx: Context, args: dict[str, Any]) -> Any:
    items = list(ctx.state.categories.values())
    return _listed("KalturaCategoryListResponse", "KalturaCategory", items, args)


@action("categoryEntry", "add")
async def category_entry_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["categoryEntry"]
    check_insert(obj)
    require(obj, "entryId", "categoryId")
    state = ctx.state
    entry = find_entry(ctx, str(obj["entryId"]))
    cat = _category(ctx, int(obj["categoryId"]))
    key = (entry["id"], cat["id"])
    if key in state.category_entries:
        raise api_error("CATEGORY_ENTRY_ALREADY_EXISTS")
    link = add_link(state, entry["id"], cat, ctx.user_id)
    return link


@action("categoryEntry", "delete")
async def category_entry_delete(ctx: Context, args: dict[str, Any]) -> Any:
    state = ctx.state
    find_entry(ctx, args["entryId"])
    _category(ctx, args["categoryId"])
    key = (args["entryId"], args["categoryId"])
    if key not in state.category_entries:
        raise api_error("ENTRY_IS_NOT_ASSIGNED_TO_CATEGORY")
    drop_link(state, *key)


@action("categoryEntry", "list")
async def category_entry_list(ctx: Context, args: dict[str, Any]) -> Any:
    items = list(ctx.state.category_entries.values())
    return _listed("KalturaCategoryEntryListResponse", "KalturaCategoryEntry", items, args)


# users --------------------------------------------------------------------------------------


def _user(ctx: Context, user_id: str) -> dict[str, Any]:
    found = ctx.state.users.get(user_id)
    if found is None:
        raise api_error("INVALID_USER_ID")
    return found


@action("user", "add", admin=True)
async def user_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["user"]
    check_insert(obj)
    require(obj, "id")
    state = ctx.state
    if obj["id"] in state.users:
        raise api_error("DUPLICATE_USER_BY_ID", obj["id"])
    user = _stamp(
        state,
        _clean(obj),
        status=1,
        isAdmin=bool(obj.get("isAdmin")),
        type=obj.get("type", 0),
        loginEnabled=False,
        isAccountOwner=False,
    )
    user.pop("password", None)
    state.users[user["id"]] = user
    return user


@action("user", "get")
async def user_get(ctx: Context, args: dict[str, Any]) -> Any:
    user_id = args["userId"] or ctx.user_id
    if not ctx.is_admin and user_id != ctx.user_id:
        raise ctx.forbid()
    return _user(ctx, user_id)


@action("user", "update", admin=True)
async def user_update(ctx: Context, args: dict[str, Any]) -> Any:
    return _update(ctx.state, _user(ctx, args["userId"]), args["user"])


@action("user", "delete", admin=True)
async def user_delete(ctx: Context, args: dict[str, Any]) -> Any:
    _user(ctx, args["userId"])
    del ctx.state.users[args["userId"]]


@action("user", "list", admin=True)
async def user_list(ctx: Context, args: dict[str, Any]) -> Any:
    items = list(ctx.state.users.values())
    return _listed("KalturaUserListResponse", "KalturaUser", items, args)


# metadata -----------------------------------------------------------------------------------


def _profile(ctx: Context, profile_id: int) -> dict[str, Any]:
    found = ctx.state.metadata_profiles.get(profile_id)
    if found is None:
        raise api_error("METADATA_PROFILE_NOT_FOUND", profile_id)
    return found


@action("metadata_metadataProfile", "add", admin=True)
async def profile_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["metadataProfile"]
    check_insert(obj)
    state = ctx.state
    profile = _stamp(
        state,
        _clean(obj),
        id=state.int_id(),
        status=1,
        version=1,
        xsd=args["xsdData"],
        views=args["viewsData"],
    )
    state.metadata_profiles[profile["id"]] = profile
    return profile


@action("metadata_metadataProfile", "get")
async def profile_get(ctx: Context, args: dict[str, Any]) -> Any:
    return _profile(ctx, args["id"])


@action("metadata_metadataProfile", "update", admin=True)
async def profile_update(ctx: Context, args: dict[str, Any]) -> Any:
    profile = _update(ctx.state, _profile(ctx, args["id"]), args["metadataProfile"])
    if args["xsdData"] is not None:
        profile["xsd"] = args["xsdData"]
        profile["version"] += 1
    if args["viewsData"] is not None:
        profile["views"] = args["viewsData"]
    return profile


@action("metadata_metadataProfile", "delete", admin=True)
async def profile_delete(ctx: Context, args: dict[str, Any]) -> Any:
    _profile(ctx, args["id"])
    del ctx.state.metadata_profiles[args["id"]]


@action("metadata_metadataProfile", "list")
async def profile_list(ctx: Context, args: dict[str, Any]) -> Any:
    items = list(ctx.state.metadata_profiles.values())
    return _listed("KalturaMetadataProfileListResponse", "KalturaMetadataProfile", items, args)


def _metadata(ctx: Context, metadata_id: int) -> dict[str, Any]:
    found = ctx.state.metadata.get(metadata_id)
    if found is None:
        raise api_error("METADATA_NOT_FOUND", metadata_id)
    return found


@action("metadata_metadata", "add")
async def metadata_add(ctx: Context, args: dict[str, Any]) -> Any:
    state = ctx.state
    profile = _profile(ctx, args["metadataProfileId"])
    object_type, object_id = args["objectType"], args["objectId"]
    if object_type == "1":
        find_entry(ctx, object_id)
    for other in state.metadata.values():
        if other["metadataProfileId"] == profile["id"] and other["objectId"] == object_id:
            raise api_error("METADATA_ALREADY_EXISTS", object_id)
    item = _stamp(
        state,
        {"objectType": "KalturaMetadata"},
        id=state.int_id(),
        metadataProfileId=profile["id"],
        metadataProfileVersion=profile["version"],
        metadataObjectType=object_type,
        objectId=object_id,
        version=1,
        status=1,
        xml=args["xmlData"],
    )
    state.metadata[item["id"]] = item
    return item


@action("metadata_metadata", "get")
async def metadata_get(ctx: Context, args: dict[str, Any]) -> Any:
    return _metadata(ctx, args["id"])


@action("metadata_metadata", "update")
async def metadata_update(ctx: Context, args: dict[str, Any]) -> Any:
    item = _metadata(ctx, args["id"])
    if args["xmlData"] is not None:
        item.update(xml=args["xmlData"], version=item["version"] + 1, updatedAt=ctx.state.now())
    return item


@action("metadata_metadata", "delete")
async def metadata_delete(ctx: Context, args: dict[str, Any]) -> Any:
    _metadata(ctx, args["id"])
    del ctx.state.metadata[args["id"]]


@action("metadata_metadata", "list")
async def metadata_list(ctx: Context, args: dict[str, Any]) -> Any:
    items = list(ctx.state.metadata.values())
    return _listed("KalturaMetadataListResponse", "KalturaMetadata", items, args)


# captions -----------------------------------------------------------------------------------

_CAPTION_EXT = {"1": "srt", "2": "xml", "3": "vtt", "4": "cap", "5": "scc"}


def _caption(ctx: Context, asset_id: str) -> dict[str, Any]:
    found = ctx.state.captions.get(asset_id)
    entry = ctx.state.entries.get(found["entryId"]) if found else None
    if found is None or entry is None or not ctx.may_see(entry):
        raise api_error("CAPTION_ASSET_ID_NOT_FOUND", asset_id)
    return found


@action("caption_captionAsset", "add")
async def caption_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["captionAsset"]
    check_insert(obj)
    entry = find_entry(ctx, args["entryId"])
    state = ctx.state
    fmt = str(obj.get("format") or "1")
    caption = _stamp(
        state,
        _clean(obj),
        id=state.short_id(state.captions),
        entryId=entry["id"],
        status=0,
        version=0,
        format=fmt,
        fileExt=_CAPTION_EXT.get(fmt, "srt"),
        size=0,
        sizeInBytes=0,
    )
    caption.setdefault("isDefault", 0)
    state.captions[caption["id"]] = caption
    return caption


@action("caption_captionAsset", "get")
async def caption_get(ctx: Context, args: dict[str, Any]) -> Any:
    return _caption(ctx, args["captionAssetId"])


@action("caption_captionAsset", "update")
async def caption_update(ctx: Context, args: dict[str, Any]) -> Any:
    return _update(ctx.state, _caption(ctx, args["id"]), args["captionAsset"])


@action("caption_captionAsset", "delete")
async def caption_delete(ctx: Context, args: dict[str, Any]) -> Any:
    _caption(ctx, args["captionAssetId"])
    del ctx.state.captions[args["captionAssetId"]]


@action("caption_captionAsset", "list")
async def caption_list(ctx: Context, args: dict[str, Any]) -> Any:
    visible = [
        c
        for c in ctx.state.captions.values()
        if (e := ctx.state.entries.get(c["entryId"])) is not None and ctx.may_see(e)
    ]
    return _listed("KalturaCaptionAssetListResponse", "KalturaCaptionAsset", visible, args)


@action("caption_captionAsset", "setContent")
async def caption_set_content(ctx: Context, args: dict[str, Any]) -> Any:
    caption = _caption(ctx, args["id"])
    content = read_resource(ctx, args["contentResource"], "captionAsset.Caption", caption["id"])
    caption["_content"] = content
    size = len(content)
    caption.update(
        status=2,
        size=max(size // 1024, 1),
        sizeInBytes=size,
        version=caption["version"] + 1,
        updatedAt=ctx.state.now(),
    )
    return caption
