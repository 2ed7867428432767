"""The registry of emulated actions, and the per-call context handlers receive.

A handler is ``async def f(ctx, args) -> result`` registered with ``@action(service, name)``;
``args`` are already cast by the schema. Options: ``ks=False`` for actions that need no
session (system.ping, session.start), ``admin=True`` for actions a USER session may not call
(SERVICE_FORBIDDEN).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._errors import api_error
from .._ks import KSInfo

if TYPE_CHECKING:
    from .._state import State
    from .._uploads import UploadStore

__all__ = ["HANDLERS", "Context", "Handler", "HandlerSpec", "action", "find_spec"]

Handler = Callable[["Context", dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class HandlerSpec:
    func: Handler
    needs_ks: bool
    admin_only: bool


HANDLERS: dict[tuple[str, str], HandlerSpec] = {}


def action(
    service: str, name: str, *, ks: bool = True, admin: bool = False
) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        HANDLERS[(service.lower(), name.lower())] = HandlerSpec(func, ks, admin)
        return func

    return register


def find_spec(service: str, name: str) -> HandlerSpec | None:
    """The handler serving an action: the hand-written one, else the generic engine's."""
    key = (service.lower(), name.lower())
    spec = HANDLERS.get(key)
    if spec is None:
        from .generic import generic_spec

        spec = generic_spec(*key)
    return spec


@dataclass(slots=True)
class Context:
    """One call: the store, the uploads, the validated session (if any) and its raw string."""

    state: State
    uploads: UploadStore
    session: KSInfo | None
    ks: str | None
    service: str
    action: str

    @property
    def is_admin(self) -> bool:
        return self.session is not None and self.session.is_admin

    @property
    def user_id(self) -> str:
        return self.session.user_id if self.session is not None else ""

    def sees_all(self) -> bool:
        """Admin sessions, and user sessions with entitlement disabled, see every entry."""
        session = self.session
        return session is None or session.is_admin or "disableentitlement" in session.privilege_map

    def may_see(self, entry: dict[str, Any]) -> bool:
        return self.sees_all() or entry.get("userId") == self.user_id

    def may_edit(self, entry: dict[str, Any]) -> bool:
        session = self.session
        if session is None or session.is_admin or entry.get("userId") == self.user_id:
            return True
        return session.has_privilege("edit", str(entry.get("id")))

    def forbid(self) -> Exception:
        return api_error("SERVICE_FORBIDDEN", f"{self.service}->{self.action}")
