"""Upload sources: paths, bytes, binary files and async byte streams read in chunks.

A :class:`Reader` hands out exactly the bytes asked for (disk reads in a worker thread,
streams re-cut without a second copy); :class:`Chunker` cuts one into the
``(offset, data, is_final)`` chunks an upload sends.
"""

from __future__ import annotations

import io
import os
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, BinaryIO, Final, TypeAlias, cast

import anyio

from ._errors import KalturaValidationError

__all__ = ["Chunker", "Reader", "UploadSource", "open_reader"]

MiB: Final = 1024 * 1024

#: What an upload reads: a path, the bytes, a binary file object, or an async iterator
#: of bytes.
UploadSource: TypeAlias = (
    "str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO | AsyncIterable[bytes]"
)


class Reader(ABC):
    """Reads a source in chunks; ``total`` is the size from the starting point, if known."""

    name: str | None = None
    total: int | None = None

    @abstractmethod
    async def read(self, n: int) -> bytes:
        """Exactly ``n`` bytes, fewer only at the end of the source."""

    @abstractmethod
    async def at_end(self) -> bool:
        """Whether no byte is left (for sources of unknown size; reads ahead a little)."""

    async def skip(self, n: int) -> None:
        """Move ``n`` bytes forward (resuming); short sources are an error."""
        while n > 0:
            got = len(await self.read(min(n, MiB)))
            if got == 0:
                raise self._too_short()
            n -= got

    def _too_short(self) -> KalturaValidationError:
        return KalturaValidationError(
            "the source is shorter than what the token already holds", field="source"
        )

    @abstractmethod
    async def aclose(self) -> None:
        """Release what the reader opened."""


class BytesReader(Reader):
    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self._view = memoryview(data).cast("B")
        self._pos = 0
        self.total = len(self._view)

    async def read(self, n: int) -> bytes:
        chunk = bytes(self._view[self._pos : self._pos + n])
        self._pos += len(chunk)
        return chunk

    async def skip(self, n: int) -> None:
        if self._pos + n > len(self._view):
            raise self._too_short()
        self._pos += n

    async def at_end(self) -> bool:
        return self._pos >= len(self._view)

    async def aclose(self) -> None:
        self._view.release()


class FileReader(Reader):
    """A binary file object; disk files are read in a worker thread."""

    def __init__(self, fh: BinaryIO, *, owned: bool) -> None:
        self._fh = fh
        self._owned = owned
        self._threaded = not isinstance(fh, io.BytesIO)
        raw_name = getattr(fh, "name", None)
        self.name = raw_name if isinstance(raw_name, str) else None
        try:
            seekable = bool(fh.seekable())
        except (AttributeError, OSError, ValueError):
            seekable = False
        self._seekable = seekable
        self._peeked = b""
        if seekable:
            here = fh.tell()
            self.total = fh.seek(0, io.SEEK_END) - here
            fh.seek(here)

    def _read_full(self, n: int) -> bytes:
        parts = [self._peeked]
        n -= len(self._peeked)
        self._peeked = b""
        while n > 0:
            data = self._fh.read(n)
            if not data:
                break
            parts.append(bytes(data))
            n -= len(data)
        return b"".join(parts)

    async def read(self, n: int) -> bytes:
        if self._threaded:
            return await anyio.to_thread.run_sync(self._read_full, n)
        return self._read_full(n)

    async def at_end(self) -> bool:
        if not self._peeked:
            self._peeked = await self.read(1)
        return not self._peeked

    async def skip(self, n: int) -> None:
        if not self._seekable:
            await super().skip(n)
            return
        if self.total is not None and n > self.total:
            raise self._too_short()
        self._fh.seek(n, io.SEEK_CUR)

    async def aclose(self) -> None:
        if self._owned:
            self._fh.close()


class StreamReader(Reader):
    """An async iterator of bytes, re-cut into chunks of the requested size.

    Pieces are kept as they came and joined once per chunk: one copy of each byte.
    """

    def __init__(self, source: AsyncIterable[bytes]) -> None:
        self._it: AsyncIterator[bytes] = aiter(source)
        self._pieces: deque[bytes] = deque()
        self._held = 0
        self._done = False

    async def _fill(self, n: int) -> None:
        while self._held < n and not self._done:
            try:
                piece = await anext(self._it)
            except StopAsyncIteration:
                self._done = True
                break
            if not isinstance(piece, (bytes, bytearray, memoryview)):
                raise KalturaValidationError(
                    f"the source yielded {type(piece).__name__}, not bytes", field="source"
                )
            if piece:
                self._pieces.append(piece if type(piece) is bytes else bytes(piece))
                self._held += len(piece)

    async def read(self, n: int) -> bytes:
        await self._fill(n)
        out: list[bytes] = []
        need = n
        while need and self._pieces:
            head = self._pieces[0]
            if len(head) <= need:
                out.append(self._pieces.popleft())
                need -= len(head)
            else:
                out.append(head[:need])
                self._pieces[0] = head[need:]
                need = 0
        self._held -= n - need
        return b"".join(out)

    async def at_end(self) -> bool:
        """Whether the stream has no byte left (reads at most one more piece)."""
        await self._fill(1)
        return self._held == 0

    async def aclose(self) -> None:
        # The caller's iterator stays theirs to close; only the buffered pieces are ours.
        self._pieces.clear()


async def open_reader(source: Any) -> Reader:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return BytesReader(source)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not isinstance(path, str):
            raise KalturaValidationError("a path must be a str path", field="source")
        try:
            fh = await anyio.to_thread.run_sync(open, path, "rb")
        except OSError as err:
            raise KalturaValidationError(
                f"cannot read {path!r}: {err.strerror}", field="source"
            ) from None
        reader = FileReader(cast(BinaryIO, fh), owned=True)
        reader.name = path
        return reader
    if hasattr(source, "read"):
        if isinstance(source, io.TextIOBase):
            raise KalturaValidationError("open the file in binary mode", field="source")
        return FileReader(source, owned=False)
    if isinstance(source, AsyncIterable):
        return StreamReader(source)
    raise KalturaValidationError(
        "source must be a path, bytes, a binary file object or an async iterator of bytes, "
        f"got {type(source).__name__}",
        field="source",
    )


class Chunker:
    """Cuts a reader into ``(offset, data, is_final)`` from ``start`` on.

    With a known size the final chunk is known by its offset; a stream is peeked after
    each chunk (one piece, not one chunk) to learn whether it ended.
    """

    def __init__(self, reader: Reader, start: int, chunk_size: int) -> None:
        self._reader = reader
        self._offset = start
        self._size = chunk_size

    async def next(self) -> tuple[int, bytes, bool]:
        offset = self._offset
        reader = self._reader
        if reader.total is not None:
            want = min(self._size, reader.total - offset)
            data = await reader.read(want)
            if len(data) < want:
                raise KalturaValidationError(
                    "the source got shorter while it was being uploaded", field="source"
                )
            final = offset + len(data) >= reader.total
        else:
            data = await reader.read(self._size)
            final = len(data) < self._size or await reader.at_end()
        self._offset = offset + len(data)
        return offset, data, final
