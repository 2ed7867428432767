"""Call[T]: one service action with its arguments, options and declared result type.

Generated services build calls; nothing here does I/O until the call is awaited (or added
to a batch). A generated service module (``services/media.py``) looks like::

    _SPEC_GET = ActionSpec(
        "media",
        "get",
        params=(("entryId", Kind.STR), ("version", Kind.INT)),
        result=Kind.obj("KalturaMediaEntry"),
        safe=True,
        multirequest=True,
        update=False,
        required=("entryId",),
    )

    class MediaService(Service):
        def get(self, entry_id: str, *, version: int | None = None) -> Call[MediaEntry]:
            return Call(self._client, _SPEC_GET, {"entryId": entry_id, "version": version})

``await call`` runs it through ``_pipeline`` (prepare -> send -> outcome).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, Generic, Never, TypeVar

import attrs

from ._config import (
    USE_CLIENT_DEFAULT,
    RequestOptions,
    RetryPolicy,
    Timeout,
    UseClientDefault,
    option_changes,
)
from ._kind import Kind
from ._pipeline import run

if TYPE_CHECKING:
    from ._client import KalturaClient
    from ._model import KalturaObject

__all__ = ["SAFE_VERBS", "ActionSpec", "Call", "Service", "is_safe_action"]

T = TypeVar("T")
#: Covariant: a ``Call[MediaListResponse]`` is a ``Call[ListResponse]`` (the type is only
#: ever produced, by ``await``).
T_co = TypeVar("T_co", covariant=True)

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
    #: wire names of the multipart file parameters (derived from ``params``, once)
    files: tuple[str, ...] = attrs.field(
        init=False,
        eq=False,
        repr=False,
        default=attrs.Factory(
            lambda spec: tuple(name for name, kind in spec.params if kind is Kind.FILE),
            takes_self=True,
        ),
    )

    @property
    def is_serve(self) -> bool:
        return self.result is Kind.SERVE


class Call(Generic[T_co]):
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

    def with_options(
        self,
        *,
        ks: str | UseClientDefault = USE_CLIENT_DEFAULT,
        partner_id: int | UseClientDefault = USE_CLIENT_DEFAULT,
        client_tag: str | UseClientDefault = USE_CLIENT_DEFAULT,
        response_profile: KalturaObject | Mapping[str, Any] | UseClientDefault = USE_CLIENT_DEFAULT,
        language: str | UseClientDefault = USE_CLIENT_DEFAULT,
        timeout: Timeout | UseClientDefault | None = USE_CLIENT_DEFAULT,
        retry: RetryPolicy | UseClientDefault | None = USE_CLIENT_DEFAULT,
        idempotent: bool | UseClientDefault = USE_CLIENT_DEFAULT,
        **unknown: Never,
    ) -> Call[T_co]:
        """A copy of this call with per-call options merged over the current ones.

        Every keyword defaults to :data:`USE_CLIENT_DEFAULT` (keep the current value).
        ``timeout=None`` means no timeout at all and ``retry=None`` no retries; ``None`` is
        refused for the others. ``idempotent`` says whether the call may be sent again
        after it may have reached the server (default: reads yes, writes no).
        """
        changes = option_changes(
            {
                **unknown,
                "ks": ks,
                "partner_id": partner_id,
                "client_tag": client_tag,
                "response_profile": response_profile,
                "language": language,
                "timeout": timeout,
                "retry": retry,
                "idempotent": idempotent,
            }
        )
        base = self.options if self.options is not None else RequestOptions()
        return Call(self._client, self.spec, self.params, base.merge(**changes))

    def __await__(self) -> Generator[Any, None, T_co]:
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
