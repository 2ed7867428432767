"""client.upload on the emulator: what the server assembled is byte-identical to the source."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from kaltura_async import KalturaClient, KalturaValidationError
from kaltura_async.enums import UploadTokenStatus
from kaltura_async.testing import KalturaEmulator

from .conftest import CHUNK, SOURCE_KINDS, UNSIZED, assembled, pieces, random_bytes, sha256, tid

EDGE_SIZES = (0, 1, CHUNK - 1, CHUNK, CHUNK + 1)


@pytest.mark.parametrize("parallel", [1, 4, 8])
@pytest.mark.parametrize("size", EDGE_SIZES)
async def test_edge_sizes_assemble_exactly(
    client: KalturaClient, emu: KalturaEmulator, size: int, parallel: int
) -> None:
    data = random_bytes(size)
    seen: list[tuple[int, int | None]] = []
    token = await client.upload(
        data,
        file_name="edge.bin",
        chunk_size=CHUNK,
        parallel=parallel,
        progress=lambda s, t: seen.append((s, t)),
    )
    assert token.status == UploadTokenStatus.FULL_UPLOAD
    assert token.uploaded_file_size == size
    assert assembled(emu, token) == sha256(data)
    assert seen[-1] == (size, size)
    assert [s for s, _ in seen] == sorted(s for s, _ in seen)


@pytest.mark.parametrize("kind", SOURCE_KINDS)
@pytest.mark.parametrize("size", [0, CHUNK, 5 * CHUNK + 17])
async def test_every_source_kind(
    client: KalturaClient,
    emu: KalturaEmulator,
    source_factory: Callable[[str, bytes], Any],
    kind: str,
    size: int,
) -> None:
    data = random_bytes(size)
    seen: list[tuple[int, int | None]] = []
    token = await client.upload(
        source_factory(kind, data),
        chunk_size=CHUNK,
        parallel=4,
        progress=lambda s, t: seen.append((s, t)),
    )
    assert assembled(emu, token) == sha256(data)
    # Only a stream has no size up front.
    expected_total = None if kind in UNSIZED else size
    assert seen[-1] == (size, expected_total)
    assert emu.upload_tokens[tid(token)].get("fileSize") == expected_total


async def test_chunk_calls_follow_the_protocol(client: KalturaClient, emu: KalturaEmulator) -> None:
    """First chunk resume=false, middle ones resume=true at their offsets, then the final."""
    sent: list[tuple[bool, bool, float | None, int]] = []
    original = client.transport.post

    async def spy(service: str, action: str | None, body: Any, **kw: Any) -> Any:
        if action == "upload":
            part = kw["files"][0]
            sent.append(
                (body.get("resume"), body.get("finalChunk"), body.get("resumeAt"), len(part.source))
            )
        return await original(service, action, body, **kw)

    client.transport.post = spy  # type: ignore[method-assign]
    data = random_bytes(3 * CHUNK + 5)
    token = await client.upload(data, chunk_size=CHUNK, parallel=2)
    assert assembled(emu, token) == sha256(data)
    assert sent[0] == (False, False, None, CHUNK)
    assert sorted(sent[1:3]) == [(True, False, CHUNK, CHUNK), (True, False, 2 * CHUNK, CHUNK)]
    assert sent[3] == (True, True, 3 * CHUNK, 5)


async def test_single_chunk_is_one_call(client: KalturaClient, emu: KalturaEmulator) -> None:
    data = random_bytes(CHUNK)
    token = await client.upload(data, chunk_size=CHUNK)
    assert emu.counters[("uploadToken", "upload")] == 1
    assert assembled(emu, token) == sha256(data)


async def test_the_default_chunk_size_follows_the_source(
    client: KalturaClient, emu: KalturaEmulator, big_file: tuple[Path, str]
) -> None:
    """A path, a disk file or bytes: 32 MiB chunks (read by position); a stream: 8 MiB."""
    path, digest = big_file  # 50 MiB

    async def stream() -> AsyncIterator[bytes]:
        with path.open("rb") as fh:
            while piece := fh.read(1024 * 1024):
                yield piece

    with path.open("rb") as fh:
        data = path.read_bytes()
        for source, chunks in ((path, 2), (fh, 2), (data, 2), (stream(), 7)):
            before = emu.counters[("uploadToken", "upload")]
            token = await client.upload(source, file_name="big.mov")
            assert emu.counters[("uploadToken", "upload")] - before == chunks
            assert assembled(emu, token) == digest


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("big") / "big.mov"
    digest = __import__("hashlib").sha256()
    with path.open("wb") as fh:
        for _ in range(50):
            block = os.urandom(1024 * 1024)
            digest.update(block)
            fh.write(block)
    return path, digest.hexdigest()


@pytest.mark.parametrize("parallel", [1, 4, 8])
async def test_50_mb_file(
    client: KalturaClient, emu: KalturaEmulator, big_file: tuple[Path, str], parallel: int
) -> None:
    path, digest = big_file
    token = await client.upload(path, chunk_size=4 * 1024 * 1024, parallel=parallel)
    assert token.uploaded_file_size == 50 * 1024 * 1024
    assert assembled(emu, token) == digest
    assert emu.upload_tokens[tid(token)]["fileName"] == "big.mov"


async def test_async_iterator_of_unknown_size_ending_on_a_chunk_boundary(
    client: KalturaClient, emu: KalturaEmulator
) -> None:
    data = random_bytes(4 * CHUNK)
    token = await client.upload(pieces(data, CHUNK), chunk_size=CHUNK, parallel=3)
    assert assembled(emu, token) == sha256(data)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"chunk_size": 0}, "chunk_size"),
        ({"chunk_size": 1.5}, "chunk_size"),
        ({"parallel": 0}, "parallel"),
        ({"parallel": 1000}, "parallel"),
        ({"progress": "yes"}, "progress"),
        ({"upload_token_id": ""}, "upload_token_id"),
    ],
)
async def test_bad_arguments_fail_before_any_call(
    client: KalturaClient, emu: KalturaEmulator, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(KalturaValidationError) as info:
        await client.upload(b"abc", **kwargs)
    assert info.value.field == field
    assert emu.counters[("uploadToken", "add")] == 0


async def test_bad_sources(client: KalturaClient, emu: KalturaEmulator, tmp_path: Path) -> None:
    text = tmp_path / "t.txt"
    text.write_text("hello")
    with text.open("r") as fh:
        with pytest.raises(KalturaValidationError, match="binary"):
            await client.upload(fh)  # type: ignore[arg-type]
    with pytest.raises(KalturaValidationError, match="cannot read"):
        await client.upload(tmp_path / "missing.mp4")
    with pytest.raises(KalturaValidationError, match="source must be"):
        await client.upload(12345)  # type: ignore[arg-type]

    async def not_bytes() -> Any:
        yield "text"

    with pytest.raises(KalturaValidationError, match="yielded str"):
        await client.upload(not_bytes())
    assert emu.counters[("uploadToken", "upload")] == 0
