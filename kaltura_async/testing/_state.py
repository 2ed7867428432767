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

from ._filters import MAX_IN_VALUES, matcher
from ._query import (
    MAX_MATCHES,
    PAGE_SIZE_DEFAULT,
    PAGE_SIZE_MAX,
    order_specs,
    pager_window,
    sort_items,
)

__all__ = [
    "MAX_MATCHES",
    "PAGE_SIZE_DEFAULT",
    "PAGE_SIZE_MAX",
    "ActionCounters",
    "EmulatorConfig",
    "State",
    "list_response",
    "select",
]

_BASE36 = string.digits + string.ascii_lowercase


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
    #: the generic engine's stores, by store name (``_engine``)
    objects: dict[str, dict[Any, dict[str, Any]]] = field(default_factory=dict)
    #: per-store int id counters of the generic engine
    id_counters: dict[str, int] = field(default_factory=dict)
    #: when the emulator started (the partner's ``createdAt``)
    started_at: int = field(default_factory=lambda: int(time.time()))
    #: moves on every write; list indexes of an older generation are rebuilt (``_query``)
    generation: int = 0
    indexes: dict[Any, Any] = field(default_factory=dict)
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
            self.objects,
            self.id_counters,
            self.indexes,
        ):
            store.clear()
        self.touch()
        self.revoked_ks.clear()
        self.revoked_session_ids.clear()
        self.counters.clear()
        self.multipart_filenames.clear()
        self.rng = random.Random(self.config.seed)
        self.next_int_id = 1000
        self.seq = 0

    def touch(self) -> None:
        """Record that the store may have changed (list indexes are rebuilt on next use)."""
        self.generation += 1

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
                self.touch()
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


def select(
    items: Iterable[dict[str, Any]],
    flt: dict[str, Any] | None,
    fields: Collection[str],
    max_in: int = MAX_IN_VALUES,
) -> list[dict[str, Any]]:
    """The items passing every ``<field><Operator>`` filter key whose field is in ``fields``.

    Filter keys on fields the emulator does not model are ignored rather than matching
    nothing (``_filters``).
    """
    test = matcher(flt, fields, max_in)
    return list(items) if test is None else [it for it in items if test(it)]


def order(items: list[dict[str, Any]], order_by: str | None, default: str) -> None:
    """Sort in place by ``+field,-field`` (ties keep creation order)."""
    sort_items(items, order_specs(order_by, default))


def page(
    items: list[dict[str, Any]], pager: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], int]:
    offset, size = pager_window(pager)
    return items[offset : offset + size], len(items)


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
