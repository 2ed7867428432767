"""Chunked, resumable, parallel uploads through upload tokens, and one-call ingestion.

The protocol (wire-protocol §6): a token is created, the first chunk is sent with
``resume=false, finalChunk=false`` (it replaces the token's file), the middle chunks with
``resume=true, resumeAt=offset`` up to ``parallel`` at once (the server parks a chunk that
arrives ahead of the bytes before it), and the last one with ``finalChunk=true``. A chunk is
idempotent by its offset, so a failed chunk is simply sent again; the final call is retried
on ``UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE`` (the server gave up waiting for parked chunks).
Memory stays bounded by about ``(parallel + 2) * chunk_size`` whatever the source's size.
"""

from __future__ import annotations

import io
import os
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, BinaryIO, Final, TypeAlias, cast

import anyio
import attrs

from ._config import RetryPolicy, Timeout
from ._errors import (
    EntryProcessingError,
    KalturaCommunicationError,
    KalturaError,
    KalturaTimeoutError,
    KalturaValidationError,
    UploadTokenCannotMatchExpectedSizeError,
    UploadTokenInvalidStatusError,
)
from ._logging import logger
from ._model import UNSET
from ._transport import FilePart

if TYPE_CHECKING:
    from ._client import KalturaClient
    from .types.media_entry import MediaEntry
    from .types.upload_token import UploadToken

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_PARALLEL",
    "EntryProcessingError",
    "ProgressCallback",
    "UploadSource",
    "ingest",
    "upload",
]

MiB: Final = 1024 * 1024

#: Chosen from benchmarks/bench_upload.py on the emulator. Every chunk costs the server a
#: request and an append, and at parallel 1 the wire idles meanwhile: 8 MiB chunks at
#: parallel 1 matched one raw request (1.01x) where 4 MiB ones reached 0.43-0.67x; 16 MiB
#: gained nothing more and re-sends more after a failure.
DEFAULT_CHUNK_SIZE: Final = 8 * MiB
#: Two chunks in flight hide most of the per-chunk round trip; 4 and 8 measured no faster
#: (the server is the bottleneck) while memory grows with them: peak RSS growth on a 512 MB
#: stream measured 43 MiB at 8 MiB x 2, 65 at x 3, 81 at x 4.
DEFAULT_PARALLEL: Final = 2
MAX_PARALLEL: Final = 64

#: Below this rate a chunk call is considered stalled (it bounds the total time of one
#: chunk attempt, in bytes per second).
_MIN_RATE: Final = 64 * 1024
#: The server may hold the final call up to 45 s while parked chunks are appended.
_FINAL_WAIT: Final = 90.0

#: What :func:`upload` reads: a path, the bytes, a binary file object, or an async
#: iterator of bytes.
UploadSource: TypeAlias = (
    "str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO | AsyncIterable[bytes]"
)
#: ``progress(bytes_sent, total)``; ``total`` is None when the source's size is unknown.
ProgressCallback: TypeAlias = Callable[[int, "int | None"], object]

# Entry statuses (wire values) after which the entry will never become READY.
_FAILED_STATUSES: Final = frozenset({"-2", "-1", "3", "virusScan.Infected"})
_READY: Final = "2"
_PENDING, _PARTIAL, _FULL = 0, 1, 2


# ---------------------------------------------------------------------------- readers


class _Reader(ABC):
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


class _BytesReader(_Reader):
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


class _FileReader(_Reader):
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


class _StreamReader(_Reader):
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


async def _open(source: Any) -> _Reader:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _BytesReader(source)
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
        reader = _FileReader(cast(BinaryIO, fh), owned=True)
        reader.name = path
        return reader
    if hasattr(source, "read"):
        if isinstance(source, io.TextIOBase):
            raise KalturaValidationError("open the file in binary mode", field="source")
        return _FileReader(source, owned=False)
    if isinstance(source, AsyncIterable):
        return _StreamReader(source)
    raise KalturaValidationError(
        "source must be a path, bytes, a binary file object or an async iterator of bytes, "
        f"got {type(source).__name__}",
        field="source",
    )


class _ChunkPart(FilePart):
    """One chunk as a multipart file part.

    Each attempt gets a fresh ``BytesIO`` over the chunk (no copy): aiohttp writes it in
    64 KiB pieces and waits for the socket between them, where plain bytes would be
    handed to the socket whole (a second copy of every chunk in the socket's buffer).
    """

    __slots__ = ()

    def payload(self) -> Any:
        return io.BytesIO(self.source)


def _base_name(name: str | None) -> str:
    """The base name of ``name``: the local directory never leaves this process."""
    if not name:
        return "file.bin"
    return os.path.basename(name.replace("\\", "/")) or "file.bin"


# ---------------------------------------------------------------------------- chunking


class _Chunker:
    """Cuts a reader into ``(offset, data, is_final)`` from ``start`` on.

    With a known size the final chunk is known by its offset; a stream is peeked after
    each chunk (one piece, not one chunk) to learn whether it ended.
    """

    def __init__(self, reader: _Reader, start: int, chunk_size: int) -> None:
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


# ---------------------------------------------------------------------------- upload


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f" and <= {high}" if high is not None else ""
        raise KalturaValidationError(f"{name} must be an int >= {low}{bound}", field=name)
    return value


def _chunk_timeout(base: Timeout | None, chunk_size: int) -> Timeout:
    """One chunk attempt: long enough for ``chunk_size`` at a slow rate, and for the
    server's wait on the final chunk; connect stays as configured."""
    base = base or Timeout()
    total = None if base.total is None else max(base.total, _FINAL_WAIT + chunk_size / _MIN_RATE)
    sock_read = None if base.sock_read is None else max(base.sock_read, _FINAL_WAIT)
    return Timeout(total=total, connect=base.connect, sock_read=sock_read)


class _Upload:
    """One upload to one token: sends the chunks and reports progress."""

    def __init__(
        self,
        client: KalturaClient,
        token_id: str,
        file_name: str,
        chunk_size: int,
        parallel: int,
        progress: ProgressCallback | None,
        total: int | None,
    ) -> None:
        self.client = client
        self.token_id = token_id
        self.file_name = file_name
        self.chunk_size = chunk_size
        self.parallel = parallel
        self.progress = progress
        self.total = total
        self.sent = 0
        self.timeout = _chunk_timeout(client.options.timeout, chunk_size)

    def _advance(self, n: int) -> None:
        self.sent += n
        if self.progress is not None:
            self.progress(self.sent, self.total)

    async def _send(
        self, offset: int, data: bytes, *, resume: bool, final: bool, uploadable: bool = True
    ) -> UploadToken:
        part = _ChunkPart("fileData", self.file_name, data)
        call = self.client.upload_token.upload(
            upload_token_id=self.token_id,
            # The generated FileData alias does not list FilePart; the transport takes it
            # as is, which is how the base name reaches the part.
            file_data=cast(Any, part),
            resume=resume,
            final_chunk=final,
            resume_at=float(offset) if resume else None,
        ).with_options(idempotent=True, timeout=self.timeout)
        waits = (self.client.options.retry or RetryPolicy()).delays()
        next(waits)
        while True:
            try:
                return await call
            except UploadTokenCannotMatchExpectedSizeError as err:
                if not final:
                    raise
                error: KalturaError = err
                retry_after = None
            except UploadTokenInvalidStatusError:
                # A final chunk whose answer was lost made the token FULL, and the resent
                # one (here or in the transport) meets a FULL token. Only a token we saw
                # open, now holding exactly our size, counts as done.
                if not (final and uploadable):
                    raise
                token = await self.client.upload_token.get(self.token_id)
                if token.status == _FULL and token.uploaded_file_size == offset + len(data):
                    return token
                raise
            except KalturaCommunicationError as err:
                error = err
                retry_after = getattr(err, "retry_after", None)
            wait = waits.send(retry_after)
            if wait is None:
                raise error
            logger.info(
                "upload token %s: resending the chunk at %d in %.2fs after %s",
                self.token_id,
                offset,
                wait,
                type(error).__name__,
            )
            await anyio.sleep(wait)

    async def _middle(self, slots: anyio.Semaphore, offset: int, data: bytes) -> None:
        try:
            await self._send(offset, data, resume=True, final=False)
        finally:
            slots.release()
        self._advance(len(data))

    async def run(self, reader: _Reader, start: int, uploadable: bool) -> UploadToken:
        self.sent = start
        if self.progress is not None:
            self.progress(self.sent, self.total)
        chunker = _Chunker(reader, start, self.chunk_size)
        offset, data, final = await chunker.next()
        resume = start > 0
        if not final:
            # The first chunk creates the token's file; the others may then race.
            await self._send(offset, data, resume=resume, final=False)
            self._advance(len(data))
            resume = True
            slots = anyio.Semaphore(self.parallel)
            try:
                async with anyio.create_task_group() as tg:
                    offset, data, final = await chunker.next()
                    while not final:
                        await slots.acquire()
                        tg.start_soon(self._middle, slots, offset, data)
                        offset, data, final = await chunker.next()
            except BaseExceptionGroup as group:
                from ._client import _first_error

                first = _first_error(group)
                if first is not None:
                    raise first from None
                raise
        token = await self._send(offset, data, resume=resume, final=True, uploadable=uploadable)
        self._advance(len(data))
        return token


async def upload(
    client: KalturaClient,
    source: UploadSource,
    *,
    file_name: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    parallel: int = DEFAULT_PARALLEL,
    progress: ProgressCallback | None = None,
    upload_token_id: str | None = None,
) -> UploadToken:
    """Upload ``source`` to a new upload token (or resume ``upload_token_id``) and return
    the token, in status FULL_UPLOAD. See :meth:`KalturaClient.upload`."""
    from .types.upload_token import UploadToken

    _check_int("chunk_size", chunk_size, 1)
    _check_int("parallel", parallel, 1, MAX_PARALLEL)
    if progress is not None and not callable(progress):
        raise KalturaValidationError("progress must be callable", field="progress")
    if upload_token_id is not None and (
        not isinstance(upload_token_id, str) or not upload_token_id
    ):
        raise KalturaValidationError(
            "upload_token_id must be a non-empty string", field="upload_token_id"
        )
    if file_name is not None and not isinstance(file_name, str):
        raise KalturaValidationError("file_name must be a string", field="file_name")
    reader = await _open(source)
    try:
        name = _base_name(file_name or reader.name)
        total = reader.total
        if upload_token_id is None:
            token = await client.upload_token.add(
                upload_token=UploadToken(
                    file_name=name, file_size=float(total) if total is not None else UNSET
                )
            )
            start = 0
        else:
            token = await client.upload_token.get(upload_token_id)
            start = int(token.uploaded_file_size or 0) if token.status != _PENDING else 0
            declared = token.file_size
            if total is not None and isinstance(declared, (int, float)) and declared != total:
                raise KalturaValidationError(
                    f"the token expects {int(declared)} bytes, the source has {total}",
                    field="source",
                )
            if total is not None and start > total:
                raise KalturaValidationError(
                    f"the token already holds {start} bytes, the source has {total}",
                    field="source",
                )
            await reader.skip(start)
        assert isinstance(token.id, str)
        job = _Upload(client, token.id, name, chunk_size, parallel, progress, total)
        return await job.run(reader, start, uploadable=token.status in (_PENDING, _PARTIAL))
    finally:
        await reader.aclose()


# ---------------------------------------------------------------------------- ingest


async def ingest(
    client: KalturaClient,
    source: UploadSource,
    entry: MediaEntry | None = None,
    *,
    wait_ready: bool = False,
    timeout: float = 3600.0,
    poll_interval: float = 2.0,
    **upload_kwargs: Any,
) -> MediaEntry:
    """Upload ``source``, then create the entry and attach the token in one multirequest.
    See :meth:`KalturaClient.ingest`."""
    from .enums.media_type import MediaType
    from .types.media_entry import MediaEntry
    from .types.uploaded_file_token_resource import UploadedFileTokenResource

    for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise KalturaValidationError(f"{name} must be a positive number", field=name)
    if entry is not None and not isinstance(entry, MediaEntry):
        raise KalturaValidationError("entry must be a MediaEntry", field="entry")
    token = await upload(client, source, **upload_kwargs)
    if entry is None:
        entry = MediaEntry(media_type=MediaType.VIDEO)
    if entry.name is UNSET:
        entry = attrs.evolve(entry, name=token.file_name)
    mr = client.multirequest()
    added = mr.add(client.media.add(entry=entry))
    content = mr.add(
        client.media.add_content(
            entry_id=added.id, resource=UploadedFileTokenResource(token=token.id)
        )
    )
    results = await mr.execute()
    results[added]  # the entry's own failure explains the attach failure best
    result: MediaEntry = results[content]
    if not wait_ready:
        return result
    assert isinstance(result.id, str)
    return await wait_until_ready(client, result.id, timeout=timeout, poll_interval=poll_interval)


async def wait_until_ready(
    client: KalturaClient, entry_id: str, *, timeout: float, poll_interval: float
) -> MediaEntry:
    """Poll ``media.get`` with a growing interval until the entry is READY.

    Raises :class:`EntryProcessingError` on a status that never leads to READY, and
    :class:`KalturaTimeoutError` when ``timeout`` seconds pass first.
    """
    deadline = anyio.current_time() + timeout
    interval = poll_interval
    while True:
        entry = await client.media.get(entry_id)
        status = str(getattr(entry.status, "value", entry.status))
        if status == _READY:
            return entry
        if status in _FAILED_STATUSES:
            raise EntryProcessingError(entry_id, entry.status)
        left = deadline - anyio.current_time()
        if left <= 0:
            raise KalturaTimeoutError(
                f"entry {entry_id} not READY after {timeout:g}s (status {status})",
                service="media",
                action="get",
            )
        await anyio.sleep(min(interval, left))
        # Conversions take seconds to hours: back off to spare the API, up to a minute.
        interval = min(interval * 1.5, 60.0)
