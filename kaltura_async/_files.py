"""Multipart file arguments: a field name, a base file name, and a source that can be
sent again (a path is reopened, a file object rewound) when the transport retries."""

from __future__ import annotations

import copy
import io
import os
from collections.abc import AsyncIterable
from typing import Any

from ._errors import KalturaValidationError

__all__ = ["FilePart", "base_name", "file_part"]


class FilePart:
    """One multipart file: a field name, a base file name and a replayable source."""

    __slots__ = ("_start", "content_type", "field", "filename", "source")

    def __init__(
        self, field: str, filename: str, source: Any, content_type: str = "application/octet-stream"
    ) -> None:
        self.field = field
        self.filename = filename
        self.source = source
        self.content_type = content_type
        # A file object is replayed from where it stood when the call was made.
        self._start: int | None = source.tell() if _seekable(source) else None

    def renamed(self, field: str) -> FilePart:
        """This part under another field name (a batch numbers its calls' fields)."""
        part = copy.copy(self)
        part.field = field
        return part

    @property
    def replayable(self) -> bool:
        """Whether the part can be sent again on a retry."""
        return (
            isinstance(self.source, (bytes, bytearray, memoryview, str, os.PathLike))
            or self._start is not None
        )

    def payload(self) -> Any:
        """What aiohttp sends for this attempt (a fresh reader for paths, rewound files)."""
        src = self.source
        if isinstance(src, (str, os.PathLike)):
            return open(src, "rb")
        if self._start is not None:
            src.seek(self._start)
        if isinstance(src, memoryview):
            return bytes(src)
        return src


def _seekable(source: Any) -> bool:
    if isinstance(source, (bytes, bytearray, memoryview, str, os.PathLike)):
        return False
    try:
        return bool(source.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def file_part(field: str, value: Any, file_name: str | None = None) -> FilePart:
    """Validate a file argument and wrap it; the part's filename is a base name only."""
    if isinstance(value, FilePart):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        name = file_name or "file.bin"
    elif isinstance(value, (str, os.PathLike)):
        path = os.fspath(value)
        if not os.path.isfile(path):
            raise KalturaValidationError(f"{field}: no such file {path!r}", field=field)
        name = file_name or os.path.basename(path)
    elif hasattr(value, "read"):
        if isinstance(value, io.TextIOBase):
            raise KalturaValidationError(f"{field}: open the file in binary mode", field=field)
        raw_name = getattr(value, "name", None)
        name = file_name or (
            os.path.basename(raw_name) if isinstance(raw_name, str) else "file.bin"
        )
    elif isinstance(value, AsyncIterable):
        name = file_name or "file.bin"
    else:
        raise KalturaValidationError(
            f"{field}: expected bytes, a path, a binary file or an async iterator of bytes, "
            f"got {type(value).__name__}",
            field=field,
        )
    return FilePart(field, base_name(name), value)


def base_name(name: str | None) -> str:
    """The base name of ``name`` (either separator): a local directory never leaves this
    process; ``file.bin`` when nothing is left."""
    if not name:
        return "file.bin"
    return os.path.basename(name.replace("\\", "/")) or "file.bin"
