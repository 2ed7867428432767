"""Which entries sit in which categories: categoryEntry links, their mirror on the entry, and the
entry filters that read them.

An entry's ``categoriesIds`` / ``categories`` always mirror its links (the server rebuilds them
from ``category_entry`` rows). Setting ``categoriesIds`` on ``add`` or ``update`` replaces the
entry's links, refusing an unknown id with CATEGORY_NOT_FOUND (``KalturaBaseEntry::
validateCategories``). Filters (``KalturaBaseEntryFilter``, ``SphinxEntryCriteria::
applyFilterFields``): ``categoryAncestorIdIn`` matches entries in those categories or any of
their descendants; ``categoriesFullNameIn`` entries directly in a category of that full name;
``categoriesMatchOr`` / ``categoriesMatchAnd`` full names including child categories.
"""

from __future__ import annotations

from typing import Any

from .._errors import api_error
from .._state import State

__all__ = [
    "CATEGORY_KEYS",
    "add_link",
    "category_filter",
    "drop_entry_links",
    "drop_link",
    "link_from_fields",
    "refresh_entry",
]

ACTIVE = 2
CATEGORY_KEYS = (
    "categoryAncestorIdIn",
    "categoriesFullNameIn",
    "categoriesMatchOr",
    "categoriesMatchAnd",
)


def _csv(value: Any) -> list[str]:
    return [v.strip() for v in str(value).split(",") if v.strip()]


def refresh_entry(state: State, entry_id: str) -> None:
    """Rewrite the entry's ``categoriesIds`` / ``categories`` from its links."""
    entry = state.entries.get(entry_id)
    if entry is None:
        return
    ids = [cid for (eid, cid) in state.category_entries if eid == entry_id]
    names = [state.categories[c]["fullName"] for c in ids if c in state.categories]
    entry["categoriesIds"] = ",".join(str(c) for c in ids)
    entry["categories"] = ",".join(names)


def _count(state: State, category_id: int) -> None:
    cat = state.categories.get(category_id)
    if cat is not None:
        count = sum(1 for (_, cid) in state.category_entries if cid == category_id)
        cat.update(entriesCount=count, directEntriesCount=count)


def add_link(state: State, entry_id: str, cat: dict[str, Any], creator: str) -> dict[str, Any]:
    now = state.now()
    link = {
        "objectType": "KalturaCategoryEntry",
        "entryId": entry_id,
        "categoryId": cat["id"],
        "status": ACTIVE,
        "categoryFullIds": cat["fullIds"],
        "creatorUserId": creator,
        "createdAt": now,
        "updatedAt": now,
        "_seq": state.next_seq(),
    }
    state.category_entries[(entry_id, cat["id"])] = link
    refresh_entry(state, entry_id)
    _count(state, cat["id"])
    return link


def drop_link(state: State, entry_id: str, category_id: int) -> None:
    state.category_entries.pop((entry_id, category_id), None)
    refresh_entry(state, entry_id)
    _count(state, category_id)


def drop_entry_links(state: State, entry_id: str) -> None:
    for key in [k for k in state.category_entries if k[0] == entry_id]:
        del state.category_entries[key]
        _count(state, key[1])


def link_from_fields(
    state: State, entry: dict[str, Any], sent: dict[str, Any], creator: str
) -> None:
    """Apply ``categoriesIds`` sent on add/update: the entry's links become exactly those."""
    ids_text = sent.get("categoriesIds")
    if not isinstance(ids_text, str):
        return
    wanted: list[int] = []
    for text in _csv(ids_text):
        cat = state.categories.get(int(text)) if text.lstrip("-").isdigit() else None
        if cat is None:
            raise api_error("CATEGORY_NOT_FOUND", text)
        if cat["id"] not in wanted:
            wanted.append(cat["id"])
    current = [cid for (eid, cid) in state.category_entries if eid == entry["id"]]
    for cid in current:
        if cid not in wanted:
            drop_link(state, entry["id"], cid)
    for cid in wanted:
        if cid not in current:
            add_link(state, entry["id"], state.categories[cid], creator)
    refresh_entry(state, entry["id"])


def _with_descendants(state: State, ids: set[int]) -> set[int]:
    found: set[int] = set()
    for cat in state.categories.values():
        path = {int(p) for p in str(cat.get("fullIds") or "").split(">") if p.isdigit()}
        if path & ids:
            found.add(cat["id"])
    return found


def _by_full_names(state: State, names: list[str], children: bool) -> set[int]:
    roots = {c["id"] for c in state.categories.values() if c.get("fullName") in names}
    return _with_descendants(state, roots) if children else roots


def _member_sets(state: State) -> dict[str, set[int]]:
    members: dict[str, set[int]] = {}
    for eid, cid in state.category_entries:
        members.setdefault(eid, set()).add(cid)
    return members


def category_filter(
    state: State, items: list[dict[str, Any]], flt: dict[str, Any]
) -> list[dict[str, Any]]:
    """Apply the category filters of an entry filter (those ``select`` cannot: they read
    the category tree)."""
    if not any(flt.get(k) for k in CATEGORY_KEYS):
        return items
    members = _member_sets(state)
    tests: list[set[int]] = []  # the entry must sit in one category of each set
    ancestors = flt.get("categoryAncestorIdIn")
    if ancestors:
        ids = {int(t) for t in _csv(ancestors) if t.lstrip("-").isdigit()}
        tests.append(_with_descendants(state, ids))
    full_names = flt.get("categoriesFullNameIn")
    if full_names:
        tests.append(_by_full_names(state, _csv(full_names), False))
    match_or = flt.get("categoriesMatchOr")
    if match_or:
        tests.append(_by_full_names(state, _csv(match_or), True))
    match_and = flt.get("categoriesMatchAnd")
    out = []
    for entry in items:
        have = members.get(entry["id"], set())
        if not all(have & cats for cats in tests):
            continue
        if match_and and not all(
            have & _by_full_names(state, [name], True) for name in _csv(match_and)
        ):
            continue
        out.append(entry)
    return out
