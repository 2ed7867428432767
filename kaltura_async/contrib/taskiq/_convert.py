"""Models across the queue: plain dicts made and read by the SDK's cattrs converter.

A job's payload is JSON; a model in it (the entry to create, the filter of a scan) is the
converter's unstructured form, the same wire-named dict the transport sends, with its
``objectType``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from ..._model import KalturaObject

__all__ = ["from_plain", "to_plain"]

M = TypeVar("M", bound=KalturaObject)


def _converter() -> Any:
    from ..._codec import converter

    return converter


def to_plain(obj: KalturaObject) -> dict[str, Any]:
    """``obj`` as a JSON-ready dict of wire names (unset fields left out)."""
    plain: dict[str, Any] = _converter().unstructure(obj)
    return plain


def from_plain(data: Any, cls: type[M]) -> M:
    """A ``cls`` (or the subclass its ``objectType`` names) from :func:`to_plain`'s dict."""
    obj: M = _converter().structure(data, cls)
    return obj
