"""Serialize results like the server: format=1 JSON and format=2 XML (wire §3).

JSON: object keys in class order (most-derived class first), nulls dropped, ``objectType``
last; empty arrays and maps ``[]``; scalars bare; void ``null``; ``/`` escaped as ``\\/`` like
PHP. XML: ``<xml><result>...</result><executionTime>...</executionTime></xml>`` with
``objectType`` first in each object, ``<item>`` for array elements, ``1``/``0`` for booleans and
errors as ``<error>`` elements; that is what the official XML-only client reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import msgspec

from ._casting import NULL
from ._errors import APIError
from ._schema import schema

__all__ = ["FileBody", "render_json", "render_xml", "to_wire"]


@dataclass(frozen=True, slots=True)
class FileBody:
    """The result of an action declared ``@return file`` (``data.serve``): raw bytes sent as
    they are, whatever ``format`` asked, with ``Content-Disposition: attachment`` when the
    server names the file (``KalturaBaseService::dumpFile``)."""

    content: bytes
    content_type: str = "text/plain"
    filename: str | None = None


_orders: dict[str, tuple[str, ...] | None] = {}


def _order(cls: str) -> tuple[str, ...] | None:
    if cls not in _orders:
        sch = schema()
        _orders[cls] = tuple(sch.properties(cls)) if sch.has_class(cls) else None
    return _orders[cls]


_present: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}


def _present_order(cls: str, order: tuple[str, ...], keys: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of an object that are properties of its class, in class order.

    Objects of one class mostly hold the same keys, so the answer is cached per key tuple:
    rendering a 500-entry page then reads each entry's ~30 keys, not its class's ~100.
    """
    found = _present.get((cls, keys))
    if found is None:
        have = set(keys)
        found = tuple(k for k in order if k in have)
        if len(_present) < 4096:
            _present[(cls, keys)] = found
    return found


def to_wire(value: Any) -> Any:
    """The JSON-ready form of a result value."""
    if isinstance(value, dict):
        cls = value.get("objectType")
        if cls is None:
            if not value:
                return []
            return {k: to_wire(v) for k, v in value.items() if v is not None and v is not NULL}
        order = _order(cls)
        if order is None:
            return {k: to_wire(v) for k, v in value.items() if v is not None}
        out: dict[str, Any] = {}
        for key in _present_order(cls, order, tuple(value)):
            v = value[key]
            if v is None or v is NULL:
                continue
            kind = type(v)
            out[key] = to_wire(v) if kind is dict or kind is list else v
        related = value.get("relatedObjects")
        if related and "relatedObjects" not in order:
            out["relatedObjects"] = to_wire(related)
        out["objectType"] = cls
        return out
    if isinstance(value, list):
        return [to_wire(v) for v in value]
    if isinstance(value, APIError):
        return value.to_wire()
    if isinstance(value, FileBody):
        return value.content.decode("utf-8", "replace")
    return value


_encode = msgspec.json.Encoder(enc_hook=to_wire).encode


def render_json(value: Any, *, wire: bool = False) -> bytes:
    """The JSON body; ``wire=True`` when ``value`` is already :func:`to_wire`'s output (errors
    inside it are still converted).

    Like PHP's ``json_encode``: compact, ``/`` escaped as ``\\/``, non-ASCII escaped as
    ``\\uXXXX``. msgspec writes the body when it is pure ASCII (most are, and it is several
    times faster); anything else goes through ``json.dumps``, which escapes like PHP.
    """
    if not wire:
        value = to_wire(value)
    try:
        raw = _encode(value)
    except (TypeError, ValueError, OverflowError):
        raw = b"\x80"  # not ASCII: take the json.dumps path
    if raw.isascii():
        return raw.replace(b"/", b"\\/")
    text = json.dumps(value, separators=(",", ":"), default=to_wire)
    return text.replace("/", "\\/").encode()


def _xml(value: Any) -> str:
    if value is None or value is NULL:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, APIError):
        return _xml_error(value)
    if isinstance(value, dict):
        cls = value.get("objectType")
        if cls is None:
            return "".join(
                f"<item><itemKey>{escape(str(k))}</itemKey>{_xml(v)}</item>"
                for k, v in value.items()
            )
        parts = [f"<objectType>{escape(cls)}</objectType>"]
        order = _order(cls) or tuple(k for k in value if k != "objectType")
        for key in order:
            v = value.get(key)
            if v is not None and v is not NULL:
                parts.append(f"<{key}>{_xml(v)}</{key}>")
        if value.get("relatedObjects") and "relatedObjects" not in order:
            parts.append(f"<relatedObjects>{_xml(value['relatedObjects'])}</relatedObjects>")
        return "".join(parts)
    if isinstance(value, list):
        return "".join(f"<item>{_xml(v)}</item>" for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return escape(str(value))


def _xml_error(err: APIError) -> str:
    args = "".join(
        "<item><objectType>KalturaApiExceptionArg</objectType>"
        f"<name>{escape(k)}</name><value>{escape(v)}</value></item>"
        for k, v in err.args_map.items()
    )
    return (
        "<error><objectType>KalturaAPIException</objectType>"
        f"<code>{escape(err.code)}</code><message>{escape(err.message)}</message>"
        f"<args>{args}</args></error>"
    )


def render_xml(value: Any, execution_time: float, multi: bool = False) -> bytes:
    body = "".join(f"<item>{_xml(v)}</item>" for v in value) if multi else _xml(value)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"<xml><result>{body}</result><executionTime>{execution_time:.6f}</executionTime></xml>"
    ).encode()
