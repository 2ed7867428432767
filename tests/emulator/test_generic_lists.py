"""Generic lists over raw HTTP: filter operators, orderBy, the pager, relative times, In/NotIn
truncation and index freshness, each on services of different plugins."""

from __future__ import annotations

import time
from typing import Any

import pytest
from rawhttp import Raw, api_error

from kaltura_async.testing import KalturaEmulator, _filters

# (service, add argument, object class, filter class) of the core, schedule and drm plugins
ACCESS = ("accessControlProfile", "accessControlProfile", "KalturaAccessControlProfile")
SCHEDULE = ("schedule_scheduleResource", "scheduleResource", "KalturaLocationScheduleResource")
DRM = ("drm_drmPolicy", "drmPolicy", "KalturaDrmPolicy")
REACH = ("reach_reachProfile", "reachProfile", "KalturaReachProfile")


async def add(raw: Raw, svc: tuple[str, str, str], **fields: Any) -> Any:
    made = await raw.call(svc[0], "add", **{svc[1]: {"objectType": svc[2], **fields}})
    assert "id" in made, made
    return made


async def ids(raw: Raw, svc: tuple[str, str, str], **flt: Any) -> list[Any]:
    listed = await raw.call(svc[0], "list", filter=flt)
    assert listed["totalCount"] == len(listed["objects"]), listed
    return [o["id"] for o in listed["objects"]]


def age(emu: KalturaEmulator, svc: tuple[str, str, str], ident: Any, seconds: int) -> None:
    """Move an object's createdAt back (the store is the emulator's own)."""
    store = next(s for s in emu.state.objects.values() if ident in s)
    store[ident]["createdAt"] -= seconds
    emu.state.touch()


@pytest.mark.parametrize("svc", [ACCESS, SCHEDULE, DRM], ids=lambda s: s[0])
async def test_equal_and_in_on_system_name(raw: Raw, svc: tuple[str, str, str]) -> None:
    a = await add(raw, svc, name="a", systemName="alpha")
    b = await add(raw, svc, name="b", systemName="beta")
    await add(raw, svc, name="c", systemName="gamma")
    if svc is DRM:  # the drm filter has Like on systemName, not Equal/In
        assert await ids(raw, svc, systemNameLike="ph") == [a["id"]]
        assert await ids(raw, svc, nameLike="B") == [b["id"]]
        return
    assert await ids(raw, svc, systemNameEqual="beta") == [b["id"]]
    assert await ids(raw, svc, systemNameIn="alpha,beta,nothing") == [a["id"], b["id"]]
    assert await ids(raw, svc, idIn=f"{a['id']},{b['id']}") == [a["id"], b["id"]]
    assert await ids(raw, svc, idEqual=b["id"]) == [b["id"]]


async def test_not_in_and_word_operators(raw: Raw) -> None:
    a = await add(raw, SCHEDULE, name="one", tags="red,blue")
    b = await add(raw, SCHEDULE, name="two", tags="blue")
    c = await add(raw, SCHEDULE, name="three", tags="green")
    assert await ids(raw, SCHEDULE, idNotIn=f"{a['id']}") == [b["id"], c["id"]]
    assert await ids(raw, SCHEDULE, tagsMultiLikeOr="red,gree") == [a["id"], c["id"]]
    assert await ids(raw, SCHEDULE, tagsMultiLikeAnd="red,blue") == [a["id"]]
    assert await ids(raw, SCHEDULE, tagsLike="lu") == [a["id"], b["id"]]
    assert await ids(raw, SCHEDULE, nameEqual="two") == [b["id"]]


@pytest.mark.parametrize("svc", [ACCESS, SCHEDULE, REACH], ids=lambda s: s[0])
async def test_created_at_range(raw: Raw, emu: KalturaEmulator, svc: tuple[str, str, str]) -> None:
    old = await add(raw, svc, name="old")
    new = await add(raw, svc, name="new")
    age(emu, svc, old["id"], 7200)
    cut = new["createdAt"] - 3600
    assert await ids(raw, svc, createdAtGreaterThanOrEqual=cut) == [new["id"]]
    assert await ids(raw, svc, createdAtLessThanOrEqual=cut) == [old["id"]]


@pytest.mark.parametrize("svc", [ACCESS, SCHEDULE, REACH], ids=lambda s: s[0])
async def test_relative_time_zero_means_now(
    raw: Raw, emu: KalturaEmulator, svc: tuple[str, str, str]
) -> None:
    """kTime::getRelativeTime: 0 is now + 0, so ``>= 0`` keeps only what is not older."""
    old = await add(raw, svc, name="old")
    age(emu, svc, old["id"], 60)
    new = await add(raw, svc, name="new")
    assert await ids(raw, svc, createdAtGreaterThanOrEqual=0) == [new["id"]]
    assert await ids(raw, svc, createdAtLessThanOrEqual=-30) == [old["id"]]
    assert await ids(raw, svc, createdAtGreaterThanOrEqual=-3600) == [old["id"], new["id"]]
    # "" is not a relative time: it is 0, the epoch, so everything matches
    assert await ids(raw, svc, createdAtGreaterThanOrEqual="") == [old["id"], new["id"]]


@pytest.mark.parametrize("svc", [ACCESS, SCHEDULE, REACH], ids=lambda s: s[0])
async def test_order_by(raw: Raw, emu: KalturaEmulator, svc: tuple[str, str, str]) -> None:
    made = [await add(raw, svc, name=n) for n in ("b", "c", "a")]
    for i, item in enumerate(made):
        age(emu, svc, item["id"], 100 - i)
    order = [m["id"] for m in made]
    assert await ids(raw, svc, orderBy="+createdAt") == order
    assert await ids(raw, svc, orderBy="-createdAt") == order[::-1]
    assert await ids(raw, svc) == order  # default: oldest first
    # a field the server does not order by is ignored (the lenient reading): default order
    assert await ids(raw, svc, orderBy="+nonsense") == order


@pytest.mark.parametrize("svc", [ACCESS, SCHEDULE, DRM], ids=lambda s: s[0])
async def test_pager(raw: Raw, svc: tuple[str, str, str]) -> None:
    made = [(await add(raw, svc, name=f"n{i}"))["id"] for i in range(5)]
    page = await raw.call(svc[0], "list", pager={"pageSize": 2, "pageIndex": 2})
    assert [o["id"] for o in page["objects"]] == made[2:4]
    assert page["totalCount"] == 5
    last = await raw.call(svc[0], "list", pager={"pageSize": 2, "pageIndex": 3})
    assert [o["id"] for o in last["objects"]] == made[4:]
    beyond = await raw.call(svc[0], "list", pager={"pageSize": 2, "pageIndex": 9})
    assert beyond["objects"] == [] and beyond["totalCount"] == 5
    zero = await raw.call(svc[0], "list", pager={"pageSize": 0, "pageIndex": 0})
    assert len(zero["objects"]) == 5  # pageSize 0 is the default 30, pageIndex 0 is 1
    deep = await raw.call(svc[0], "list", pager={"pageSize": 500, "pageIndex": 21})
    api_error(deep, "QUERY_EXCEEDED_MAX_MATCHES_ALLOWED")


async def test_count_uses_the_filter(raw: Raw) -> None:
    for name in ("x", "y", "y"):
        await raw.call("data", "add", dataEntry={"objectType": "KalturaDataEntry", "name": name})
    assert await raw.call("baseEntry", "count", filter={"nameEqual": "y"}) == 2
    listed = await raw.call("data", "list", filter={"nameEqual": "y"})
    assert listed["objectType"] == "KalturaDataListResponse" and listed["totalCount"] == 2


@pytest.mark.parametrize("svc", [ACCESS, SCHEDULE, REACH], ids=lambda s: s[0])
async def test_in_lists_keep_500_values_outside_entry_lists(
    raw: Raw, svc: tuple[str, str, str]
) -> None:
    made = await add(raw, svc, name="target")
    filler = [str(100_000 + i) for i in range(499)]
    kept = ",".join([*filler, str(made["id"])])  # the 500th value
    assert await ids(raw, svc, idIn=kept) == [made["id"]]
    cut = ",".join([*filler, "99", str(made["id"])])  # the 501st value
    assert await ids(raw, svc, idIn=cut) == []
    if svc is SCHEDULE:  # the only one of the three whose filter has idNotIn
        assert await ids(raw, svc, idNotIn=cut) == [made["id"]]


async def test_in_lists_keep_150_values_in_entry_lists(raw: Raw) -> None:
    entry = await raw.call(
        "data", "add", dataEntry={"objectType": "KalturaDataEntry", "referenceId": "ref"}
    )
    filler = [f"0_fill{i:04d}" for i in range(149)]
    kept = ",".join([*filler, entry["id"]])  # the 150th value
    cut = ",".join([*filler, "0_extra", entry["id"]])  # the 151st value
    for service in ("data", "baseEntry"):
        listed = await raw.call(service, "list", filter={"idIn": kept})
        assert [e["id"] for e in listed["objects"]] == [entry["id"]]
        assert (await raw.call(service, "list", filter={"idIn": cut}))["objects"] == []
        not_in = await raw.call(service, "list", filter={"idNotIn": cut})
        assert [e["id"] for e in not_in["objects"]] == [entry["id"]]
        refs = ",".join([*(f"r{i}" for i in range(150)), "ref"])
        assert (await raw.call(service, "list", filter={"referenceIdIn": refs}))["objects"] == []
        refs = ",".join([*(f"r{i}" for i in range(149)), "ref"])
        assert (
            len((await raw.call(service, "list", filter={"referenceIdIn": refs}))["objects"]) == 1
        )


async def test_a_write_is_seen_by_the_next_list(raw: Raw) -> None:
    """The sorted index is rebuilt after a write: updates, deletes and adds show at once."""
    a = await add(raw, SCHEDULE, name="a", tags="x")
    b = await add(raw, SCHEDULE, name="b", tags="x")
    assert await ids(raw, SCHEDULE, orderBy="-createdAt", tagsLike="x") == [b["id"], a["id"]]
    await raw.call(
        SCHEDULE[0],
        "update",
        scheduleResourceId=b["id"],
        scheduleResource={"objectType": SCHEDULE[2], "tags": "y"},
    )
    assert await ids(raw, SCHEDULE, orderBy="-createdAt", tagsLike="x") == [a["id"]]
    await raw.call(SCHEDULE[0], "delete", scheduleResourceId=a["id"])
    c = await add(raw, SCHEDULE, name="c", tags="x")
    assert await ids(raw, SCHEDULE, orderBy="-createdAt", tagsLike="x") == [c["id"]]


async def test_cursor_walk_over_entries(raw: Raw, emu: KalturaEmulator) -> None:
    """createdAtGreaterThanOrEqual + idNotIn with +createdAt: the range seek, the exclusion by
    lookup and the exact total agree with a plain scan."""
    made = emu.seed_entries(40)
    start = int(time.time()) - 100
    for i, entry_id in enumerate(made):
        emu.entries[entry_id]["createdAt"] = start + i // 4
    flt = {
        "orderBy": "+createdAt",
        "createdAtGreaterThanOrEqual": start + 5,
        "idNotIn": ",".join([made[20], made[21], made[0]]),
    }
    listed = await raw.call("media", "list", filter=flt, pager={"pageSize": 7})
    expected = [m for m in made[20:] if m not in (made[20], made[21])]
    assert [e["id"] for e in listed["objects"]] == expected[:7]
    assert listed["totalCount"] == len(expected)
    second = await raw.call("media", "list", filter=flt, pager={"pageSize": 7, "pageIndex": 2})
    assert [e["id"] for e in second["objects"]] == expected[7:14]
    desc = await raw.call(
        "media",
        "list",
        filter={"orderBy": "-createdAt", "createdAtLessThanOrEqual": start + 2},
    )
    assert [e["id"] for e in desc["objects"]] == list(reversed(made[:12]))


@pytest.mark.parametrize(
    ("key", "value", "stored", "matches"),
    [
        ("nameEqual", "a", "a", True),
        ("nameEqual", "a", None, False),
        ("nameNotEqual", "a", None, True),
        ("statusIn", "1,2", 2, True),
        ("statusNotIn", "1,2", 3, True),
        ("statusNotIn", "1,2", None, True),
        ("sizeGreaterThan", 5, 6, True),
        ("sizeGreaterThan", 5, 5, False),
        ("sizeLessThan", 5, 4, True),
        ("sizeLessThanOrEqual", 5, None, False),
        ("endDateLessThanOrEqualOrNull", 5, None, True),
        ("endDateLessThanOrEqualOrNull", 5, 6, False),
        ("endDateGreaterThanOrEqualOrNull", 5, 6, True),
        ("nameLike", "BC", "abcd", True),
        ("nameStartsWith", "ab", "abcd", True),
        ("nameStartsWith", "bc", "abcd", False),
        ("tagsMultiLikeOr", "zz,bc", "abcd", True),
        ("tagsMultiLikeAnd", "zz,bc", "abcd", False),
        ("tagsMatchOr", "red,blue", "green,blue", True),
        ("tagsMatchAnd", "red,blue", "green,blue", False),
        ("tagsNotContains", "red", "green,blue", True),
        ("tagsNotContains", "blue", "green,blue", False),
        ("descriptionEmpty", 1, "", True),
        ("descriptionEmpty", 1, "x", False),
        ("descriptionEmpty", 0, "x", True),
        ("isDefaultEqual", 1, True, True),
    ],
)
def test_every_operator(key: str, value: Any, stored: Any, matches: bool) -> None:
    field = _filters.split_filter_key(key)
    assert field is not None
    test = _filters.matcher({key: value}, {field[0]})
    assert test is not None
    assert test({field[0]: stored}) is matches


def test_unknown_fields_are_ignored_not_matching_nothing() -> None:
    assert _filters.matcher({"fooEqual": 1, "orderBy": "+x"}, {"name"}) is None


async def test_indexes_stay_bounded_across_many_viewers(raw: Raw, emu: KalturaEmulator) -> None:
    emu.seed_entries(3)
    for i in range(80):
        user = emu.user_ks(f"viewer{i}")
        listed = await raw.call("media", "list", ks=user)
        assert listed["totalCount"] == 0  # none of the seeded entries is theirs
    assert len(emu.state.indexes) <= 64
    assert (await raw.call("media", "list"))["totalCount"] == 3
