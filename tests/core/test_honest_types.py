"""What the public types promise holds at run time: the USE_CLIENT_DEFAULT sentinel,
``None`` as "none at all" for timeouts and retries, UNSET fields, typed paginator items."""

from __future__ import annotations

import pickle
from collections.abc import AsyncIterator

import attrs
import pytest
import pytest_asyncio

from kaltura_async import (
    UNSET,
    USE_CLIENT_DEFAULT,
    KalturaClient,
    KalturaHTTPError,
    KalturaValidationError,
    RetryPolicy,
    Timeout,
    UnsetType,
)
from kaltura_async._pipeline import effective_options
from kaltura_async.enums import MediaType, ResponseProfileType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import DetachedResponseProfile, MediaEntry


@pytest_asyncio.fixture
async def emu() -> AsyncIterator[KalturaEmulator]:
    async with KalturaEmulator() as emulator:
        yield emulator


def test_none_means_no_timeout_and_no_retries_the_sentinel_the_clients_value() -> None:
    client = KalturaClient("https://www.kaltura.com", timeout=Timeout(total=7))
    call = client.media.list()
    assert effective_options(call).timeout == Timeout(total=7)
    assert effective_options(call.with_options(timeout=USE_CLIENT_DEFAULT)).timeout == Timeout(
        total=7
    )
    no_timeout = effective_options(call.with_options(timeout=None)).timeout
    assert no_timeout == Timeout(total=None, connect=None, sock_read=None)
    assert no_timeout is not None and no_timeout.to_aiohttp().total is None
    assert effective_options(client.with_options(retry=None).media.list()).retry == (
        RetryPolicy.none()
    )


@pytest.mark.parametrize("name", ["ks", "partner_id", "client_tag", "language", "idempotent"])
def test_none_is_refused_where_it_means_nothing(name: str) -> None:
    client = KalturaClient("https://www.kaltura.com")
    with pytest.raises(KalturaValidationError, match=f"{name}=None") as info:
        client.with_options(**{name: None})  # type: ignore[arg-type]
    assert info.value.field == name
    with pytest.raises(KalturaValidationError, match=f"{name}=None"):
        client.media.list().with_options(**{name: None})  # type: ignore[arg-type]


async def test_retry_none_on_one_call_makes_one_attempt(emu: KalturaEmulator) -> None:
    (entry_id,) = emu.seed_entries(1)
    rule = emu.faults.add(service="media", action="get", kind="http_error", status=503)
    policy = RetryPolicy(max_retries=3, base_delay=0.001, max_delay=0.001)
    async with KalturaClient(emu.url, ks=emu.admin_ks(), retry=policy) as client:
        with pytest.raises(KalturaHTTPError):
            await client.media.get(entry_id).with_options(retry=None)
    assert rule.fired == 1


def test_unset_is_one_falsy_picklable_singleton() -> None:
    assert isinstance(UNSET, UnsetType) and not UNSET and repr(UNSET) == "UNSET"
    assert pickle.loads(pickle.dumps(UNSET)) is UNSET
    assert MediaEntry().name is UNSET


async def test_get_modify_update_leaves_untouched_fields_alone(emu: KalturaEmulator) -> None:
    """A fetched object sent back through update changes only what the user changed:
    fields the response left out are UNSET, so they are not sent, so they are not cleared."""
    async with KalturaClient(emu.url, ks=emu.admin_ks()) as client:
        created = await client.media.add(
            entry=MediaEntry(
                name="before",
                description="kept",
                tags="a,b",
                reference_id="r-1",
                media_type=MediaType.VIDEO,
            )
        )
        assert isinstance(created.id, str)
        # Only id and name come back: every other field of the fetched object is UNSET.
        only_name = DetachedResponseProfile(
            type=ResponseProfileType.INCLUDE_FIELDS, fields="id,name"
        )
        partial = await client.media.get(created.id).with_options(response_profile=only_name)
        assert partial.name == "before"
        assert partial.description is UNSET and partial.tags is UNSET
        await client.media.update(created.id, media_entry=attrs.evolve(partial, name="after"))
        # And a whole fetched object, sent back with one change, keeps the rest as it was.
        full = await client.media.get(created.id)
        await client.media.update(created.id, media_entry=attrs.evolve(full, tags="a,b,c"))
        final = await client.media.get(created.id)
    assert final.name == "after"
    assert final.description == "kept"
    assert final.reference_id == "r-1"
    assert final.tags == "a,b,c"
