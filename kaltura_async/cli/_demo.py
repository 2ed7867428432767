"""``kaltura-async demo``: a timed tour of the SDK, against an in-process emulator or an account.

With no connection settings it starts a :class:`~kaltura_async.testing.KalturaEmulator` in
this process and needs no credentials. Given a service URL and credentials (flags or the
``KALTURA_*`` variables) it runs against that account instead; then it writes to one entry
only, named :data:`DEMO_ENTRY_NAME`, and deletes it at the end.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TextIO

from .._errors import KalturaValidationError
from ._output import progress_bar
from ._settings import Settings

__all__ = ["DEMO_ENTRY_NAME", "run_demo"]

DEMO_ENTRY_NAME = "kaltura-async demo (safe to delete)"
DEMO_TAG = "kaltura-async-demo"
_MIB = 1024 * 1024


class _Report:
    """Prints one line per step, with how long the step took."""

    def __init__(self, out: TextIO, err: TextIO | None) -> None:
        self.out = out
        self.err = err
        self.started = time.perf_counter()

    def line(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    @contextlib.asynccontextmanager
    async def step(self, title: str) -> AsyncIterator[Callable[[str], None]]:
        notes: list[str] = []
        began = time.perf_counter()
        yield notes.append
        elapsed = (time.perf_counter() - began) * 1000
        detail = f": {'; '.join(notes)}" if notes else ""
        self.line(f"  {title}{detail}  [{elapsed:,.0f} ms]")


async def run_demo(
    settings: Settings, *, out: TextIO, err: TextIO | None = None, fast: bool = False
) -> int:
    """Run the tour; returns 0. The upload's progress bar goes to ``err`` (default stderr);
    ``fast`` shrinks the upload and the seeded library (tests)."""
    report = _Report(out, err)
    local = settings.service_url is None and not settings.has_credentials
    if not local:
        if not settings.has_credentials:
            raise KalturaValidationError(
                "the demo against an account needs KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET "
                "(or KALTURA_KS), or the matching flags",
                field="admin_secret",
            )
        report.line(
            f"kaltura-async demo against {settings.service_url or 'the default service URL'}"
        )
        return await _tour(settings, report, emulator=None, fast=fast)

    from ..testing import KalturaEmulator

    async with KalturaEmulator() as emulator:
        seeded = emulator.seed_entries(120 if fast else 1_200, name_prefix="sample")
        report.line(
            f"kaltura-async demo against an in-process emulator at {emulator.url} "
            f"(partner {emulator.partner_id}, {len(seeded):,} sample entries; no credentials needed)"
        )
        local_settings = Settings(
            service_url=emulator.url,
            partner_id=emulator.partner_id,
            admin_secret=emulator.admin_secret,
        )
        return await _tour(local_settings, report, emulator=emulator, fast=fast)


async def _tour(settings: Settings, report: _Report, *, emulator: Any, fast: bool) -> int:
    from .._client import KalturaClient
    from ..enums import MediaType, SessionType
    from ..types import FilterPager, MediaEntry, MediaEntryFilter, UploadedFileTokenResource

    async with KalturaClient(
        settings.service_url or "https://www.kaltura.com", partner_id=settings.partner_id
    ) as bare:
        async with report.step("session.start") as note:
            if settings.admin_secret is not None:
                ks = await bare.session.start(
                    secret=settings.admin_secret,
                    user_id=settings.user_id,
                    type=SessionType.ADMIN,
                    partner_id=settings.partner_id,
                    expiry=3600,
                )
                note("an ADMIN KS for one hour, from the admin secret")
            else:
                assert settings.ks is not None
                ks = settings.ks
                note("using the KS from KALTURA_KS / --ks")
        client = bare.with_options(ks=ks)

        async with report.step("media.list") as note:
            page = await client.media.list(pager=FilterPager(page_size=5))
            names = ", ".join(repr(e.name) for e in page.objects or [])
            note(f"{page.total_count:,} entries; the first {len(page.objects or [])}: {names}")

        created_id: str | None = None
        try:
            async with report.step("multirequest") as note:
                mr = client.multirequest()
                created = mr.add(
                    client.media.add(
                        entry=MediaEntry(
                            name=DEMO_ENTRY_NAME, media_type=MediaType.VIDEO, tags=DEMO_TAG
                        )
                    )
                )
                mr.add(
                    client.media.update(
                        entry_id=created.id,
                        media_entry=MediaEntry(description="set in the same request, by a ref"),
                    )
                )
                fetched = mr.add(client.media.get(entry_id=created.id))
                results = await mr.execute()
                created_entry = results[created]
                assert isinstance(created_entry.id, str)
                demo_id = created_entry.id
                created_id = demo_id
                entry = results[fetched]
                note(
                    f"add -> update -> get in one HTTP request, refs resolved by the server; "
                    f"entry {entry.id}: {entry.description!r}"
                )

            async with report.step("client.gather") as note:
                ids: list[str] = []
                if emulator is not None:
                    sample = await client.media.list(pager=FilterPager(page_size=100))
                    ids = [e.id for e in sample.objects or [] if isinstance(e.id, str)]
                ids = (ids + [demo_id] * 100)[:100]
                got = await client.gather(*(client.media.get(entry_id=i) for i in ids), limit=32)
                note(f"{len(got)} media.get calls at once (at most 32 in flight, one pool)")

            async with report.step("upload") as note:
                size = (2 if fast else 8) * _MIB
                chunk = _MIB // 2 if fast else _MIB
                data = bytes(range(256)) * (size // 256)
                bar = progress_bar("  uploading", size, report.err)
                try:
                    token = await client.upload(
                        data,
                        file_name="kaltura-async-demo.mp4",
                        chunk_size=chunk,
                        parallel=4,
                        progress=bar,
                    )
                finally:
                    bar.close()
                assert isinstance(token.id, str)
                entry = await client.media.add_content(
                    entry_id=demo_id, resource=UploadedFileTokenResource(token=token.id)
                )
                note(
                    f"{size // _MIB} MiB in {size // chunk} chunks of {chunk // 1024} KiB, 4 in "
                    f"parallel, resumable; token {token.id} -> entry {entry.id} ({_name(entry.status)})"
                )

            async with report.step("client.paginate") as note:
                call = client.media.list(filter=MediaEntryFilter(order_by="+createdAt"))
                paginator = client.paginate(call, page_size=500 if emulator is not None else 100)
                items = 0
                async for page in paginator.pages():
                    items += len(page.objects or [])
                    if emulator is None and paginator.pages_fetched >= 3:
                        break  # a real library may be large: a taste is enough
                note(
                    f"{items:,} entries in {paginator.pages_fetched} pages of up to "
                    f"{paginator.page_size}, one page in memory at a time"
                )
        finally:
            if created_id is not None:
                async with report.step("cleanup") as note:
                    await client.media.delete(entry_id=created_id)
                    note(f"deleted the demo entry {created_id}")

    total = time.perf_counter() - report.started
    report.line(f"done in {total:.2f} s")
    return 0


def _name(value: Any) -> str:
    return str(getattr(value, "name", value))
