"""Random DAGs of media add/get/update/list with refs give the same outcomes whether run
as one multirequest, as concurrent single calls, or split into small multirequests."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from kaltura_async import Call, DependencyError, KalturaAPIError, KalturaClient, MultiResponse
from kaltura_async.enums import MediaType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import MediaEntry, MediaEntryFilter, MediaListResponse

# An op: ("add",), ("get", target), ("get_missing",), ("update", target, source),
# ("list", source), ("first_of", list_op). ``target`` may be any op whose result is an
# entry (it may have failed); ``source`` only an add, which always succeeds: the server runs
# a call whose embedded input failed with "" and the concurrent strategy does not run it,
# so a failing source would make the strategies differ by design.
Op = tuple[Any, ...]


@st.composite
def dags(draw: st.DrawFn) -> list[Op]:
    ops: list[Op] = [("add",)]
    for _ in range(draw(st.integers(1, 7))):
        adds = [i for i, op in enumerate(ops) if op[0] == "add"]
        entries = [i for i, op in enumerate(ops) if op[0] != "list"]
        lists = [i for i, op in enumerate(ops) if op[0] == "list"]
        kinds = ["add", "get", "get_missing", "update", "list"] + (["first_of"] if lists else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "get":
            ops.append(("get", draw(st.sampled_from(entries))))
        elif kind == "update":
            ops.append(("update", draw(st.sampled_from(entries)), draw(st.sampled_from(adds))))
        elif kind == "list":
            ops.append(("list", draw(st.sampled_from(adds))))
        elif kind == "first_of":
            ops.append(("first_of", draw(st.sampled_from(lists))))
        else:
            ops.append((kind,))
    return ops


_runs = itertools.count()


async def run(c: KalturaClient, ops: list[Op], options: dict[str, Any]) -> list[Any]:
    tag = f"r{next(_runs)}"
    mr = c.multirequest(**options)
    refs: list[Any] = []
    for i, op in enumerate(ops):
        call: Call[Any]
        if op[0] == "add":
            call = c.media.add(entry=MediaEntry(name=f"{tag}-{i}", media_type=MediaType.VIDEO))
        elif op[0] == "get":
            call = c.media.get(entry_id=refs[op[1]].id)
        elif op[0] == "get_missing":
            call = c.media.get(entry_id="0_missing")
        elif op[0] == "update":
            call = c.media.update(
                entry_id=refs[op[1]].id,
                media_entry=MediaEntry(description=f"of {refs[op[2]].name}"),
            )
        elif op[0] == "list":
            call = c.media.list(filter=MediaEntryFilter(id_equal=refs[op[1]].id, status_in="2,7"))
        else:
            call = c.media.get(entry_id=refs[op[1]].objects[0].id)
        refs.append(mr.add(call))
    return normalise(await mr.execute(), tag)


def normalise(results: MultiResponse, tag: str) -> list[Any]:
    """Outcomes without what differs between runs (ids, the run's name prefix)."""
    names: dict[str, str] = {}
    for r in results:
        if r.ok and isinstance(r.value, MediaEntry):
            names.setdefault(str(r.value.id), str(r.value.name).removeprefix(tag))

    def entry(e: MediaEntry) -> tuple[Any, ...]:
        # Independent calls on one entry may run in any order, so the description is
        # compared only where the call itself wrote it (update results).
        return (names.get(str(e.id), "?"), str(e.name).removeprefix(tag))

    out: list[Any] = []
    for r in results:
        if isinstance(r.error, DependencyError):
            out.append(("dependency", r.error.dependency))
        elif isinstance(r.error, KalturaAPIError):
            out.append(("error", r.error.code))
        elif r.error is not None:
            out.append(("other", type(r.error).__name__))
        elif isinstance(r.value, MediaListResponse):
            out.append(("list", r.value.total_count, [entry(e) for e in r.value.objects or []]))
        elif r.call.action == "update":
            out.append(("entry", *entry(r.value), (r.value.description or "").replace(tag, "")))
        else:
            out.append(("entry", *entry(r.value)))
    return out


@pytest.fixture(scope="module")
def emulator() -> Iterator[KalturaEmulator]:
    with KalturaEmulator.run_in_thread() as emu:
        yield emu


@settings(max_examples=100, deadline=None)
@given(ops=dags())
def test_three_strategies_agree(emulator: KalturaEmulator, ops: list[Op]) -> None:
    async def main() -> list[list[Any]]:
        async with KalturaClient(
            emulator.url, partner_id=emulator.partner_id, ks=emulator.admin_ks()
        ) as c:
            return [
                await run(c, ops, {}),
                await run(c, ops, {"strategy": "concurrent", "limit": 3}),
                await run(c, ops, {"max_batch": 2}),
            ]

    server, concurrent, split = asyncio.run(main())
    assert server == concurrent == split
    # The DAG really exercised something: every add succeeded in every run.
    assert all(server[i][0] == "entry" for i, op in enumerate(ops) if op[0] == "add")
