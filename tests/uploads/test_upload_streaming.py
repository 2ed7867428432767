"""Chunk bodies are streamed: a file is read by position in bounded pieces while it is sent."""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from kaltura_async import KalturaClient, KalturaValidationError, _readers
from kaltura_async.testing import KalturaEmulator

from .conftest import CHUNK, assembled, random_bytes, sha256


async def test_a_file_chunk_is_read_in_bounded_pieces_never_whole(
    client: KalturaClient,
    emu: KalturaEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One chunk of 3 pieces and a bit: the reads are what is held, never the chunk.
    size = 3 * _readers.PIECE + 123
    data = random_bytes(size)
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    reads: list[tuple[int, int]] = []
    real_pread = os.pread

    def pread(fd: int, n: int, position: int) -> bytes:
        reads.append((n, position))
        return real_pread(fd, n, position)

    monkeypatch.setattr(_readers.os, "pread", pread)
    token = await client.upload(path, chunk_size=size, parallel=1)
    assert assembled(emu, token) == sha256(data)
    assert max(n for n, _ in reads) == _readers.PIECE
    assert sorted(reads, key=lambda r: r[1]) == [
        (min(_readers.PIECE, size - at), at) for at in range(0, size, _readers.PIECE)
    ]


@pytest.mark.parametrize("parallel", [1, 4])
async def test_a_caller_file_is_left_after_the_bytes_sent(
    client: KalturaClient, emu: KalturaEmulator, tmp_path: Path, parallel: int
) -> None:
    data = random_bytes(5 * CHUNK + 17)
    path = tmp_path / "clip.bin"
    path.write_bytes(b"head" + data)
    with path.open("rb") as fh:
        fh.seek(4)
        token = await client.upload(fh, chunk_size=CHUNK, parallel=parallel)
        assert fh.tell() == 4 + len(data)
    assert assembled(emu, token) == sha256(data)


async def test_a_file_cut_short_during_the_upload_is_a_validation_error(
    client: KalturaClient, tmp_path: Path
) -> None:
    data = random_bytes(4 * CHUNK)
    path = tmp_path / "shrinks.bin"
    path.write_bytes(data)

    def cut(sent: int, total: int | None) -> None:
        if sent >= CHUNK:
            os.truncate(path, 2 * CHUNK - 1)

    with pytest.raises(KalturaValidationError, match="got shorter"):
        await client.upload(path, chunk_size=CHUNK, parallel=1, progress=cut)


async def test_a_bytearray_source_is_released_and_memory_files_upload_whole(
    client: KalturaClient, emu: KalturaEmulator
) -> None:
    data = bytearray(random_bytes(3 * CHUNK + 5))
    token = await client.upload(data, chunk_size=CHUNK, parallel=2)
    assert assembled(emu, token) == sha256(bytes(data))
    # The view over the caller's buffer was released: it can be resized again.
    data.append(0)
    memory = io.BytesIO(bytes(data))
    token = await client.upload(memory, chunk_size=CHUNK, parallel=2)
    assert assembled(emu, token) == sha256(bytes(data))


async def test_the_next_chunk_of_a_stream_is_read_while_the_first_is_sent(
    client: KalturaClient, emu: KalturaEmulator
) -> None:
    data = random_bytes(3 * CHUNK)
    events: list[str] = []
    original = client.transport.post

    async def spy(service: str, action: str | None, body: Any, **kw: Any) -> Any:
        if action != "upload":
            return await original(service, action, body, **kw)
        events.append(f"send {body.get('resumeAt')}")
        try:
            return await original(service, action, body, **kw)
        finally:
            events.append(f"answer {body.get('resumeAt')}")

    async def stream() -> AsyncIterator[bytes]:
        # Half chunks: peeking for the end reads one piece, never a whole chunk.
        for at in range(0, len(data), CHUNK // 2):
            events.append(f"read {at}")
            yield data[at : at + CHUNK // 2]

    client.transport.post = spy  # type: ignore[method-assign]
    token = await client.upload(stream(), chunk_size=CHUNK, parallel=1)
    assert assembled(emu, token) == sha256(data)
    # The second chunk is read before the first one's answer; at parallel 1 a chunk is
    # sent only after the one before it was answered (the protocol's order stays).
    assert events.index(f"read {CHUNK + CHUNK // 2}") < events.index("answer None")
    sends = [i for i, e in enumerate(events) if e.startswith("send")]
    answers = [i for i, e in enumerate(events) if e.startswith("answer")]
    assert [e.split()[1] for e in events if e.startswith("send")] == [
        "None",
        str(float(CHUNK)),
        str(float(2 * CHUNK)),
    ]
    assert all(answers[k] < sends[k + 1] for k in range(len(sends) - 1))


async def test_a_wrapper_file_is_read_through_the_wrapper_not_its_descriptor(
    client: KalturaClient, emu: KalturaEmulator, tmp_path: Path
) -> None:
    # A GzipFile is seekable and has the compressed file's descriptor: the bytes uploaded
    # are the ones its read() gives.
    data = random_bytes(3 * CHUNK + 9)
    path = tmp_path / "clip.bin.gz"
    with gzip.open(path, "wb") as out:
        out.write(data)
    with gzip.open(path, "rb") as fh:
        token = await client.upload(fh, chunk_size=CHUNK, parallel=2)
    assert assembled(emu, token) == sha256(data)
