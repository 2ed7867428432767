"""The data service: text entries (type DATA, 6) whose ``dataContent`` ``data.serve`` returns.

Source: ``api_v3/services/DataService.php``. A data entry is READY as soon as it is added;
``serve`` answers the raw content (``Content-Disposition: attachment; filename="<name>"``), not
an API document, and is reachable with a GET whose query carries the KS, which is how the
official clients hand its URL to a browser.
"""

from __future__ import annotations

from typing import Any

from .._render import FileBody
from . import Context, action
from .entries import READY, delete_entry, find_entry, list_entries, new_entry, update_entry

DATA = 6


@action("data", "add")
async def data_add(ctx: Context, args: dict[str, Any]) -> Any:
    entry = new_entry(ctx, args["dataEntry"], DATA)
    entry["status"] = READY
    return entry


@action("data", "get")
async def data_get(ctx: Context, args: dict[str, Any]) -> Any:
    return find_entry(ctx, args["entryId"], DATA)


@action("data", "update")
async def data_update(ctx: Context, args: dict[str, Any]) -> Any:
    return update_entry(ctx, args["entryId"], args["documentEntry"], DATA)


@action("data", "delete")
async def data_delete(ctx: Context, args: dict[str, Any]) -> Any:
    delete_entry(ctx, args["entryId"], DATA)


@action("data", "list")
async def data_list(ctx: Context, args: dict[str, Any]) -> Any:
    return list_entries(ctx, "KalturaDataListResponse", args, DATA)


@action("data", "serve")
async def data_serve(ctx: Context, args: dict[str, Any]) -> Any:
    entry = find_entry(ctx, args["entryId"], DATA)
    content = str(entry.get("dataContent") or "").encode()
    return FileBody(content, "text/plain", str(entry.get("name") or ""))
