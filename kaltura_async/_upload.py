"""Chunked, resumable, parallel uploads through upload tokens.

The protocol (wire-protocol §6): a token is created, the first chunk is sent with
``resume=false, finalChunk=false`` (it replaces the token's file), the middle chunks with
``resume=true, resumeAt=offset`` up to ``parallel`` at once (the server parks a chunk that
arrives ahead of the bytes before it), and the last one with ``finalChunk=true``. A chunk is
idempotent by its offset, so a failed chunk is sent again by the transport, within the
call's :class:`~kaltura_async.RetryPolicy`; the final call is sent again on
``UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE`` (the server gave up waiting for parked chunks).
A chunk's body is streamed: a file's chunk is read in 1 MiB pieces while it is sent
(never held whole); a stream's or the caller's bytes are sent as the pieces they are.
Memory stays bounded by about ``(parallel + 1) * chunk_size`` for a stream (the chunks in
flight, the next one read meanwhile) and ``2 * parallel`` MiB for a file, whatever the
source's size.
Sources are read in ``_readers``; ``ingest`` (upload + entry) is in ``_ingest``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

import aiohttp
import anyio
import attrs

from ._checks import check_int
from ._config import RetryPolicy, Timeout
from ._errors import (
    KalturaValidationError,
    UploadTokenCannotMatchExpectedSizeError,
    UploadTokenInvalidStatusError,
)
from ._files import FilePart, base_name
from ._logging import logger
from ._model import UNSET
from ._readers import Body, Chunker, MiB, Reader, UploadSource, open_reader
from .enums.upload_token_status import UploadTokenStatus

if TYPE_CHECKING:
    from ._client import KalturaClient
    from .types.upload_token import UploadToken

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_PARALLEL",
    "FILE_CHUNK_SIZE",
    "MAX_PARALLEL",
    "ProgressCallback",
    "UploadSource",
    "upload",
]

#: Chunk size for a source whose chunks are held in memory while sent (an async iterable,
#: a file object read sequentially): memory grows as ``(parallel + 1)`` chunks, so 8 MiB.
#: Chosen from benchmarks/bench_upload.py on the emulator: every chunk costs the server a
#: request and an append; 8 MiB chunks at parallel 1 reached 0.83-1.17x of one raw request,
#: 4 MiB ones 0.43-0.90x.
DEFAULT_CHUNK_SIZE: Final = 8 * MiB
#: Chunk size for a disk file or bytes, whose chunks are streamed by position (memory stays
#: about ``2 x parallel`` MiB whatever the chunk size): fewer round trips keep the wire busy
#: at low parallelism. 128 MiB at parallel 1, ratio to one raw POST (medians of 7 rounds,
#: three runs): 8 MiB 0.82-1.07x, 16 MiB 0.84-1.22x, 32 MiB 0.91-1.27x, 64 MiB 0.95-1.27x;
#: 32 MiB keeps what a failed chunk sends again small.
FILE_CHUNK_SIZE: Final = 32 * MiB
#: Two chunks in flight hide most of the per-chunk round trip; 4 and 8 measured no faster
#: (the server is the bottleneck) while memory grows with them: peak RSS growth on a 512 MB
#: stream measured 43 MiB at 8 MiB x 2, 65 at x 3, 81 at x 4 (24 MiB at 8 MiB x 2 once a
#: stream's chunks were no longer joined into a copy).
DEFAULT_PARALLEL: Final = 2
MAX_PARALLEL: Final = 64

#: Below this rate a chunk call is considered stalled (it bounds the total time of one
#: chunk attempt, in bytes per second).
_MIN_RATE: Final = 64 * 1024
#: The server may hold the final call up to 45 s while parked chunks are appended.
_FINAL_WAIT: Final = 90.0

#: ``progress(bytes_sent, total)``; ``total`` is None when the source's size is unknown.
ProgressCallback: TypeAlias = Callable[[int, "int | None"], object]

_PENDING, _PARTIAL, _FULL = (
    UploadTokenStatus.PENDING,
    UploadTokenStatus.PARTIAL_UPLOAD,
    UploadTokenStatus.FULL_UPLOAD,
)


class _BodyPayload(aiohttp.payload.Payload):
    """A chunk's :class:`Body` as an aiohttp payload of known size (so the request has a
    ``Content-Length``): its pieces are written as they come, each waiting for the
    socket to drain, so no chunk is ever copied whole into memory or the socket buffer."""

    _value: Body

    def __init__(self, body: Body, content_type: str) -> None:
        super().__init__(body, content_type=content_type)
        self._size = body.size

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        raise TypeError("a chunk body is binary")

    async def write(self, writer: Any) -> None:
        async for piece in self._value.pieces():
            await writer.write(piece)


class _ChunkPart(FilePart):
    """One chunk as a multipart file part; every attempt writes the body again whole."""

    __slots__ = ()

    @property
    def replayable(self) -> bool:
        return True

    def payload(self) -> Any:
        return _BodyPayload(self.source, self.content_type)


# ---------------------------------------------------------------------------- chunking


# ---------------------------------------------------------------------------- upload


def _chunk_timeout(base: Timeout | None, chunk_size: int) -> Timeout:
    """One chunk attempt: long enough for ``chunk_size`` at a slow rate, and for the
    server's wait on the final chunk; connect stays as configured. A total of minutes
    would let a stalled server hold a chunk that long, so a chunk also gets a read
    timeout of at least the final chunk's wait (unless every timeout is off)."""
    base = base or Timeout()
    total = None if base.total is None else max(base.total, _FINAL_WAIT + chunk_size / _MIN_RATE)
    if base.sock_read is not None:
        sock_read: float | None = max(base.sock_read, _FINAL_WAIT)
    else:
        sock_read = None if total is None else _FINAL_WAIT
    return Timeout(total=total, connect=base.connect, sock_read=sock_read)


def _chunk_retry(base: RetryPolicy | None, timeout: Timeout) -> RetryPolicy:
    """The client's policy, with a deadline that leaves room for one whole chunk attempt
    (the deadline caps the attempt in flight, and a chunk may take longer than a call)."""
    base = base or RetryPolicy()
    if base.deadline is None or timeout.total is None or base.deadline >= timeout.total:
        return base
    return attrs.evolve(base, deadline=timeout.total)


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
        self.retry = _chunk_retry(client.options.retry, self.timeout)

    def _advance(self, n: int) -> None:
        self.sent += n
        if self.progress is not None:
            self.progress(self.sent, self.total)

    async def _send(
        self, offset: int, data: Body, *, resume: bool, final: bool, uploadable: bool = True
    ) -> UploadToken:
        """Send one chunk. Its HTTP attempts are the transport's, within the client's
        retry policy (a chunk is idempotent by its offset, so every failure kind may be
        sent again); nothing here sends the same request again after a failed attempt."""
        part = _ChunkPart("fileData", self.file_name, data)
        call = self.client.upload_token.upload(
            upload_token_id=self.token_id,
            # The generated FileData alias does not list FilePart; the transport takes it
            # as is, which is how the base name reaches the part.
            file_data=cast(Any, part),
            resume=resume,
            final_chunk=final,
            resume_at=float(offset) if resume else None,
        ).with_options(idempotent=True, timeout=self.timeout, retry=self.retry)
        waits = None
        while True:
            try:
                return await call
            except UploadTokenCannotMatchExpectedSizeError:
                # The server answered (so no HTTP attempt failed): it waited for parked
                # chunks and gave up. The final call may be made again (wire §6), as often
                # as the policy allows retries, after its waits.
                if not final:
                    raise
                if waits is None:
                    waits = self.retry.delays()
                    next(waits)
                wait = waits.send(None)
                if wait is None:
                    raise
                logger.info(
                    "upload token %s: the server is still appending parked chunks; "
                    "final call again in %.2fs",
                    self.token_id,
                    wait,
                )
                await anyio.sleep(wait)
            except UploadTokenInvalidStatusError:
                # A final chunk whose answer was lost made the token FULL, and the resent
                # one (by the transport) meets a FULL token. Only a token we saw open, now
                # holding exactly our size, counts as done.
                if not (final and uploadable):
                    raise
                token = await self.client.upload_token.get(self.token_id)
                if token.status == _FULL and token.uploaded_file_size == offset + data.size:
                    return token
                raise

    async def _first(self, done: anyio.Event, offset: int, data: Body, resume: bool) -> None:
        await self._send(offset, data, resume=resume, final=False)
        self._advance(data.size)
        done.set()

    async def _middle(self, slots: anyio.Semaphore, offset: int, data: Body) -> None:
        try:
            await self._send(offset, data, resume=True, final=False)
        finally:
            slots.release()
        self._advance(data.size)

    async def run(self, reader: Reader, start: int, uploadable: bool) -> UploadToken:
        self.sent = start
        if self.progress is not None:
            self.progress(self.sent, self.total)
        chunker = Chunker(reader, start, self.chunk_size)
        offset, data, final = await chunker.next()
        resume = start > 0
        if not final:
            slots = anyio.Semaphore(self.parallel)
            try:
                async with anyio.create_task_group() as tg:
                    # The first chunk creates the token's file (the others may race only
                    # once it is in); the next chunk is read while it is sent.
                    opened = anyio.Event()
                    tg.start_soon(self._first, opened, offset, data, resume)
                    offset, data, final = await chunker.next()
                    await opened.wait()
                    resume = True
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
        self._advance(data.size)
        return token


async def upload(
    client: KalturaClient,
    source: UploadSource,
    *,
    file_name: str | None = None,
    chunk_size: int | None = None,
    parallel: int = DEFAULT_PARALLEL,
    progress: ProgressCallback | None = None,
    upload_token_id: str | None = None,
) -> UploadToken:
    """Upload ``source`` to a new upload token (or resume ``upload_token_id``) and return
    the token, in status FULL_UPLOAD. See :meth:`KalturaClient.upload`. ``chunk_size``
    None: :data:`FILE_CHUNK_SIZE` for a disk file or bytes, :data:`DEFAULT_CHUNK_SIZE`
    for a source whose chunks are held in memory."""
    from .types.upload_token import UploadToken

    if chunk_size is not None:
        check_int(chunk_size, "chunk_size", low=1)
    check_int(parallel, "parallel", low=1, high=MAX_PARALLEL)
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
    reader = await open_reader(source)
    if chunk_size is None:
        chunk_size = DEFAULT_CHUNK_SIZE if reader.holds_chunks else FILE_CHUNK_SIZE
    try:
        name = base_name(file_name or reader.name)
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
