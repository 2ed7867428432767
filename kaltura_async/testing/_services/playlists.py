"""The playlist service: static and dynamic playlists and their execution.

Sources: ``api_v3/services/PlaylistService.php``, ``api_v3/lib/types/entry/KalturaPlaylist.php``
and ``myPlaylistUtils``.

- ``add`` needs ``playlistType``; a DYNAMIC (10) playlist also needs ``totalResults``
  (``KalturaPlaylist::validateForInsert``). A playlist is READY at once.
- ``get`` / ``update`` of an unknown id give INVALID_ENTRY_ID ("Unknown Playlist [id]"), of an
  entry that is not a playlist INVALID_PLAYLIST_TYPE. ``update`` follows the entry rules
  (``KalturaBaseEntry::validateForUpdate``): read-only and insert-only fields may be sent only
  unchanged, and ``conversionProfileId`` only while the entry has no content, so sending back
  the object ``get`` returned is refused with PROPERTY_VALIDATION_ENTRY_STATUS.
- A dynamic playlist keeps its ``filters`` (KalturaMediaEntryFilterForPlaylist) and
  ``totalResults``; its ``playlistContent`` is the server's XML form of them
  (``KalturaPlaylist::filtersToPlaylistContentXml``: ``<playlist><total_results>``, one
  ``<filter>`` per filter, each field under its core name such as ``in_category_ancestor_id``),
  and content sent in that form is read back into filters.
- Execution: a static playlist returns its READY entries in content order; a dynamic one runs
  each filter in turn (READY entries only, the filter's ``orderBy``, at most its ``limit``),
  skipping entries already taken, until ``totalResults`` entries are collected
  (``myPlaylistUtils::executeDynamicPlaylistFromFilters``); the pager then pages the result.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any
from xml.sax.saxutils import escape

from .._casting import NULL, build_object, require
from .._errors import api_error
from .._state import order, page
from . import Context, action
from .entries import (
    READY,
    delete_entry,
    list_entries,
    new_entry,
    query_entries,
    update_entry,
)

PLAYLIST = 5
STATIC_LIST, DYNAMIC, EXTERNAL, PATH = 3, 10, 101, 102
_FILTER_CLASS = "KalturaMediaEntryFilterForPlaylist"

# API filter operator suffix -> the core filter's field prefix (``baseObjectFilter``).
_OPS = (
    ("GreaterThanOrEqual", "gte"),
    ("LessThanOrEqual", "lte"),
    ("GreaterThan", "gt"),
    ("LessThan", "lt"),
    ("MultiLikeOr", "mlikeor"),
    ("MultiLikeAnd", "mlikeand"),
    ("MatchOr", "matchor"),
    ("MatchAnd", "matchand"),
    ("NotContains", "notcontains"),
    ("StartsWith", "likex"),
    ("NotEqual", "not"),
    ("NotIn", "notin"),
    ("Equal", "eq"),
    ("Like", "like"),
    ("In", "in"),
)
_PLAIN = {"freeText": "free_text", "orderBy": "order_by", "limit": "limit", "isRoot": "is_root"}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _core_name(prop: str) -> str | None:
    if prop in _PLAIN:
        return _PLAIN[prop]
    for suffix, prefix in _OPS:
        if prop.endswith(suffix) and len(prop) > len(suffix):
            return f"{prefix}_{_CAMEL.sub('_', prop[: -len(suffix)]).lower()}"
    return None


def _api_name(core: str) -> str | None:
    for api, plain in _PLAIN.items():
        if core == plain:
            return api
    prefix, _, field = core.partition("_")
    for suffix, known in _OPS:
        if known == prefix and field:
            head, *rest = field.split("_")
            return head + "".join(p.capitalize() for p in rest) + suffix
    return None


def filters_to_xml(filters: list[dict[str, Any]], total_results: int | None) -> str:
    """The server's XML form of a dynamic playlist (``filtersToPlaylistContentXml``)."""
    parts = [f"<playlist><total_results>{int(total_results or 0)}</total_results><filters>"]
    for flt in filters:
        parts.append("<filter>")
        for key, value in flt.items():
            core = _core_name(key) if key != "objectType" else None
            if core is not None and value not in (None, NULL, ""):
                parts.append(f"<{core}>{escape(str(value))}</{core}>")
        parts.append("</filter>")
    parts.append("</filters></playlist>")
    return "".join(parts)


def xml_to_filters(content: str) -> tuple[list[dict[str, Any]], int]:
    """Filters and totalResults read back from playlist XML (unknown fields are skipped)."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        return [], 0
    total_text = root.findtext("total_results") or "0"
    total = int(total_text) if total_text.strip().lstrip("-").isdigit() else 0
    filters: list[dict[str, Any]] = []
    for node in root.iter("filter"):
        raw: dict[str, Any] = {"objectType": _FILTER_CLASS}
        for child in node:
            api = _api_name(child.tag)
            if api is not None and child.text is not None:
                raw[api] = child.text
        filters.append(build_object(_FILTER_CLASS, raw, "playlistContent"))
    return filters, total


def _playlist(ctx: Context, playlist_id: str) -> dict[str, Any]:
    ctx.state.settle()
    entry = ctx.state.entries.get(playlist_id)
    if entry is None or not ctx.may_see(entry):
        raise api_error("INVALID_ENTRY_ID", "Playlist", playlist_id)
    if entry.get("type") != PLAYLIST:
        raise api_error("INVALID_PLAYLIST_TYPE")
    return entry


def _settle_dynamic(playlist: dict[str, Any], sent: dict[str, Any]) -> None:
    """Keep ``filters``, ``totalResults`` and ``playlistContent`` of a dynamic playlist in step."""
    if playlist.get("playlistType") != DYNAMIC:
        return
    if isinstance(sent.get("filters"), list):
        playlist["playlistContent"] = filters_to_xml(
            playlist["filters"], playlist.get("totalResults")
        )
    elif isinstance(sent.get("playlistContent"), str):
        filters, total = xml_to_filters(sent["playlistContent"])
        playlist["filters"] = filters
        playlist.setdefault("totalResults", total)
    elif "totalResults" in sent:
        playlist["playlistContent"] = filters_to_xml(
            playlist.get("filters") or [], playlist.get("totalResults")
        )


@action("playlist", "add")
async def playlist_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["playlist"]
    require(obj, "playlistType")
    if obj.get("playlistType") == DYNAMIC:
        require(obj, "totalResults")
    entry = new_entry(ctx, obj, PLAYLIST)
    entry["status"] = READY
    if entry.get("playlistType") == DYNAMIC:
        entry.setdefault("filters", [])
    _settle_dynamic(entry, obj)
    return entry


@action("playlist", "get")
async def playlist_get(ctx: Context, args: dict[str, Any]) -> Any:
    return _playlist(ctx, args["id"])


@action("playlist", "update")
async def playlist_update(ctx: Context, args: dict[str, Any]) -> Any:
    _playlist(ctx, args["id"])
    obj = args["playlist"]
    playlist = update_entry(ctx, args["id"], obj, PLAYLIST)
    _settle_dynamic(playlist, obj)
    return playlist


@action("playlist", "delete")
async def playlist_delete(ctx: Context, args: dict[str, Any]) -> Any:
    delete_entry(ctx, args["id"], PLAYLIST)


@action("playlist", "list")
async def playlist_list(ctx: Context, args: dict[str, Any]) -> Any:
    return list_entries(ctx, "KalturaPlaylistListResponse", args, PLAYLIST)


def _static(ctx: Context, content: str) -> list[dict[str, Any]]:
    out = []
    for entry_id in content.split(","):
        entry = ctx.state.entries.get(entry_id.strip())
        if entry is not None and entry["status"] == READY and ctx.may_see(entry):
            out.append(entry)
    return out


def _merge(base: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    merged = {k: v for k, v in base.items() if v is not NULL}
    for key, value in (extra or {}).items():
        if key != "objectType" and value not in (None, NULL):
            merged[key] = value
    return merged


def run_dynamic(
    ctx: Context,
    filters: list[dict[str, Any]],
    total_results: int,
    extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Entries of a dynamic playlist: filters in turn, no repeats, at most ``total_results``."""
    taken: dict[str, dict[str, Any]] = {}
    for flt in filters:
        if len(taken) >= total_results:
            break
        merged = _merge(flt, extra)
        merged.pop("statusEqual", None)
        merged.pop("statusIn", None)
        items = [e for e in query_entries(ctx, merged, None) if e["id"] not in taken]
        order(items, merged.get("orderBy"), "-createdAt")
        limit = int(merged.get("limit") or 0)
        if limit > 0:
            items = items[:limit]
        for entry in items[: total_results - len(taken)]:
            taken[entry["id"]] = entry
    return list(taken.values())


def _execute(
    ctx: Context,
    playlist_type: int,
    content: str,
    filters: list[dict[str, Any]] | None,
    total_results: int,
    extra: dict[str, Any] | None,
    pager: dict[str, Any] | None,
) -> list[dict[str, Any]]:
    if playlist_type in (STATIC_LIST, PATH):
        out = _static(ctx, content)
    elif playlist_type == DYNAMIC:
        if filters is None:
            filters, total_results = xml_to_filters(content)
        out = run_dynamic(ctx, filters, total_results, extra)
    else:
        raise api_error("INVALID_PLAYLIST_TYPE")
    if pager is not None:
        out, _ = page(out, pager)
    return out


@action("playlist", "execute", ks=False)
async def playlist_execute(ctx: Context, args: dict[str, Any]) -> Any:
    playlist = _playlist(ctx, args["id"])
    return _execute(
        ctx,
        int(playlist.get("playlistType") or 0),
        str(playlist.get("playlistContent") or ""),
        playlist.get("filters"),
        int(playlist.get("totalResults") or 0),
        args["filter"],
        args["pager"],
    )


@action("playlist", "executeFromContent")
async def playlist_execute_from_content(ctx: Context, args: dict[str, Any]) -> Any:
    return _execute(
        ctx, args["playlistType"], args["playlistContent"], None, 0, None, args["pager"]
    )


@action("playlist", "executeFromFilters")
async def playlist_execute_from_filters(ctx: Context, args: dict[str, Any]) -> Any:
    found = run_dynamic(ctx, args["filters"], args["totalResults"])
    if args["pager"] is not None:
        found, _ = page(found, args["pager"])
    return found


__all__ = ["filters_to_xml", "run_dynamic", "xml_to_filters"]
