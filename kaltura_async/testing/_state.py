"""The emulator's in-memory store: objects by id, Kaltura id formats, counters, list helpers.

Ids follow the server: entries, assets and app tokens ``{dc}_{8 base36}``, upload tokens
``{dc}_{32 hex}``, categories and metadata integers. Entry transcoding is lazy: a converting
entry records when it will be READY on a monotonic clock, and readers settle it on access.
"""

from __future__ import annotations

import random
import string
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._errors import api_error

__all__ = ["ActionCounters", "EmulatorConfig", "State", "list_response", "select"]

_BASE36 = string.digits + string.ascii_lowercase
MAX_MATCHES = 10_000
PAGE_SIZE_DEFAULT = 30
PAGE_SIZE_MAX = 500

_SUFFIXES = (
    "GreaterThanOrEqual",
    "LessThanOrEqual",
    "GreaterThan",
    "LessThan",
    "MultiLikeOr",
    "MultiLikeAnd",
    "StartsWith",
    "NotEqual",
    "MatchOr",
    "MatchAnd",
    "NotIn",
    "Equal",
    "Like",
    "In",
)


@dataclass(slots=True)
class EmulatorConfig:
    partner_id: int
    admin_secrets: list[str]
    user_secret: str
    seed: int
    transcode_delay: float
    final_chunk_wait: float
    ks_version: int = 2
    max_ks_expiry: int = 86400
    dc: int = 0
    public_url: str = ""


class ActionCounters(Mapping[tuple[str, str], int]):
    """How many times each (service, action) ran; lookups ignore case, unknown keys are 0."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()

    def hit(self, service: str, action: str) -> None:
        self._counts[(service.lower(), action.lower())] += 1

    def __getitem__(self, key: tuple[str, str]) -> int:
        return self._counts[(key[0].lower(), key[1].lower())]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._counts))

    def __len__(self) -> int:
        return len(self._counts)

    def clear(self) -> None:
        self._counts.clear()


@dataclass
class State:
    """Everything the emulator remembers; reset() returns it to empty."""

    config: EmulatorConfig
    rng: random.Random = field(init=False)
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    flavors: dict[str, dict[str, Any]] = field(default_factory=dict)
    thumbs: dict[str, dict[str, Any]] = field(default_factory=dict)
    captions: dict[str, dict[str, Any]] = field(default_factory=dict)
    categories: dict[int, dict[str, Any]] = field(default_factory=dict)
    category_entries: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    metadata_profiles: dict[int, dict[str, Any]] = field(default_factory=dict)
    metadata: dict[int, dict[str, Any]] = field(default_factory=dict)
    app_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    revoked_ks: set[str] = field(default_factory=set)
    revoked_session_ids: set[str] = field(default_factory=set)
    counters: ActionCounters = field(default_factory=ActionCounters)
    multipart_filenames: list[str] = field(default_factory=list)
    converting: dict[str, float] = field(default_factory=dict)
    next_int_id: int = 1000
    seq: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.config.seed)

    def reset(self) -> None:
        for store in (
            self.entries,
            self.flavors,
            self.thumbs,
            self.captions,
            self.categories,
            self.category_entries,
            self.users,
            self.metadata_profiles,
            self.metadata,
            self.app_tokens,
            self.converting,
        ):
            store.clear()
        self.revoked_ks.clear()
        self.revoked_session_ids.clear()
        self.counters.clear()
        self.multipart_filenames.clear()
        self.rng = random.Random(self.config.seed)
        self.next_int_id = 1000
        self.seq = 0

    @staticmethod
    def now() -> int:
        return int(time.time())

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def short_id(self, taken: Mapping[str, Any]) -> str:
        """``{dc}_{8 base36}``, unique within ``taken``."""
        while True:
            ident = f"{self.config.dc}_" + "".join(self.rng.choices(_BASE36, k=8))
            if ident not in taken:
                return ident

    def hex_id(self) -> str:
        return f"{self.config.dc}_{self.rng.getrandbits(128):032x}"

    def int_id(self) -> int:
        self.next_int_id += 1
        return self.next_int_id

    def settle(self) -> None:
        """Finish every conversion whose deadline has passed."""
        if not self.converting:
            return
        now = time.monotonic()
        for entry_id, ready_at in list(self.converting.items()):
            if ready_at <= now:
                del self.converting[entry_id]
                entry = self.entries.get(entry_id)
                if entry is not None:
                    mark_ready(self, entry)


def mark_ready(state: State, entry: dict[str, Any]) -> None:
    entry["status"] = 2
    entry["updatedAt"] = state.now()
    for flavor in state.flavors.values():
        if flavor["entryId"] == entry["id"] and flavor["status"] != 2:
            flavor["status"] = 2
            flavor["updatedAt"] = entry["updatedAt"]


def _split_filter_key(key: str) -> tuple[str, str] | None:
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)], suffix
    return None


def _csv(value: Any) -> list[str]:
    return [v.strip() for v in str(value).split(",") if v.strip()]


_TERM_OPS = frozenset({"MultiLikeOr", "MultiLikeAnd", "MatchOr", "MatchAnd"})


def _prepare(op: str, wanted: Any) -> Any:
    """Parse a filter value once per query rather than once per item it is tested on."""
    if op in ("In", "NotIn"):
        return frozenset(_csv(wanted))
    if op in _TERM_OPS:
        return [t.lower() for t in _csv(wanted)]
    return wanted


def _compare(item_value: Any, op: str, wanted: Any) -> bool:
    """Test one item's value; ``wanted`` is what :func:`_prepare` made of the filter value."""
    if op == "Equal":
        return item_value is not None and str(item_value) == str(wanted)
    if op == "NotEqual":
        return item_value is None or str(item_value) != str(wanted)
    if op == "In":
        return item_value is not None and str(item_value) in wanted
    if op == "NotIn":
        return item_value is None or str(item_value) not in wanted
    if op in ("GreaterThanOrEqual", "LessThanOrEqual", "GreaterThan", "LessThan"):
        if item_value is None or isinstance(item_value, str):
            return False
        if op == "GreaterThanOrEqual":
            return bool(item_value >= wanted)
        if op == "LessThanOrEqual":
            return bool(item_value <= wanted)
        if op == "GreaterThan":
            return bool(item_value > wanted)
        return bool(item_value < wanted)
    text = "" if item_value is None else str(item_value).lower()
    if op == "Like":
        return str(wanted).lower() in text
    if op == "StartsWith":
        return text.startswith(str(wanted).lower())
    if op in ("MultiLikeOr", "MultiLikeAnd"):
        hits = [t in text for t in wanted]
        return any(hits) if op == "MultiLikeOr" else all(hits)
    have = {t.lower() for t in _csv(item_value or "")}
    if op == "MatchOr":
        return any(t in have for t in wanted)
    return all(t in have for t in wanted)


def select(
    items: Iterable[dict[str, Any]],
    flt: dict[str, Any] | None,
    fields: Collection[str],
) -> list[dict[str, Any]]:
    """Apply every ``<field><Operator>`` filter key whose field is one of ``fields``.

    Filter keys on fields the emulator does not model are ignored rather than matching
    nothing.
    """
    conditions: list[tuple[str, str, Any]] = []
    for key, value in (flt or {}).items():
        if key in ("objectType", "orderBy") or value is None:
            continue
        split = _split_filter_key(key)
        if split is not None and split[0] in fields:
            conditions.append((split[0], split[1], _prepare(split[1], value)))
    if not conditions:
        return list(items)
    return [
        item
        for item in items
        if all(_compare(item.get(fld), op, wanted) for fld, op, wanted in conditions)
    ]


def order(items: list[dict[str, Any]], order_by: str | None, default: str) -> None:
    """Sort in place by ``+field,-field`` (ties keep creation order)."""
    specs = _csv(order_by or default) or _csv(default)
    items.sort(key=lambda it: it.get("_seq", 0), reverse=specs[0].startswith("-"))
    for spec in reversed(specs):
        desc = spec.startswith("-")
        name = spec.lstrip("+-")
        present = [it for it in items if it.get(name) is not None]
        absent = [it for it in items if it.get(name) is None]
        present.sort(key=lambda it: it[name], reverse=desc)
        items[:] = present + absent


def page(
    items: list[dict[str, Any]], pager: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], int]:
    size = int((pager or {}).get("pageSize") or 0)
    index = int((pager or {}).get("pageIndex") or 0)
    if size <= 0:
        size = PAGE_SIZE_DEFAULT
    size = min(size, PAGE_SIZE_MAX)
    index = max(index, 1)
    if index * size > MAX_MATCHES:
        raise api_error("QUERY_EXCEEDED_MAX_MATCHES_ALLOWED")
    start = (index - 1) * size
    return items[start : start + size], len(items)


def list_response(
    object_type: str,
    items: list[dict[str, Any]],
    flt: dict[str, Any] | None,
    pager: dict[str, Any] | None,
    default_order: str = "-createdAt",
) -> dict[str, Any]:
    order(items, (flt or {}).get("orderBy"), default_order)
    objects, total = page(items, pager)
    return {"objectType": object_type, "objects": objects, "totalCount": total}
