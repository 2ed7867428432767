"""Bad input: each case fails with the documented error, naming the field, before any I/O."""

from __future__ import annotations

import asyncio
import inspect
import io
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from kaltura_async import (
    KalturaClient,
    KalturaClientStateError,
    KalturaValidationError,
    Limits,
    RetryPolicy,
    SecretKSProvider,
    Timeout,
)
from kaltura_async.enums import EntryStatus, SessionType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import (
    DetachedResponseProfile,
    ESearchEntryItem,
    ESearchEntryOperator,
    ESearchEntryParams,
    FilterPager,
    MediaEntry,
    MediaEntryFilter,
    MultiLingualString,
    Resource,
)

from .conftest import Figures, SecretWatch, admin_ks


class Ctx:
    def __init__(self, client: KalturaClient, emu: KalturaEmulator) -> None:
        self.client = client
        self.emu = emu
        self.url = emu.url


def in_other_loop(ctx: Ctx) -> Any:
    async def bind_then_call_elsewhere() -> None:
        ctx.client.transport.session()  # bound to this loop (no request is sent)
        failure: list[BaseException] = []

        def other() -> None:
            try:
                asyncio.run(_get(ctx.client))
            except BaseException as err:
                failure.append(err)

        thread = threading.Thread(target=other)
        thread.start()
        await asyncio.to_thread(thread.join, 30)
        raise failure[0]

    return bind_then_call_elsewhere()


async def _get(client: KalturaClient) -> Any:
    return await client.media.get(entry_id="0_x")


async def closed(ctx: Ctx) -> Any:
    await ctx.client.aclose()
    return await _get(ctx.client)


def text_file(ctx: Ctx) -> Any:
    return ctx.client.upload_token.upload(upload_token_id="0_t", file_data=io.StringIO("text"))


def batch_with_get(ctx: Ctx) -> Any:
    mr = ctx.client.multirequest()
    return mr, mr.add(ctx.client.media.get(entry_id="0_x"))


def ref_in_other_batch(ctx: Ctx) -> Any:
    _, ref = batch_with_get(ctx)
    return ctx.client.multirequest().add(ctx.client.media.get(entry_id=ref.id))


def whole_object_ref(ctx: Ctx) -> Any:
    mr, ref = batch_with_get(ctx)
    return mr.add(ctx.client.media.get(entry_id=ref))


def placeholder_to_missing_field(ctx: Ctx) -> Any:
    mr, _ = batch_with_get(ctx)
    return mr.add(ctx.client.media.get(entry_id="{1:result:nope}"))


def call_of_another_client(ctx: Ctx) -> Any:
    other = KalturaClient(ctx.url, partner_id=ctx.emu.partner_id)
    return ctx.client.multirequest().add(other.media.get(entry_id="0_x"))


def list_ref(ctx: Ctx) -> Any:
    return ctx.client.multirequest().add(ctx.client.media.list())


def operator_containing_itself(ctx: Ctx) -> Any:
    operator = ESearchEntryOperator(search_items=[ESearchEntryItem(search_term="a")])
    operator.search_items.append(operator)
    return ctx.client.esearch.search_entry(
        search_params=ESearchEntryParams(search_operator=operator)
    )


def operator_chain(ctx: Ctx) -> Any:
    operator = ESearchEntryOperator(search_items=[ESearchEntryItem(search_term="a")])
    for _ in range(3_000):
        operator = ESearchEntryOperator(search_items=[operator])
    return ctx.client.esearch.search_entry(
        search_params=ESearchEntryParams(search_operator=operator)
    )


def profile_containing_itself(ctx: Ctx) -> Any:
    profile = DetachedResponseProfile(name="p", related_profiles=[])
    profile.related_profiles.append(profile)
    return _get(ctx.client.with_options(response_profile=profile))


def dict_containing_itself(ctx: Ctx) -> Any:
    flt: dict[str, Any] = {"nameLike": "a"}
    flt["self"] = flt
    return ctx.client.call("media", "list", filter=flt)


def list_containing_itself(ctx: Ctx) -> Any:
    items: list[Any] = ["a"]
    items.append(items)
    return ctx.client.call("media", "list", filter={"items": items})


def dict_chain(ctx: Ctx) -> Any:
    value: dict[str, Any] = {"a": 1}
    for _ in range(3_000):
        value = {"a": value}
    return ctx.client.call("media", "list", filter=value)


def batch_dict_containing_itself(ctx: Ctx) -> Any:
    flt: dict[str, Any] = {"nameLike": "a"}
    flt["self"] = flt
    mr = ctx.client.multirequest()
    mr.add(ctx.client.call("media", "list", filter=flt))
    return mr.execute()


def ref_in_plain_call(ctx: Ctx) -> Any:
    _, ref = batch_with_get(ctx)
    return ctx.client.media.get(entry_id=ref.id)


def ref_in_plain_model(ctx: Ctx) -> Any:
    _, ref = batch_with_get(ctx)
    return ctx.client.media.update(entry_id="0_x", media_entry=MediaEntry(name=ref.name))


def ref_in_plain_untyped_call(ctx: Ctx) -> Any:
    _, ref = batch_with_get(ctx)
    return ctx.client.call("media", "get", entryId=ref.id)


V = KalturaValidationError
NAIVE = datetime(2024, 1, 1, 12, 0)  # no tzinfo: its Unix time depends on the host's zone
#: (id, what the user does, expected error, text the message must contain)
CASES: list[tuple[str, Callable[[Ctx], Any], type[BaseException], str]] = [
    ("str-param-int", lambda c: c.client.media.get(entry_id=123), V, "entryId"),
    ("obj-field-type", lambda c: c.client.media.add(entry=MediaEntry(name=5)), V, "entry.name"),
    ("obj-param-str", lambda c: c.client.media.add(entry="entry"), V, "entry"),
    ("obj-wrong-class", lambda c: c.client.media.add(entry=FilterPager()), V, "entry"),
    (
        "abstract-objectType",
        lambda c: c.client.media.add_content(entry_id="0_x", resource=Resource()),
        V,
        "resource",
    ),
    (
        "enum-wrong-type",
        lambda c: c.client.media.add(entry=MediaEntry(media_type="video")),
        V,
        "entry.media_type",
    ),
    ("nul-char", lambda c: c.client.media.add(entry=MediaEntry(name="a\x00b")), V, "entry.name"),
    (
        "control-char",
        lambda c: c.client.media.add(entry=MediaEntry(description="a\x1bb")),
        V,
        "entry.description",
    ),
    (
        "noncharacter",
        lambda c: c.client.media.add(entry=MediaEntry(tags="a\ufffeb")),
        V,
        "entry.tags",
    ),
    (
        "int-given-float",
        lambda c: c.client.media.list(pager=FilterPager(page_size=2.5)),
        V,
        "pager.page_size",
    ),
    (
        "int-given-bool",
        lambda c: c.client.media.list(pager=FilterPager(page_index=True)),
        V,
        "pager.page_index",
    ),
    (
        "none-in-list",
        lambda c: c.client.media.add(entry=MediaEntry(multi_lingual_name=[None])),
        V,
        "entry.multi_lingual_name[0]",
    ),
    (
        "wrong-list-item",
        lambda c: c.client.media.add(
            entry=MediaEntry(multi_lingual_name=[MultiLingualString(value="a"), 3])
        ),
        V,
        "entry.multi_lingual_name[1]",
    ),
    ("nan-untyped", lambda c: c.client.call("media", "list", x=float("nan")), V, "x"),
    (
        "inf-nested-untyped",
        lambda c: c.client.call("media", "list", filter={"nameLike": float("inf")}),
        V,
        "filter.nameLike",
    ),
    ("bad-service-name", lambda c: c.client.call("media list", "get"), V, "service"),
    ("empty-action", lambda c: c.client.call("media", ""), V, "action"),
    ("unsendable-untyped", lambda c: c.client.call("media", "list", pager=object()), V, "pager"),
    ("unknown-field", lambda c: MediaEntry(nmae="x"), V, "nmae"),
    ("unknown-param", lambda c: c.client.media.get(entry_idd="x"), TypeError, "entry_idd"),
    (
        "file-int",
        lambda c: c.client.upload_token.upload(upload_token_id="0_t", file_data=12),
        V,
        "fileData",
    ),
    (
        "file-missing-path",
        lambda c: c.client.upload_token.upload(upload_token_id="0_t", file_data="/no/such.mp4"),
        V,
        "fileData",
    ),
    ("file-text-mode", text_file, V, "fileData"),
    ("closed-client", closed, KalturaClientStateError, "closed"),
    ("other-loop", in_other_loop, KalturaClientStateError, "another event loop"),
    ("url-scheme", lambda c: KalturaClient("ftp://x.example"), V, "service_url"),
    ("url-empty", lambda c: KalturaClient(""), V, "service_url"),
    ("url-query", lambda c: KalturaClient(c.url + "/api_v3?x=1"), V, "service_url"),
    ("partner-id-str", lambda c: KalturaClient(c.url, partner_id="1000"), V, "partner_id"),
    ("ks-empty", lambda c: KalturaClient(c.url, ks=""), V, "ks"),
    (
        "ks-and-provider",
        lambda c: KalturaClient(c.url, ks="x", ks_provider=SecretKSProvider("s" * 32)),
        V,
        "ks_provider",
    ),
    ("max-concurrency-0", lambda c: KalturaClient(c.url, max_concurrency=0), V, "max_concurrency"),
    ("client-tag-int", lambda c: KalturaClient(c.url, client_tag=5), V, "client_tag"),
    ("timeout-number", lambda c: KalturaClient(c.url, timeout=5), V, "timeout"),
    ("timeout-negative", lambda c: Timeout(total=-1), V, "timeout.total"),
    ("timeout-nan", lambda c: Timeout(connect=float("nan")), V, "timeout.connect"),
    ("retries-negative", lambda c: RetryPolicy(max_retries=-1), V, "retry.max_retries"),
    ("delay-inf", lambda c: RetryPolicy(base_delay=float("inf")), V, "retry.base_delay"),
    ("retry-int", lambda c: KalturaClient(c.url, retry=3), V, "retry"),
    ("limits-negative", lambda c: Limits(max_connections=-1), V, "limits.max_connections"),
    (
        "limits-float",
        lambda c: Limits(max_connections_per_host=2.5),
        V,
        "limits.max_connections_per_host",
    ),
    ("keepalive-zero", lambda c: Limits(keepalive_timeout=0), V, "limits.keepalive_timeout"),
    ("verify-ssl-str", lambda c: KalturaClient(c.url, verify_ssl="no"), V, "verify_ssl"),
    ("session-not-aiohttp", lambda c: KalturaClient(c.url, session=object()), V, "session"),
    ("unknown-region", lambda c: KalturaClient.for_region("mars"), V, "region"),
    ("unknown-option", lambda c: c.client.with_options(bogus=1), V, "bogus"),
    ("option-partner-str", lambda c: c.client.with_options(partner_id="12"), V, "partner_id"),
    ("option-language-int", lambda c: c.client.with_options(language=5), V, "language"),
    ("call-option-empty-ks", lambda c: _get(c.client.with_options(ks="")), V, "ks"),
    (
        "call-option-retry",
        lambda c: c.client.media.get(entry_id="x").with_options(retry=1),
        V,
        "retry",
    ),
    ("gather-limit-0", lambda c: c.client.gather(limit=0), V, "limit"),
    ("ref-other-batch", ref_in_other_batch, V, "another batch"),
    ("ref-unknown-field", lambda c: batch_with_get(c)[1].nope, V, "nope"),
    ("ref-index-object", lambda c: batch_with_get(c)[1][0], V, "cannot be indexed"),
    ("ref-negative-index", lambda c: list_ref(c).objects[-1], V, "negative"),
    ("ref-whole-object", whole_object_ref, V, "scalar"),
    (
        "placeholder-self",
        lambda c: c.client.multirequest().add(c.client.media.get(entry_id="{1:result:id}")),
        V,
        "{1:result:id}",
    ),
    (
        "placeholder-angle-zero",
        lambda c: c.client.multirequest().add(c.client.media.get(entry_id="<0:result:id>")),
        V,
        "no call",
    ),
    ("placeholder-missing-field", placeholder_to_missing_field, V, "nope"),
    ("batch-empty", lambda c: c.client.multirequest().execute(), V, "empty batch"),
    ("batch-max-0", lambda c: c.client.multirequest(max_batch=0), V, "max_batch"),
    ("batch-limit-bool", lambda c: c.client.multirequest(limit=True), V, "limit"),
    ("batch-strategy", lambda c: c.client.multirequest(strategy="parallel"), V, "strategy"),
    ("batch-option", lambda c: c.client.multirequest(bogus=1), V, "bogus"),
    ("batch-not-a-call", lambda c: c.client.multirequest().add("media.get"), V, "call 1"),
    (
        "batch-serve-action",
        lambda c: c.client.multirequest().add(c.client.media.get_volume_map(entry_id="0_x")),
        V,
        "serve",
    ),
    ("batch-other-client", call_of_another_client, V, "another client"),
    # Strings that cannot be encoded as UTF-8, and NUL in keys.
    (
        "lone-surrogate",
        lambda c: c.client.media.add(entry=MediaEntry(name="a\ud800b")),
        V,
        "entry.name",
    ),
    (
        "lone-surrogate-untyped",
        lambda c: c.client.call("media", "list", filter={"nameLike": "\udfff"}),
        V,
        "filter.nameLike",
    ),
    (
        "lone-surrogate-list-item",
        lambda c: c.client.call("media", "list", tags=["ok", "\ud83d"]),
        V,
        "tags[1]",
    ),
    (
        "nul-in-dict-key",
        lambda c: c.client.call("media", "list", filter={"name\x00Like": "a"}),
        V,
        "filter key",
    ),
    (
        "surrogate-in-dict-key",
        lambda c: c.client.call("media", "list", filter={"\ud800": "a"}),
        V,
        "filter key",
    ),
    (
        "int-dict-key",
        lambda c: c.client.call("media", "list", filter={1: "a"}),
        V,
        "filter key",
    ),
    (
        "enum-member-nul",
        lambda c: c.client.call("media", "list", filter={"orderBy": "+name\x00"}),
        V,
        "filter.orderBy",
    ),
    # Cycles and excessive depth.
    ("operator-contains-itself", operator_containing_itself, V, "contains itself"),
    ("operator-chain-3000", operator_chain, V, "nested more than 64 levels"),
    ("profile-contains-itself", profile_containing_itself, V, "response_profile"),
    ("dict-contains-itself", dict_containing_itself, V, "filter.self"),
    ("list-contains-itself", list_containing_itself, V, "filter.items[1]"),
    ("dict-chain-3000", dict_chain, V, "nested more than 64 levels"),
    ("batch-dict-contains-itself", batch_dict_containing_itself, V, "filter.self"),
    # Schema types: int and bigint ranges, the right enum class.
    (
        "page-size-2**70",
        lambda c: c.client.media.list(pager=FilterPager(page_size=2**70)),
        V,
        "pager.page_size",
    ),
    (
        "int-over-32-bits",
        lambda c: c.client.media.list(pager=FilterPager(page_index=2**31)),
        V,
        "pager.page_index",
    ),
    ("bigint-over-64-bits", lambda c: c.client.bulk_upload.get(id=2**63), V, "id"),
    ("untyped-int-over-64-bits", lambda c: c.client.call("media", "list", x=-(2**64)), V, "x"),
    (
        "int-enum-of-another-class",
        lambda c: c.client.media.add(entry=MediaEntry(media_type=SessionType.ADMIN)),
        V,
        "entry.media_type",
    ),
    (
        "str-enum-of-another-class",
        lambda c: c.client.media.add(entry=MediaEntry(source_type=EntryStatus.READY)),
        V,
        "entry.source_type",
    ),
    (
        "int-enum-over-32-bits",
        lambda c: c.client.media.add(entry=MediaEntry(media_type=2**40)),
        V,
        "entry.media_type",
    ),
    # Naive datetimes.
    (
        "naive-datetime",
        lambda c: c.client.media.list(
            filter=MediaEntryFilter(created_at_greater_than_or_equal=NAIVE)
        ),
        V,
        "filter.created_at_greater_than_or_equal",
    ),
    (
        "naive-datetime-untyped",
        lambda c: c.client.call("media", "list", filter={"createdAtLessThanOrEqual": NAIVE}),
        V,
        "filter.createdAtLessThanOrEqual",
    ),
    # A batch Ref outside its batch.
    ("ref-in-plain-call", ref_in_plain_call, V, "entryId"),
    ("ref-in-plain-model", ref_in_plain_model, V, "mediaEntry.name"),
    ("ref-in-plain-untyped-call", ref_in_plain_untyped_call, V, "entryId"),
    # Configuration objects: types and ranges when built.
    ("deadline-text", lambda c: RetryPolicy(deadline="60"), V, "retry.deadline"),
    ("retry-writes-text", lambda c: RetryPolicy(retry_writes="no"), V, "retry.retry_writes"),
    (
        "retry-statuses-text",
        lambda c: RetryPolicy(retry_statuses={"503"}),
        V,
        "retry.retry_statuses",
    ),
    ("option-partner-2**40", lambda c: c.client.with_options(partner_id=2**40), V, "partner_id"),
    ("option-ks-nul", lambda c: c.client.with_options(ks="djJ8\x00"), V, "ks"),
    (
        "paginate-2**70",
        lambda c: c.client.paginate(c.client.media.list(), page_size=2**70),
        V,
        "page_size",
    ),
]


@pytest.mark.parametrize(
    ("build", "error", "names"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_bad_input_fails_before_any_io(
    build: Callable[[Ctx], Any],
    error: type[BaseException],
    names: str,
    emulator: KalturaEmulator,
    secret_watch: SecretWatch,
) -> None:
    probe = emulator.faults.add(kind="latency", latency=0.0)  # fires on every request
    async with KalturaClient(
        emulator.url, partner_id=emulator.partner_id, ks=admin_ks(emulator, secret_watch)
    ) as client:
        with pytest.raises(error) as info:
            result = build(Ctx(client, emulator))
            if inspect.isawaitable(result):
                await result
    message = str(info.value)
    secret_watch.check_text(message)
    assert names in message
    if isinstance(info.value, KalturaValidationError):
        assert info.value.field is not None and info.value.field in message
    assert probe.fired == 0 and sum(emulator.counters.values()) == 0


#: The kinds of bad input that once reached Python's own errors or the wire, by case id.
KINDS: dict[str, tuple[str, ...]] = {
    "strings not encodable as UTF-8 (lone surrogates), NUL, non-str dict keys": (
        "lone-surrogate",
        "lone-surrogate-untyped",
        "lone-surrogate-list-item",
        "nul-in-dict-key",
        "surrogate-in-dict-key",
        "int-dict-key",
        "enum-member-nul",
    ),
    "cycles and excessive depth (3,000-deep chains)": (
        "operator-contains-itself",
        "operator-chain-3000",
        "profile-contains-itself",
        "dict-contains-itself",
        "list-contains-itself",
        "dict-chain-3000",
        "batch-dict-contains-itself",
    ),
    "schema types: int/bigint ranges, another enum class": (
        "page-size-2**70",
        "int-over-32-bits",
        "bigint-over-64-bits",
        "untyped-int-over-64-bits",
        "int-enum-of-another-class",
        "str-enum-of-another-class",
        "int-enum-over-32-bits",
        "paginate-2**70",
    ),
    "naive datetimes": ("naive-datetime", "naive-datetime-untyped"),
    "a batch Ref outside its batch": (
        "ref-in-plain-call",
        "ref-in-plain-model",
        "ref-in-plain-untyped-call",
    ),
    "config objects checked when built": (
        "deadline-text",
        "retry-writes-text",
        "retry-statuses-text",
        "option-partner-2**40",
        "option-ks-nul",
    ),
}


def test_bad_input_table_size(figures: Figures) -> None:
    assert len(CASES) >= 30
    ids = {case[0] for case in CASES}
    figures.record("bad input", "cases refused before any I/O, naming the field", len(CASES))
    for kind, members in KINDS.items():
        assert set(members) <= ids, set(members) - ids
        figures.record("bad input", kind, f"{len(members)} cases, 0 requests")
