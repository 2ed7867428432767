"""The eSearch plugin's ``searchEntry``: nested AND/OR/NOT operators over entry fields.

Source: ``plugins/search/providers/elastic_search/services/ESearchService.php``; item types
EXACT 1, PARTIAL 2, STARTS_WITH 3, EXISTS 4 (RANGE 5 is not emulated and matches nothing).
"""

from __future__ import annotations

from typing import Any

from .._state import list_response
from . import Context, action
from .entries import query_entries

_ES_FIELDS = {
    "name": "name",
    "description": "description",
    "tags": "tags",
    "reference_id": "referenceId",
    "id": "id",
    "kuser_id": "userId",
    "admin_tags": "adminTags",
}
_ES_SORT = {
    "created_at": "createdAt",
    "updated_at": "updatedAt",
    "name": "name",
    "plays": "plays",
    "votes": "votes",
    "rank": "rank",
}


def _es_term_match(value: Any, term: str, item_type: int, is_list: bool) -> bool:
    if value is None or value == "":
        return False
    text = str(value).lower()
    candidates = [t.strip() for t in text.split(",")] if is_list else [text]
    if item_type == 4:
        return True
    if item_type == 1:
        return term in candidates
    if item_type == 3:
        return any(c.startswith(term) for c in candidates)
    return any(term in c for c in candidates)


def _es_match(item: dict[str, Any], entry: dict[str, Any]) -> bool:
    if "searchItems" in item or "operator" in item:
        results = [_es_match(sub, entry) for sub in item.get("searchItems") or []]
        op = item.get("operator") or 1
        if op == 2:
            return any(results)
        if op == 3:
            return not any(results)
        return all(results)
    term = str(item.get("searchTerm") or "").lower()
    item_type = int(item.get("itemType") or 2)
    field = item.get("fieldName")
    if field is None:
        return any(
            _es_term_match(entry.get(k), term, item_type, k == "tags")
            for k in ("name", "description", "tags")
        )
    key = _ES_FIELDS.get(str(field))
    return key is not None and _es_term_match(entry.get(key), term, item_type, key.endswith("ags"))


@action("elasticsearch_esearch", "searchEntry")
async def esearch_search_entry(ctx: Context, args: dict[str, Any]) -> Any:
    params = args["searchParams"]
    statuses = str(params.get("objectStatuses") or "2")
    items = [e for e in query_entries(ctx, {"statusIn": statuses}, None)]
    operator = params.get("searchOperator")
    if operator is not None:
        items = [e for e in items if _es_match(operator, e)]
    order_items = (params.get("orderBy") or {}).get("orderItems") or []
    order_by = ",".join(
        ("-" if o.get("sortOrder") == "desc" else "+") + _ES_SORT[o["sortField"]]
        for o in order_items
        if o.get("sortField") in _ES_SORT
    )
    listed = list_response(
        "KalturaESearchEntryResponse", items, {"orderBy": order_by or None}, args["pager"]
    )
    listed["objects"] = [
        {"objectType": "KalturaESearchEntryResult", "object": e, "itemsData": []}
        for e in listed["objects"]
    ]
    return listed
