"""Models across the queue: plain dicts made and read by the SDK's public converter.

A job's payload is JSON; a model in it (the entry to create, the filter of a scan) is
:mod:`kaltura_async.converter`'s unstructured form: wire names, ``objectType`` first, only
the fields that are set.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ..._model import KalturaObject

__all__ = ["from_plain", "to_plain"]

M = TypeVar("M", bound=KalturaObject)


def to_plain(obj: KalturaObject) -> dict[str, Any]:
    """``obj`` as a JSON-ready dict (:func:`kaltura_async.converter.unstructure`)."""
    from ...converter import unstructure

    plain: dict[str, Any] = unstructure(obj)
    return plain


def from_plain(data: Any, cls: type[M]) -> M:
    """A ``cls`` (or the subclass its ``objectType`` names) from :func:`to_plain`'s dict."""
    from ...converter import structure

    return structure(data, cls)
