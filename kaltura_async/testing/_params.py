"""Turn an HTTP request into the server's parameter tree: body, files, then URL (URL wins).

Rules (wire-protocol §1, §2.1, §2.4): a JSON body only when Content-Type is exactly
``application/json`` and the trimmed body is a non-empty object; multipart takes its ``json``
field as the parameters when there is one, else its plain fields, and file parts always stream
to temporary files; form-urlencoded bodies use colon and bracket notation; every top-level key
is split on ``:``; a final ``-`` segment makes an empty array; URL query and path pairs win.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from aiohttp import BodyPartReader, web

__all__ = ["UploadedFile", "build_tree", "path_params", "read_params", "set_path", "split_key"]

_BRACKETS = re.compile(r"\[([^\]]*)\]")
_CHUNK = 1 << 20


@dataclass(slots=True)
class UploadedFile:
    """A multipart file part, already written to ``path`` on disk."""

    path: str
    filename: str
    size: int
    content_type: str
    taken: bool = False

    def take(self) -> str:
        """Hand the file over to a new owner (an upload token): ``discard`` leaves it alone."""
        self.taken = True
        return self.path

    def discard(self) -> None:
        if self.taken:
            return
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def split_key(key: str) -> list[str]:
    """``a:b[c][d]`` -> ``[a, b, c, d]`` (PHP brackets first, then the server's colon split)."""
    bracket_at = key.find("[")
    if bracket_at > 0 and key.endswith("]"):
        base, rest = key[:bracket_at], key[bracket_at:]
        return [*base.split(":"), *_BRACKETS.findall(rest)]
    return key.split(":")


def set_path(tree: dict[str, Any], path: list[str], value: Any) -> None:
    """Assign like PHP: later keys overwrite, ``""`` appends, a final ``-`` means ``[]``."""
    if path and path[-1] == "-" and len(path) > 1:
        path, value = path[:-1], []
    node = tree
    for seg in path[:-1]:
        if seg == "":
            seg = str(len(node))
        child = node.get(seg)
        if not isinstance(child, dict):
            child = {}
            node[seg] = child
        node = child
    last = path[-1]
    if last == "":
        last = str(len(node))
    node[last] = value


def build_tree(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key, value in pairs:
        set_path(tree, split_key(key), value)
    return tree


def _replace_recursive(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        current = base.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _replace_recursive(current, value)
        else:
            base[key] = value


def path_params(tail: str) -> list[tuple[str, str]]:
    """Key/value pairs from the path after ``/api_v3`` (``/service/media/action/get/...``)."""
    if tail.startswith("/index.php"):
        tail = tail[len("/index.php") :]
    segments = [unquote(s) for s in tail.split("/") if s]
    return [(segments[i], segments[i + 1]) for i in range(0, len(segments) - 1, 2)]


def _json_object(text: str) -> dict[str, Any] | None:
    text = text.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data else None


async def read_params(
    request: web.Request,
    tail: str,
    tmpdir: str,
    on_filename: Callable[[str], None],
) -> tuple[dict[str, Any], list[UploadedFile]]:
    """Parse the whole request; returns the merged tree and every file part received."""
    body: dict[str, Any] = {}
    files_tree: dict[str, Any] = {}
    files: list[UploadedFile] = []
    ctype = request.headers.get("Content-Type", "")
    lowered = ctype.lower()
    if request.body_exists:
        if lowered == "application/json":
            data = _json_object((await request.read()).decode("utf-8", "ignore"))
            if data is not None:
                body = build_tree(data.items())
        elif lowered.startswith("multipart/form-data"):
            body = await _read_multipart(request, tmpdir, on_filename, files, files_tree)
        elif lowered.startswith("application/x-www-form-urlencoded"):
            text = (await request.read()).decode("utf-8", "ignore")
            body = build_tree(parse_qsl(text, keep_blank_values=True))
        else:
            await request.read()
    url_pairs = [*request.query.items(), *path_params(tail)]
    if files_tree:
        _replace_recursive(body, files_tree)
    if url_pairs:
        _replace_recursive(body, build_tree(url_pairs))
    return body, files


async def _read_multipart(
    request: web.Request,
    tmpdir: str,
    on_filename: Callable[[str], None],
    files: list[UploadedFile],
    files_tree: dict[str, Any],
) -> dict[str, Any]:
    fields: list[tuple[str, str]] = []
    json_params: dict[str, Any] | None = None
    reader = await request.multipart()
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            on_filename(part.filename)
            fd, path = tempfile.mkstemp(dir=tmpdir, prefix="part-")
            size = 0
            with os.fdopen(fd, "wb") as fh:
                while chunk := await part.read_chunk(_CHUNK):
                    fh.write(chunk)
                    size += len(chunk)
            uploaded = UploadedFile(path, part.filename, size, part.headers.get("Content-Type", ""))
            files.append(uploaded)
            set_path(files_tree, split_key(part.name), uploaded)
            continue
        text = (await part.read(decode=True)).decode("utf-8", "ignore")
        if part.name == "json" and json_params is None:
            json_params = _json_object(text)
            if json_params is not None:
                continue
        fields.append((part.name, text))
    if json_params is not None:
        return build_tree(json_params.items())
    return build_tree(fields)
