"""Render the generated packages' own files: the lazy ``__init__``s, the wire-name
registries, the client's typed service accessors and the ``FileData`` alias."""

from __future__ import annotations

import json

__all__ = [
    "accessors_module",
    "file_data_module",
    "file_head",
    "lazy_package_init",
    "literal",
    "registry_module",
]


def literal(text: str) -> str:
    """A double-quoted Python string literal."""
    return json.dumps(text, ensure_ascii=False)


def file_head(stamp: str, docstring: str) -> list[str]:
    return [stamp, f'"""{docstring}"""', "", "from __future__ import annotations", ""]


def lazy_package_init(stamp: str, docstring: str, exports: dict[str, str]) -> str:
    """A package ``__init__`` that imports ``{name: module}`` exports on first access."""
    names = sorted(exports)
    lines = [
        *file_head(stamp, docstring),
        "import importlib",
        "from typing import TYPE_CHECKING, Any",
        "",
        "if TYPE_CHECKING:",
        *[f"    from .{exports[n]} import {n} as {n}" for n in names],
        "",
        "__all__ = [",
        *[f"    {literal(n)}," for n in names],
        "]",
        "",
        "_MODULES: dict[str, str] = {",
        *[f"    {literal(n)}: {literal(exports[n])}," for n in names],
        "}",
        "",
        "",
        "def __getattr__(name: str) -> Any:",
        "    module = _MODULES.get(name)",
        "    if module is None:",
        '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
        '    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)',
        "    globals()[name] = value",
        "    return value",
        "",
        "",
        "def __dir__() -> list[str]:",
        "    return sorted({*globals(), *__all__})",
    ]
    return "\n".join(lines) + "\n"


def registry_module(
    stamp: str, docstring: str, var: str, comment: str, entries: dict[str, tuple[str, str]]
) -> str:
    """A module holding one ``{key: (module, class)}`` dict literal."""
    lines = [
        *file_head(stamp, docstring),
        f"__all__ = [{literal(var)}]",
        "",
        f"#: {comment}",
        f"{var}: dict[str, tuple[str, str]] = {{",
        *[
            f"    {literal(k)}: ({literal(m)}, {literal(c)}),"
            for k, (m, c) in sorted(entries.items())
        ],
        "}",
    ]
    return "\n".join(lines) + "\n"


def accessors_module(stamp: str, services: dict[str, tuple[str, str]]) -> str:
    """``ServiceAccessors``: typed service attributes for KalturaClient, resolved elsewhere."""
    items = sorted(services.values())
    lines = [
        *file_head(
            stamp,
            "Typed service attributes of the client (``client.media``, ``client.upload_token``).",
        ),
        "from typing import TYPE_CHECKING",
        "",
        "if TYPE_CHECKING:",
        *[f"    from .{module} import {cls}" for module, cls in items],
        "",
        '__all__ = ["ServiceAccessors"]',
        "",
        "",
        "class ServiceAccessors:",
        '    """Declares one attribute per service for type checkers only.',
        "",
        "    ``KalturaClient`` inherits it and creates each service on first access through",
        "    ``kaltura_async.services._registry.SERVICES``, so no service module is imported",
        "    before it is used.",
        '    """',
        "",
        "    __slots__ = ()",
        "",
        "    if TYPE_CHECKING:",
        *[f"        {module}: {cls}" for module, cls in items],
    ]
    return "\n".join(lines) + "\n"


def file_data_module(stamp: str) -> str:
    lines = [
        *file_head(stamp, "``FileData``: what a file parameter of a service method accepts."),
        "import os",
        "from collections.abc import AsyncIterable",
        "from typing import BinaryIO, TypeAlias",
        "",
        '__all__ = ["FileData"]',
        "",
        "#: The content of a multipart file parameter: the bytes themselves, a path to a local",
        "#: file (its base name becomes the part's file name), or a binary file object opened",
        "#: for reading, or an async iterator of bytes (streamed, so a call with one is not",
        "#: retried). The transport reads it; service methods only pass it along.",
        "FileData: TypeAlias = bytes | str | os.PathLike[str] | BinaryIO | AsyncIterable[bytes]",
    ]
    return "\n".join(lines) + "\n"
