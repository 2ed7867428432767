"""Uploads under failure: injected chunk faults, retried final calls, cancel and resume,
tokens that cannot take bytes any more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from kaltura_async import (
    KalturaClient,
    KalturaHTTPError,
    KalturaValidationError,
    RetryPolicy,
    UploadTokenInvalidStatusError,
)
from kaltura_async.enums import UploadTokenStatus
from kaltura_async.testing import KalturaEmulator
from kaltura_async.testing._uploads import UploadStore
from tests.conftest import ConnectionCount

from .conftest import CHUNK, SOURCE_KINDS, assembled, random_bytes, sha256, tid

SIZES = (CHUNK - 1, CHUNK + 1, 9 * CHUNK + 3)


@pytest.mark.parametrize("parallel", [1, 4, 8])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "http_error", "status": 503},
        {"kind": "http_error", "status": 500},
        {"kind": "reset_before"},
        {"kind": "reset_after"},
        {"kind": "truncated"},
    ],
    ids=lambda f: f"{f['kind']}-{f.get('status', '')}",
)
async def test_chunk_faults_are_retried(
    client: KalturaClient, emu: KalturaEmulator, fault: dict[str, Any], size: int, parallel: int
) -> None:
    # Two faults on the first chunk, then (once it is in) faults at random on the others.
    first = emu.faults.add(service="uploadToken", action="upload", count=2, **fault)
    later: list[Any] = []

    def arm(sent: int, total: int | None) -> None:
        if sent > 0 and not later:
            later.append(
                emu.faults.add(service="uploadToken", action="upload", rate=0.5, count=4, **fault)
            )

    data = random_bytes(size)
    token = await client.upload(data, chunk_size=CHUNK, parallel=parallel, progress=arm)
    assert first.fired == 2
    if size > 2 * CHUNK:
        # The emulator's fault RNG is seeded: the same draws every run.
        assert later[0].fired > 0
    assert token.status == UploadTokenStatus.FULL_UPLOAD
    assert assembled(emu, token) == sha256(data)


async def test_a_chunk_gets_the_policys_attempts_and_no_more(emu: KalturaEmulator) -> None:
    """The retry policy is the chunk's whole budget: no loop of the upload's own around
    the transport's attempts. Within it, failures are sent again until the chunk is in."""
    rule = emu.faults.add(
        service="uploadToken", action="upload", kind="http_error", status=502, count=5
    )
    data = random_bytes(3 * CHUNK)
    policy = RetryPolicy(max_retries=2, base_delay=0.001, max_delay=0.001)
    async with KalturaClient(emu.url, ks=emu.admin_ks(), retry=policy) as c:
        with pytest.raises(KalturaHTTPError):
            await c.upload(data, chunk_size=CHUNK, parallel=1)
    assert rule.fired == 3
    policy = RetryPolicy(max_retries=5, base_delay=0.001, max_delay=0.001)
    async with KalturaClient(emu.url, ks=emu.admin_ks(), retry=policy) as c:
        token = await c.upload(data, chunk_size=CHUNK, parallel=1)
    assert rule.fired == 5
    assert assembled(emu, token) == sha256(data)


async def test_permanent_chunk_failure_gives_up_after_bounded_attempts(
    emu: KalturaEmulator,
) -> None:
    rule = emu.faults.add(service="uploadToken", action="upload", kind="http_error", status=500)
    policy = RetryPolicy(max_retries=2, base_delay=0.001, max_delay=0.001)
    async with KalturaClient(emu.url, ks=emu.admin_ks(), retry=policy) as c:
        with pytest.raises(KalturaHTTPError) as info:
            await c.upload(random_bytes(10), chunk_size=CHUNK)
    assert info.value.status == 500
    assert rule.fired == 2 + 1


async def test_lost_answer_to_the_final_chunk_counts_as_done(
    client: KalturaClient, emu: KalturaEmulator
) -> None:
    """The final call ran, its answer was lost, the resend meets a FULL token: success."""
    data = random_bytes(4 * CHUNK + 9)
    rules: list[Any] = []

    def arm_before_final(sent: int, total: int | None) -> None:
        if sent == 4 * CHUNK and not rules:
            rules.append(
                emu.faults.add(service="uploadToken", action="upload", kind="reset_after", count=1)
            )

    token = await client.upload(data, chunk_size=CHUNK, parallel=4, progress=arm_before_final)
    assert rules[0].fired == 1
    assert token.status == UploadTokenStatus.FULL_UPLOAD
    assert assembled(emu, token) == sha256(data)


async def test_lost_answer_to_a_single_chunk_upload(
    client: KalturaClient, emu: KalturaEmulator
) -> None:
    rule = emu.faults.add(service="uploadToken", action="upload", kind="reset_after", count=1)
    data = random_bytes(100)
    token = await client.upload(data, chunk_size=CHUNK)
    assert rule.fired == 1
    assert assembled(emu, token) == sha256(data)


async def test_final_call_is_retried_on_cannot_match_expected_size(
    client: KalturaClient, emu: KalturaEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server gave up waiting for parked chunks once; the final call is sent again."""
    original = UploadStore._final_at
    refusals: list[int] = []

    async def refuse_once(self: UploadStore, token: Any, offset: int, chunk: Any) -> int:
        if not refusals:
            refusals.append(offset)
            from kaltura_async.testing._errors import api_error

            raise api_error("UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE")
        return await original(self, token, offset, chunk)

    monkeypatch.setattr(UploadStore, "_final_at", refuse_once)
    data = random_bytes(3 * CHUNK + 1)
    token = await client.upload(data, chunk_size=CHUNK, parallel=2)
    assert refusals == [3 * CHUNK]
    assert assembled(emu, token) == sha256(data)


# ------------------------------------------------------------------ cancel and resume


async def _cancelled_upload(client: KalturaClient, data: bytes, parallel: int) -> str:
    """Start an upload, cancel it once some chunks are in, return its token id."""
    token_ids: list[str] = []
    original = client.transport.post

    async def spy(service: str, action: str | None, body: Any, **kw: Any) -> Any:
        result = await original(service, action, body, **kw)
        if action == "add":
            token_ids.append(result["id"])
        return result

    client.transport.post = spy  # type: ignore[method-assign]
    with anyio.CancelScope() as scope:

        def stop_midway(sent: int, total: int | None) -> None:
            if sent >= 3 * CHUNK:
                scope.cancel()

        await client.upload(data, chunk_size=CHUNK, parallel=parallel, progress=stop_midway)
    client.transport.post = original  # type: ignore[method-assign]
    assert scope.cancelled_caught
    return token_ids[0]


@pytest.mark.parametrize("kind", SOURCE_KINDS)
async def test_resume_after_cancel(
    connections: ConnectionCount,
    client: KalturaClient,
    emu: KalturaEmulator,
    source_factory: Callable[[str, bytes], Any],
    kind: str,
) -> None:
    data = random_bytes(12 * CHUNK + 77)
    token_id = await _cancelled_upload(client, data, parallel=4)
    # Cancelling closed the in-flight requests and left the token open.
    assert connections.in_use == 0
    left = await client.upload_token.get(token_id)
    assert left.status == UploadTokenStatus.PARTIAL_UPLOAD
    held = int(left.uploaded_file_size or 0)
    assert 0 < held < len(data)

    seen: list[tuple[int, int | None]] = []
    token = await client.upload(
        source_factory(kind, data),
        chunk_size=CHUNK,
        parallel=4,
        upload_token_id=token_id,
        progress=lambda s, t: seen.append((s, t)),
    )
    assert token.id == token_id
    assert token.status == UploadTokenStatus.FULL_UPLOAD
    assert emu.upload_token_sha256(token_id) == sha256(data)
    assert seen[0][0] == held and seen[-1][0] == len(data)


async def test_resume_of_a_pending_token_starts_from_zero(
    client: KalturaClient, emu: KalturaEmulator
) -> None:
    from kaltura_async.types import UploadToken

    fresh = await client.upload_token.add(upload_token=UploadToken(file_name="a.bin"))
    data = random_bytes(2 * CHUNK + 1)
    token = await client.upload(data, chunk_size=CHUNK, upload_token_id=fresh.id)
    assert assembled(emu, token) == sha256(data)


async def test_resume_with_a_shorter_source_is_refused(
    client: KalturaClient, emu: KalturaEmulator
) -> None:
    data = random_bytes(12 * CHUNK)
    token_id = await _cancelled_upload(client, data, parallel=1)
    with pytest.raises(KalturaValidationError):
        await client.upload(data[:CHUNK], chunk_size=CHUNK, upload_token_id=token_id)


async def test_full_token_refuses_more_bytes(client: KalturaClient, emu: KalturaEmulator) -> None:
    data = random_bytes(2 * CHUNK)
    token = await client.upload(data, chunk_size=CHUNK)
    with pytest.raises(UploadTokenInvalidStatusError):
        await client.upload(data, chunk_size=CHUNK, upload_token_id=token.id)
    with pytest.raises(UploadTokenInvalidStatusError):
        await client.upload_token.upload(upload_token_id=tid(token), file_data=b"more")
    assert assembled(emu, token) == sha256(data)


async def test_closed_token_refuses_more_bytes(client: KalturaClient, emu: KalturaEmulator) -> None:
    data = random_bytes(CHUNK + 5)
    entry = await client.ingest(data, chunk_size=CHUNK)
    token_id = next(
        tid for tid, t in emu.upload_tokens.items() if t["status"] == UploadTokenStatus.CLOSED
    )
    assert entry.id is not None
    with pytest.raises(UploadTokenInvalidStatusError):
        await client.upload(data, chunk_size=CHUNK, upload_token_id=token_id)
