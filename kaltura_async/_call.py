"""Call[T]: one service action with its arguments, options and declared result type.

Generated services build calls; nothing here does I/O until the call is awaited (or added
to a batch). A generated service module looks like::

    _GET = ActionSpec("media", "get", (("entryId", Kind.STR), ("version", Kind.INT)),
                      Kind.obj("KalturaMediaEntry"), safe=True)

    class MediaService(Service):
        def get(self, entry_id: str, version: int | None = None) -> Call[MediaEntry]:
            return Call(self._client, _GET, {"entryId": entry_id, "version": version})
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ._kind import Kind
from ._pipeline import run

if TYPE_CHECKING:
    from ._client import KalturaClient
    from ._config import RequestOptions

__all__ = ["SAFE_VERBS", "ActionSpec", "Call", "Service", "is_safe_action"]

T = TypeVar("T")

#: The one safe-to-retry rule, used by the generator for every schema action and by
#: ``client.call`` for untyped ones. An action is safe when it serves a file (its result
#: is a GET URL) or when the first word of its camelCase name says it only reads, and it
#: is not one of the reads with a side effect in ``_UNSAFE_READS``. Every write (add,
#: update, delete, upload, clone, export, execute, generate, ...) is unsafe, so a lost
#: response is never answered by sending the request again.
SAFE_VERBS = frozenset({"get", "list", "count", "search", "serve", "is", "check", "ping"})
#: ``dropFolder.getExclusiveDropFolder`` hands a folder to one caller: a lock, not a read.
_UNSAFE_READS = frozenset({"getExclusiveDropFolder"})


def _first_word(name: str) -> str:
    for i, ch in enumerate(name):
        if ch.isupper():
            return name[:i]
    return name


def is_safe_action(action_name: str, *, serves_file: bool = False) -> bool:
    """Whether an action only reads, so a request whose answer was lost may be resent."""
    if serves_file:
        return True
    return _first_word(action_name) in SAFE_VERBS and action_name not in _UNSAFE_READS


@attrs.frozen(slots=True)
class ActionSpec:
    """What the schema says about one action; generated, one per action."""

    #: wire service id, e.g. ``"media"`` or ``"caption_captionasset"``
    service: str
    #: wire action name, e.g. ``"addContent"``
    action: str
    #: ``(wire name, kind)`` of every parameter, in schema order
    params: tuple[tuple[str, Kind], ...]
    #: result kind: a field kind, :data:`Kind.VOID` or :data:`Kind.SERVE` (a download URL)
    result: Kind
    #: safe to retry after the request may have reached the server (reads)
    safe: bool = False
    #: the schema allows this action inside a multirequest
    multirequest: bool = True
    #: an update action: insert-only fields are dropped from its objects
    update: bool = False
    #: wire names of the parameters the schema does not mark optional
    required: tuple[str, ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        """Wire names of the multipart file parameters."""
        return tuple(name for name, kind in self.params if kind is Kind.FILE)

    @property
    def is_serve(self) -> bool:
        return self.result is Kind.SERVE


class Call(Generic[T]):
    """One Kaltura API call. ``await call`` sends it and returns ``T``.

    A call is immutable; :meth:`with_options` returns a copy with per-call options
    (``ks``, ``partner_id``, ``response_profile``, ``language``, ``timeout``, ``retry``...).
    """

    __slots__ = ("_client", "options", "params", "spec")

    def __init__(
        self,
        client: KalturaClient,
        spec: ActionSpec,
        params: Mapping[str, Any],
        options: RequestOptions | None = None,
    ) -> None:
        self._client = client
        self.spec = spec
        self.params: Mapping[str, Any] = params
        self.options = options

    @property
    def client(self) -> KalturaClient:
        return self._client

    @property
    def service(self) -> str:
        return self.spec.service

    @property
    def action(self) -> str:
        return self.spec.action

    def with_options(self, **changes: Any) -> Call[T]:
        """A copy of this call with per-call options merged over the current ones."""
        from ._config import RequestOptions

        base = self.options if self.options is not None else RequestOptions()
        return Call(self._client, self.spec, self.params, base.merge(**changes))

    def __await__(self) -> Generator[Any, None, T]:
        return run(self).__await__()

    def __repr__(self) -> str:
        names = ", ".join(k for k, v in self.params.items() if v is not None)
        return f"<Call {self.spec.service}.{self.spec.action}({names})>"


class Service:
    """Base of every generated service: holds the client its calls are bound to."""

    __slots__ = ("_client",)

    def __init__(self, client: KalturaClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"
