"""Upload tokens and their bytes on disk: replace, append, offset writes, pending chunks (§6).

Every chunk arrives as a temporary file (the request parser streams parts to disk), so no upload
is ever held whole in memory. The token does not copy it: it adopts the chunk's file as the next
extent of its content, a list of ``(file, start, length)`` pieces (writing at offset k cuts the
content to k and appends the chunk), so a chunked upload moves each byte once, as a single
request does. A chunk sent ahead of the bytes before it is parked under its offset and adopted
once the content reaches it. A final chunk at offset k waits (bounded by ``final_chunk_wait``)
for the content to reach ``k + len(chunk)``, else fails with
UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ._errors import api_error
from ._params import UploadedFile
from ._state import State

__all__ = [
    "PENDING",
    "PARTIAL",
    "FULL",
    "CLOSED",
    "DELETED",
    "LegacyUpload",
    "Token",
    "UploadStore",
]

PENDING, PARTIAL, FULL, CLOSED, TIMED_OUT, DELETED, ERROR = 0, 1, 2, 3, 4, 5, 6
MAX_RESUME_SECONDS = 7 * 24 * 3600
MAX_PENDING_CHUNKS = 1000
_BLOCK = 1 << 16


@dataclass(slots=True)
class Extent:
    """``length`` bytes of the token's content, read from ``path`` at ``start``."""

    path: str
    start: int
    length: int


@dataclass(eq=False)
class Token:
    obj: dict[str, Any]
    #: the content, in order; None until a first chunk starts it (resume needs one)
    extents: list[Extent] | None = None
    size: int = 0
    pending: dict[int, tuple[str, int]] = field(default_factory=dict)
    cond: asyncio.Condition = field(default_factory=asyncio.Condition)
    partial_since: float | None = None
    waiting_entry: str | None = None

    @property
    def id(self) -> str:
        return str(self.obj["id"])

    @property
    def status(self) -> int:
        return int(self.obj["status"])


_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


@dataclass(eq=False)
class LegacyUpload:
    """A file sent whole by ``media.upload`` / ``baseEntry.upload``, waiting to be used once."""

    token: str
    path: str
    size: int
    user_id: str


class UploadStore:
    def __init__(
        self,
        state: State,
        tmpdir: str,
        final_chunk_wait: float,
        on_full: Callable[[Token], None],
    ) -> None:
        self.state = state
        self.tmpdir = tmpdir
        self.final_chunk_wait = final_chunk_wait
        self.on_full = on_full
        self.tokens: dict[str, Token] = {}
        self.legacy: dict[str, LegacyUpload] = {}

    def reset(self) -> None:
        for token in self.tokens.values():
            self._drop_files(token)
        self.tokens.clear()
        for upload in self.legacy.values():
            _unlink(upload.path)
        self.legacy.clear()

    def add_legacy(self, chunk: UploadedFile, user_id: str) -> str:
        """Keep a whole file sent by the one-call upload; returns its token string.

        The server names it ``{ks unique string}_{20 base36}.{extension of the part's
        filename}`` (``MediaService::uploadAction``); the emulator draws the first part at
        random rather than deriving anything from the KS.
        """
        if not chunk.filename:
            raise api_error("UPLOAD_ERROR")
        rng = self.state.rng
        unique = "".join(rng.choices("0123456789abcdef", k=7))
        body = "".join(rng.choices(_BASE36, k=20))
        ext = os.path.splitext(chunk.filename)[1]
        token = f"{unique}_{body}{ext if ext else '.'}"
        self.legacy[token] = LegacyUpload(token, chunk.take(), chunk.size, user_id)
        return token

    def take_legacy(self, token: str) -> LegacyUpload | None:
        """The one-call upload stored under ``token``, removed: its file is used once."""
        if "/" in token or "\\" in token:
            raise api_error("INVALID_UPLOAD_TOKEN_ID")
        upload = self.legacy.pop(token, None)
        if upload is not None:
            _unlink(upload.path)
        return upload

    def _drop_files(self, token: Token) -> None:
        paths = {p for p, _ in token.pending.values()}
        paths.update(e.path for e in token.extents or ())
        for path in paths:
            _unlink(path)
        token.pending.clear()
        token.extents = None
        token.size = 0

    def add(self, obj: dict[str, Any], user_id: str) -> Token:
        if obj.get("autoFinalize") == 1 and not obj.get("fileSize"):
            raise api_error("UPLOAD_TOKEN_MISSING_FILE_SIZE")
        now = self.state.now()
        obj = {k: v for k, v in obj.items() if not k.endswith("__null")}
        obj.update(
            id=self.state.hex_id(),
            partnerId=self.state.config.partner_id,
            userId=user_id,
            status=PENDING,
            uploadedFileSize=0,
            createdAt=now,
            updatedAt=now,
            objectType="KalturaUploadToken",
        )
        token = Token(obj)
        self.tokens[token.id] = token
        return token

    def get(self, token_id: str, user_id: str | None) -> Token:
        """The token, or UPLOAD_TOKEN_NOT_FOUND; a user_id limits it to that owner's tokens."""
        token = self.tokens.get(token_id)
        if token is None or (user_id is not None and token.obj.get("userId") != user_id):
            raise api_error("UPLOAD_TOKEN_NOT_FOUND")
        return token

    def delete(self, token: Token) -> None:
        self._drop_files(token)
        self._set_status(token, DELETED)

    def _set_status(self, token: Token, status: int) -> None:
        token.obj["status"] = status
        token.obj["uploadedFileSize"] = token.size
        token.obj["updatedAt"] = self.state.now()
        if status == PARTIAL and token.partial_since is None:
            token.partial_since = time.monotonic()

    def _park(self, token: Token, offset: int, chunk: UploadedFile) -> None:
        if len(token.pending) >= MAX_PENDING_CHUNKS:
            self._set_status(token, ERROR)
            raise api_error("MAX_ALLOWED_CHUNK_COUNT_EXCEEDED")
        old = token.pending.pop(offset, None)
        if old is not None:
            _unlink(old[0])
        token.pending[offset] = (chunk.take(), chunk.size)

    def _write_at(self, token: Token, offset: int, path: str, size: int) -> None:
        """The content becomes its first ``offset`` bytes followed by the file at ``path``."""
        extents = token.extents if token.extents is not None else []
        kept: list[Extent] = []
        at = 0
        for extent in extents:
            if at >= offset:
                if not any(e.path == extent.path for e in kept):
                    _unlink(extent.path)
                continue
            if at + extent.length > offset:
                extent = Extent(extent.path, extent.start, offset - at)
            kept.append(extent)
            at += extent.length
        kept.append(Extent(path, 0, size))
        token.extents = kept
        token.size = offset + size

    def _drain(self, token: Token) -> None:
        """Write every parked chunk the file has reached, until none fits."""
        progress = True
        while progress and token.pending:
            progress = False
            for offset in sorted(token.pending):
                path, size = token.pending[offset]
                if offset > token.size:
                    continue
                del token.pending[offset]
                if offset + size > token.size:
                    self._write_at(token, offset, path, size)
                else:
                    _unlink(path)
                progress = True

    def _maybe_auto_finalize(self, token: Token) -> bool:
        file_size = token.obj.get("fileSize")
        return bool(
            token.obj.get("autoFinalize") == 1 and file_size and token.size >= int(file_size)
        )

    async def upload(
        self,
        token: Token,
        chunk: UploadedFile,
        resume: bool,
        final_chunk: bool,
        resume_at: float,
    ) -> dict[str, Any]:
        if token.status not in (PENDING, PARTIAL):
            raise api_error("UPLOAD_TOKEN_INVALID_STATUS_FOR_UPLOAD")
        if (
            token.partial_since is not None
            and time.monotonic() - token.partial_since > MAX_RESUME_SECONDS
        ):
            raise api_error("UPLOAD_PASSED_MAX_RESUME_TIME_ALLOWED", MAX_RESUME_SECONDS)
        if not chunk.filename:
            raise api_error("UPLOAD_ERROR")
        async with token.cond:
            offset = int(resume_at)
            if not resume:
                self._drop_files(token)
                self._write_at(token, 0, chunk.take(), chunk.size)
                status = FULL if final_chunk else PARTIAL
            elif token.extents is None:
                raise api_error("UPLOAD_TOKEN_CANNOT_RESUME")
            elif offset < 0:
                self._write_at(token, token.size, chunk.take(), chunk.size)
                self._drain(token)
                status = FULL if final_chunk else PARTIAL
            elif not final_chunk or offset == 0:
                if chunk.size == 0 and offset > 0:
                    return token.obj
                self._park(token, offset, chunk)
                self._drain(token)
                status = FULL if final_chunk else PARTIAL
            else:
                status = await self._final_at(token, offset, chunk)
            if self._maybe_auto_finalize(token):
                status = FULL
            self._set_status(token, status)
            token.cond.notify_all()
        if status == FULL:
            self.on_full(token)
        return token.obj

    async def _final_at(self, token: Token, offset: int, chunk: UploadedFile) -> int:
        expected = offset + chunk.size
        self._park(token, offset, chunk)
        self._drain(token)
        deadline = time.monotonic() + self.final_chunk_wait
        while token.size != expected and not self._maybe_auto_finalize(token):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(token.cond.wait(), remaining)
            except TimeoutError:
                break
            self._drain(token)
        if token.size != expected and not self._maybe_auto_finalize(token):
            parked = token.pending.pop(offset, None)
            if parked is not None:
                os.unlink(parked[0])
            raise api_error("UPLOAD_TOKEN_CANNOT_MATCH_EXPECTED_SIZE")
        return FULL

    def _blocks(self, token_id: str) -> Iterator[bytes]:
        for extent in self.tokens[token_id].extents or ():
            with open(extent.path, "rb") as fh:
                fh.seek(extent.start)
                left = extent.length
                while left > 0 and (block := fh.read(min(_BLOCK, left))):
                    left -= len(block)
                    yield block

    def read_bytes(self, token_id: str) -> bytes:
        return b"".join(self._blocks(token_id))

    def sha256(self, token_id: str) -> str:
        digest = hashlib.sha256()
        for block in self._blocks(token_id):
            digest.update(block)
        return digest.hexdigest()
