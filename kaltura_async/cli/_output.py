"""What the command line prints: results as JSON data or aligned tables, and progress."""

from __future__ import annotations

import enum
import importlib
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from .._codec import all_fields
from .._errors import KalturaValidationError
from .._model import UNSET, KalturaObject

__all__ = [
    "PlainProgress",
    "parse_assignments",
    "parse_value",
    "progress_bar",
    "render_table",
    "to_plain",
]


def parse_value(text: str) -> Any:
    """A ``key=value`` value: numbers and booleans as JSON scalars, a JSON string when quoted,
    anything else as the string itself."""
    if text in ("true", "false"):
        return text == "true"
    looks_numeric = text[:1].isdigit() or (text[:1] == "-" and text[1:2].isdigit())
    if looks_numeric or text.startswith('"'):
        try:
            value = json.loads(text)
        except ValueError:
            return text
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            return value
    return text


def parse_assignments(pairs: Sequence[str], *, raw: bool = False) -> dict[str, Any]:
    """``["filter.nameLike=demo", "pager.pageSize=5"]`` -> nested wire parameters
    (values as :func:`parse_value` reads them, or the text itself when ``raw``)."""
    params: dict[str, Any] = {}
    for number, pair in enumerate(pairs, 1):
        key, sep, text = pair.partition("=")
        if not sep or not key:  # the text is not echoed: it may be a misplaced secret
            problem = "has no '='" if not sep else "has an empty name"
            raise KalturaValidationError(
                f"expected key=value: parameter {number} {problem}", field=f"parameter {number}"
            )
        path = key.split(".")
        if any(not part for part in path):
            raise KalturaValidationError(f"empty name in {key!r}", field=key)
        node = params
        for depth, part in enumerate(path[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                where = ".".join(path[: depth + 1])
                raise KalturaValidationError(f"{where} is given both a value and fields", field=key)
            node = child
        if isinstance(node.get(path[-1]), dict) or path[-1] in node:
            raise KalturaValidationError(f"{key} is given twice", field=key)
        node[path[-1]] = text if raw else parse_value(text)
    return params


def to_plain(value: Any, *, names: bool = False) -> Any:
    """Decoded results as JSON data with wire names (``objectType`` included).

    ``names`` writes enum members as ``READY`` rather than their wire value (for reading)."""
    if isinstance(value, KalturaObject):
        out: dict[str, Any] = {}
        for attr, wire, _kind, _flags in all_fields(type(value)):
            item = getattr(value, attr)
            if item is not UNSET:
                out[wire] = to_plain(item, names=names)
        for wire, item in value.unknown_fields.items():
            out.setdefault(wire, to_plain(item, names=names))
        out["objectType"] = out.pop("objectType", type(value).__kaltura_object_type__)
        return out
    if isinstance(value, enum.Enum):
        return value.name if names else value.value
    if isinstance(value, Mapping):
        return {str(k): to_plain(v, names=names) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v, names=names) for v in value]
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


# Columns shown first for a list, when present; ``--columns all`` shows every field.
_PREFERRED = (
    "id",
    "name",
    "systemName",
    "status",
    "mediaType",
    "type",
    "userId",
    "fileName",
    "fileSize",
    "tags",
    "createdAt",
)
_DEFAULT_COLUMNS = 6
_CELL_WIDTH = 40
_WIDE_CELL = 120


def _cell(value: Any, width: int = _CELL_WIDTH) -> str:
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, bool | int | float):
        text = json.dumps(value)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _aligned(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )
    return lines


def _columns(items: Sequence[Mapping[str, Any]], wanted: str | None) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        for key in item:
            if key != "objectType":
                seen.setdefault(key, None)
    if wanted == "all":
        return list(seen)
    if wanted:
        cols = [c.strip() for c in wanted.split(",") if c.strip()]
        unknown = [c for c in cols if c not in seen]
        if unknown:
            from ._settings import UsageError

            raise UsageError(
                f"--columns: no column {', '.join(unknown)} in this result; "
                f"columns: {', '.join(seen) or '(none)'}",
                field="columns",
            )
        return cols
    preferred = [c for c in _PREFERRED if c in seen]
    scalar = [
        k
        for k in seen
        if k not in preferred and all(not isinstance(i.get(k), dict | list) for i in items)
    ]
    return (preferred + scalar)[: max(_DEFAULT_COLUMNS, len(preferred))]


def render_table(data: Any, *, columns: str | None = None) -> str:
    """A readable rendering of plain result data: lists as aligned columns, an object as
    ``field  value`` rows, a scalar as itself."""
    if isinstance(data, Mapping) and isinstance(data.get("objects"), list):
        objects = data["objects"]
        text = render_table(objects, columns=columns)
        if "totalCount" in data:
            text += f"\n({len(objects)} shown, totalCount {data['totalCount']})"
        return text
    if isinstance(data, list):
        if not data:
            return "(no results)"
        if all(isinstance(i, Mapping) for i in data):
            cols = _columns(data, columns)
            return "\n".join(_aligned(cols, [[_cell(i.get(c)) for c in cols] for i in data]))
        return "\n".join(_cell(i) for i in data)
    if isinstance(data, Mapping):
        rows = [[str(k), _cell(v, _WIDE_CELL)] for k, v in data.items()]
        return "\n".join(_aligned(["field", "value"], rows))
    if data is None:
        return "(no result)"
    return _cell(data) if not isinstance(data, str) else data


# ---------------------------------------------------------------------------- progress


class PlainProgress:
    """A one-line progress report for when tqdm is not installed."""

    def __init__(self, label: str, total: int, stream: TextIO) -> None:
        self._label = label
        self._total = total
        self._stream = stream
        self._tty = stream.isatty()
        self._last = -1

    def __call__(self, sent: int, total: int | None) -> None:
        total = total or self._total
        percent = 100 if total <= 0 else min(100, sent * 100 // total)
        if self._tty and percent != self._last:
            self._stream.write(f"\r{self._label}: {percent:3d}% ({sent:,} of {total:,} bytes)")
            self._stream.flush()
        self._last = percent

    def close(self) -> None:
        end = "\n" if self._tty else f"{self._label}: {self._total:,} bytes sent\n"
        self._stream.write(end)
        self._stream.flush()


class _TqdmProgress:
    def __init__(self, bar: Any) -> None:
        self._bar = bar

    def __call__(self, sent: int, total: int | None) -> None:
        if total and self._bar.total != total:
            self._bar.total = total
        self._bar.update(max(0, sent - self._bar.n))

    def close(self) -> None:
        self._bar.close()


def progress_bar(
    label: str, total: int, stream: TextIO | None = None
) -> PlainProgress | _TqdmProgress:
    """A ``progress(bytes_sent, total)`` callable with a ``close()``.

    tqdm (the ``cli`` extra) draws the bar: it is small, has no dependencies of its own and
    degrades by itself on a non-tty stream. Without it, one plain line is written.
    """
    out = stream if stream is not None else sys.stderr
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:
        return PlainProgress(label, total, out)
    return _TqdmProgress(
        tqdm(
            total=total,
            desc=label,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=out,
            leave=True,
        )
    )
