"""The multirequest algorithm (wire §4).

Numeric top-level keys are sub-requests (0- or 1-based); the run starts at min(1, smallest
key) and stops silently at the first index without service or action. Only ``ks``,
``partnerId`` and ``clientTag`` are inherited; ``format`` is dropped. Placeholders
``{N:result[:path]}`` (N the 1-based execution ordinal) are found once, before anything runs,
by the server's greedy regex, and replaced by plain substring replacement after call N; a
failed call, a missing path or a null gives ``""``; ``_all`` joins over a list with a trailing
comma.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ._casting import NULL, php_str
from ._errors import APIError
from ._params import build_tree

__all__ = ["run_multirequest", "sub_requests"]

_PLACEHOLDER = re.compile(r"\{([0-9]+):result:?(.*)?\}")
_INHERITED = ("ks", "partnerId", "clientTag")


@dataclass(slots=True)
class _Ref:
    container: dict[str, Any] | list[Any]
    key: Any
    ordinal: int
    path: str
    text: str


def sub_requests(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The sub-requests that will run, in order, with inherited parameters applied."""
    subs: dict[int, dict[str, Any]] = {}
    for key, value in params.items():
        if key.isdigit() and isinstance(value, dict):
            subs[int(key)] = value
    if not subs:
        return []
    ordered: list[dict[str, Any]] = []
    for index in range(min(1, min(subs)), max(subs) + 1):
        sub = subs.get(index)
        if sub is None or not sub.get("service") or not sub.get("action"):
            break
        request = build_tree(sub.items())
        for name in _INHERITED:
            if name not in request and name in params:
                request[name] = params[name]
        request.pop("format", None)
        ordered.append(request)
    return ordered


def _scan(node: dict[str, Any] | list[Any], refs: list[_Ref]) -> None:
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if isinstance(value, dict | list):
            _scan(value, refs)
        elif isinstance(value, str):
            match = _PLACEHOLDER.search(value)
            if match is not None:
                refs.append(
                    _Ref(node, key, int(match.group(1)), match.group(2) or "", match.group(0))
                )


def _as_text(value: Any) -> str:
    if value is None or value is NULL or isinstance(value, dict | list | APIError):
        return ""
    return php_str(value)


def _walk(value: Any, segments: list[str]) -> str:
    for i, seg in enumerate(segments):
        if seg == "_all" and isinstance(value, list):
            return "".join(_walk(item, segments[i + 1 :]) + "," for item in value)
        if isinstance(value, dict):
            value = value.get(seg)
        elif isinstance(value, list) and seg.isdigit() and int(seg) < len(value):
            value = value[int(seg)]
        else:
            return ""
    return _as_text(value)


def resolve(result: Any, path: str) -> str:
    if isinstance(result, APIError):
        return ""
    if not path:
        return _as_text(result)
    return _walk(result, path.split(":"))


async def run_multirequest(
    requests: list[dict[str, Any]], call: Callable[[dict[str, Any]], Awaitable[Any]]
) -> list[Any]:
    refs: list[list[_Ref]] = []
    for request in requests:
        found: list[_Ref] = []
        _scan(request, found)
        refs.append(found)
    results: list[Any] = []
    for ordinal, request in enumerate(requests, start=1):
        try:
            result = await call(request)
        except APIError as err:
            result = err
        results.append(result)
        for later in refs[ordinal:]:
            for ref in later:
                if ref.ordinal == ordinal:
                    current = ref.container[ref.key]
                    ref.container[ref.key] = current.replace(ref.text, resolve(result, ref.path))
    return results
