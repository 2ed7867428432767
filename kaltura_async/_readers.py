"""Upload sources: paths, bytes, binary files and async byte streams read in chunks.

A :class:`Reader` hands out exactly the bytes asked for (disk reads in a worker thread,
streams re-cut without a second copy); :class:`Chunker` cuts one into the
``(offset, body, is_final)`` chunks an upload sends. A chunk's :class:`Body` is what one
HTTP attempt sends and every retry sends again: a range of an open file read while it is
sent (never held whole), or pieces already in memory (a slice of the caller's bytes, the
pieces a stream yielded), never joined into one more copy.
"""

from __future__ import annotations

import asyncio
import io
import os
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from typing import Any, BinaryIO, Final, TypeAlias, cast

import anyio

from ._errors import KalturaValidationError

__all__ = ["Body", "Chunker", "FileRange", "InMemory", "Reader", "UploadSource", "open_reader"]

MiB: Final = 1024 * 1024
#: A file range is read and sent in pieces of this size, the next read while the current
#: piece is written (2 pieces per chunk in flight, whatever the chunk size).
PIECE: Final = 1 * MiB

#: What an upload reads: a path, the bytes, a binary file object, or an async iterator
#: of bytes.
UploadSource: TypeAlias = (
    "str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO | AsyncIterable[bytes]"
)


class Body(ABC):
    """The bytes of one chunk, ``size`` of them, produced again whole for every attempt."""

    __slots__ = ("size",)

    size: int

    def __len__(self) -> int:
        return self.size

    @abstractmethod
    def pieces(self) -> AsyncIterator[bytes | memoryview]:
        """The chunk's bytes, in order, in pieces."""


class InMemory(Body):
    """Pieces already in memory (a view of the caller's bytes, a stream's pieces)."""

    __slots__ = ("_pieces",)

    def __init__(self, pieces: Sequence[bytes | memoryview]) -> None:
        self._pieces = pieces
        self.size = sum(len(p) for p in pieces)

    async def pieces(self) -> AsyncIterator[bytes | memoryview]:
        for piece in self._pieces:
            # Slices of at most PIECE, so the socket's buffer holds no second copy of it.
            view = memoryview(piece)
            for at in range(0, len(view), PIECE):
                yield view[at : at + PIECE]


class FileRange(Body):
    """``size`` bytes of an open file from ``position``, read while they are sent.

    Reads are positional (``os.pread``) in a worker thread, so chunks in flight at once
    never share a file position; the next piece is read while the current one is written.
    A file that got shorter meanwhile is a :class:`KalturaValidationError`.
    """

    __slots__ = ("_fd", "_position")

    def __init__(self, fd: int, position: int, size: int) -> None:
        self._fd = fd
        self._position = position
        self.size = size

    async def pieces(self) -> AsyncIterator[bytes | memoryview]:
        loop = asyncio.get_running_loop()
        pos, end = self._position, self._position + self.size
        ahead = loop.run_in_executor(None, os.pread, self._fd, min(PIECE, end - pos), pos)
        try:
            while pos < end:
                data = await ahead
                if not data:
                    raise _got_shorter()
                pos += len(data)
                if pos < end:
                    ahead = loop.run_in_executor(
                        None, os.pread, self._fd, min(PIECE, end - pos), pos
                    )
                yield data
        finally:
            if not ahead.done():
                # Abandoned (a failed or cancelled attempt): the read finishes unheard.
                ahead.add_done_callback(_drop_result)


def _drop_result(future: asyncio.Future[bytes]) -> None:
    if not future.cancelled():
        future.exception()


def _got_shorter() -> KalturaValidationError:
    return KalturaValidationError(
        "the source got shorter while it was being uploaded", field="source"
    )


class Reader(ABC):
    """Reads a source in chunks; ``total`` is the size from the starting point, if known."""

    name: str | None = None
    total: int | None = None
    #: Whether :meth:`take` holds a chunk's bytes in memory while it is sent (a stream's
    #: chunk does; a disk file's is read by position as it goes, the caller's bytes are
    #: already in memory), so that memory grows with the chunk size.
    holds_chunks: bool = True

    @abstractmethod
    async def read(self, n: int) -> bytes:
        """Exactly ``n`` bytes, fewer only at the end of the source."""

    async def take(self, n: int) -> Body:
        """The next ``n`` bytes (fewer only at the end) as a chunk body."""
        return InMemory((await self.read(n),))

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
        self.holds_chunks = False

    async def read(self, n: int) -> bytes:
        chunk = bytes(self._view[self._pos : self._pos + n])
        self._pos += len(chunk)
        return chunk

    async def take(self, n: int) -> Body:
        view = self._view[self._pos : self._pos + n]
        self._pos += len(view)
        return InMemory((view,))

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
        #: A seekable file with a descriptor is read by position (``take``), from here.
        self._fd: int | None = None
        self._pos = 0
        if seekable:
            here = fh.tell()
            self.total = fh.seek(0, io.SEEK_END) - here
            fh.seek(here)
            if _plain_file(fh):
                self._fd = fh.fileno()
                self.holds_chunks = False
            self._pos = here

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

    async def take(self, n: int) -> Body:
        if self._fd is None:
            return await super().take(n)
        # The size now, so a file cut short since it was opened fails before any I/O.
        n = max(0, min(n, os.fstat(self._fd).st_size - self._pos))
        body = FileRange(self._fd, self._pos, n)
        self._pos += n
        return body

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
        self._pos += n

    async def aclose(self) -> None:
        if self._owned:
            self._fh.close()
        elif self._fd is not None:
            # The caller's file is left after the bytes read, as a sequential read would.
            self._fh.seek(self._pos)


def _plain_file(fh: Any) -> bool:
    """Whether ``fh`` reads its descriptor's bytes as they are. A wrapper's descriptor may
    hold other bytes (a ``GzipFile``'s is the compressed file), so only an OS file, bare or
    buffered, is read by position."""
    raw = fh.raw if isinstance(fh, (io.BufferedReader, io.BufferedRandom)) else fh
    return isinstance(raw, io.FileIO)


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
        return b"".join(await self._cut(n))

    async def take(self, n: int) -> Body:
        return InMemory(await self._cut(n))

    async def _cut(self, n: int) -> list[bytes]:
        """The next ``n`` bytes as the pieces that hold them (no copy but a split one)."""
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
        return out

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
    """Cuts a reader into ``(offset, body, is_final)`` from ``start`` on.

    With a known size the final chunk is known by its offset; a stream is peeked after
    each chunk (one piece, not one chunk) to learn whether it ended.
    """

    def __init__(self, reader: Reader, start: int, chunk_size: int) -> None:
        self._reader = reader
        self._offset = start
        self._size = chunk_size

    async def next(self) -> tuple[int, Body, bool]:
        offset = self._offset
        reader = self._reader
        if reader.total is not None:
            want = min(self._size, reader.total - offset)
            body = await reader.take(want)
            if body.size < want:
                raise _got_shorter()
            final = offset + body.size >= reader.total
        else:
            body = await reader.take(self._size)
            final = body.size < self._size or await reader.at_end()
        self._offset = offset + body.size
        return offset, body, final
