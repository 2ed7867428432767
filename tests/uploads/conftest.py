"""Fixtures for the upload suite: an emulator, a client with fast retries, source makers."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from kaltura_async import KalturaClient, RetryPolicy
from kaltura_async.testing import KalturaEmulator

#: The chunk size of the edge-size tests: small, so many chunks stay cheap.
CHUNK = 64 * 1024

#: Retries in milliseconds: the tests check that retries happen, not how long they wait.
FAST_RETRY = RetryPolicy(max_retries=3, base_delay=0.001, max_delay=0.01)


@pytest_asyncio.fixture
async def emu() -> AsyncIterator[KalturaEmulator]:
    async with KalturaEmulator(final_chunk_wait=2.0, transcode_delay=0.2) as emulator:
        yield emulator


@pytest_asyncio.fixture
async def client(emu: KalturaEmulator) -> AsyncIterator[KalturaClient]:
    async with KalturaClient(
        emu.url, partner_id=emu.partner_id, ks=emu.admin_ks(), retry=FAST_RETRY
    ) as c:
        yield c


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def pieces(data: bytes, size: int = 10_000) -> AsyncIterator[bytes]:
    """An async iterator whose pieces do not line up with any chunk size."""
    for i in range(0, len(data), size):
        yield data[i : i + size]


def make_source(kind: str, data: bytes, tmp_path: Path, name: str = "clip.mp4") -> Any:
    """``data`` as the given kind of upload source."""
    if kind == "bytes":
        return data
    if kind == "stream":
        return pieces(data)
    path = tmp_path / name
    path.write_bytes(data)
    if kind == "path":
        return path
    if kind == "str path":
        return str(path)
    if kind == "file":
        return path.open("rb")
    if kind == "bytesio":
        return io.BytesIO(data)
    if kind == "unseekable":
        return Unseekable(data)
    raise AssertionError(kind)


SOURCE_KINDS = ("bytes", "stream", "path", "str path", "file", "bytesio", "unseekable")
#: Sources whose size is not known before they end.
UNSIZED = ("stream", "unseekable")


class Unseekable(io.RawIOBase):
    """A pipe-like binary file: reads in short bursts, cannot seek or tell its size."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(min(len(buffer), 7_000))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.fixture
def source_factory(tmp_path: Path) -> Iterator[Callable[[str, bytes], Any]]:
    opened: list[Any] = []

    def factory(kind: str, data: bytes) -> Any:
        src = make_source(kind, data, tmp_path)
        if hasattr(src, "close"):
            opened.append(src)
        return src

    yield factory
    for fh in opened:
        fh.close()


def random_bytes(n: int) -> bytes:
    return os.urandom(n)


def tid(obj: Any) -> str:
    """The id of a token or entry the server returned (always set on answers)."""
    assert isinstance(obj.id, str)
    return obj.id


def assembled(emu: KalturaEmulator, token: Any) -> str:
    """The sha256 of the bytes the emulator assembled for ``token``."""
    return emu.upload_token_sha256(tid(token))
