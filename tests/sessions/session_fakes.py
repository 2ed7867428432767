"""Fakes for the session tests: a clock and a tiny Kaltura session server.

The fake server implements session.start, session.startWidgetSession and
appToken.startSession on plain parameters, the way the real server checks them, so the
providers can be tested without sockets. Integration against the emulator comes later.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

from kaltura_async import (
    AppTokenNotFoundError,
    InvalidAppTokenHashError,
    KalturaAPIError,
    MissingKSError,
    StartSessionError,
)
from kaltura_async._model import KalturaObject
from kaltura_async._session import generate_ks

PARTNER_ID = 4321
ADMIN_SECRET = "fake-admin-secret-5f0c1e2d3c4b5a69"
APP_TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
#: The wall clock of the fake world starts here (a round number keeps vectors readable).
WALL_START = 1_700_000_000.0

#: Every KS, secret, token and token hash the session tests handle; none may be logged.
SENSITIVE: set[str] = {ADMIN_SECRET, APP_TOKEN}


class FakeClock:
    """A monotonic clock the test moves by hand, with a wall clock offset against it."""

    def __init__(self) -> None:
        self.mono = 1000.0

    def monotonic(self) -> float:
        return self.mono

    def time(self) -> float:
        return WALL_START + (self.mono - 1000.0)

    def advance(self, seconds: float) -> None:
        self.mono += seconds


class FakeSessionServer:
    """The session-granting part of a Kaltura server, with a call log."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.max_expiry = 86400
        #: token id -> (token, hash type, session duration); all app tokens are ADMIN.
        self.app_tokens: dict[str, tuple[str, str, int]] = {}
        #: (service, action, params, request ks) of every call, in order
        self.calls: list[tuple[str, str, dict[str, Any], str | None]] = []
        #: awaited at the start of every call, so tests can hold calls in flight
        self.before_call: Callable[[], Awaitable[None]] | None = None
        #: raised by every session.start while set
        self.failure: KalturaAPIError | None = None
        #: how appToken.startSession answers: "mapping", "model" (attributes) or
        #: "unregistered" (a model whose fields all sit in unknown_fields)
        self.answer_as = "mapping"

    def count(self, service: str, action: str) -> int:
        return sum(1 for c in self.calls if c[:2] == (service, action))

    def _issue(self, **kwargs: Any) -> str:
        ks = generate_ks(ADMIN_SECRET, PARTNER_ID, _now=self.clock.time(), **kwargs)
        SENSITIVE.add(ks)
        return ks

    async def handle(
        self, service: str, action: str, params: dict[str, Any], ks: str | None
    ) -> Any:
        self.calls.append((service, action, params, ks))
        if self.before_call is not None:
            await self.before_call()
        if (service, action) == ("session", "start"):
            if self.failure is not None:
                raise self.failure
            if params["secret"] != ADMIN_SECRET or params["partnerId"] != PARTNER_ID:
                raise StartSessionError("START_SESSION_ERROR", "Error while starting session")
            return self._issue(
                user_id=params["userId"],
                type=params["type"],
                expiry=min(params["expiry"], self.max_expiry),
                privileges=params["privileges"],
            )
        if (service, action) == ("session", "startWidgetSession"):
            assert params == {"widgetId": f"_{PARTNER_ID}"}
            widget_ks = self._issue(user_id="0", privileges="view:*,widget:1")
            return {"partnerId": PARTNER_ID, "ks": widget_ks, "userId": "0"}
        if (service, action) == ("appToken", "startSession"):
            return self._start_app_token_session(params, ks)
        raise AssertionError(f"unexpected call {service}.{action}")

    def _start_app_token_session(self, params: dict[str, Any], ks: str | None) -> Any:
        if ks is None:
            raise MissingKSError("MISSING_KS", "Missing KS, session not established")
        if params["id"] not in self.app_tokens:
            raise AppTokenNotFoundError("APP_TOKEN_ID_NOT_FOUND", "Application token not found")
        token, hash_type, duration = self.app_tokens[params["id"]]
        SENSITIVE.add(params["tokenHash"])
        # The server hashes the KS of this very request.
        expected = hashlib.new(hash_type.lower(), (ks + token).encode()).hexdigest()
        if params["tokenHash"] != expected:
            raise InvalidAppTokenHashError(
                "INVALID_APP_TOKEN_HASH", "Invalid application token hash"
            )
        expiry = min(duration, params.get("expiry", duration))
        privileges = f"sessionid:{params['id']},apptoken:{params['id']}"
        new_ks = self._issue(type=2, expiry=expiry, privileges=privileges)
        fields = {
            "ks": new_ks,
            "partnerId": PARTNER_ID,
            "userId": "",
            "expiry": int(self.clock.time()) + expiry,
            "sessionType": 2,
            "privileges": privileges,
        }
        if self.answer_as == "model":
            return SimpleNamespace(
                ks=new_ks, partner_id=PARTNER_ID, expiry=fields["expiry"], session_type=2
            )
        if self.answer_as == "unregistered":
            return KalturaObject(unknown_fields=fields)
        return fields


class FakeClient:
    """The provider-less client view a KS provider is handed."""

    def __init__(self, server: FakeSessionServer, ks: str | None = None) -> None:
        self.server = server
        self._ks = ks
        self.partner_id: int | None = PARTNER_ID

    async def call(self, service: str, action: str, /, **params: Any) -> Any:
        return await self.server.handle(service, action, params, self._ks)

    def with_options(self, *, ks: str) -> FakeClient:
        view = FakeClient(self.server, ks)
        view.partner_id = self.partner_id
        return view


async def wait_until(condition: Callable[[], bool], *, rounds: int = 10_000) -> None:
    """Yield to the loop until ``condition`` holds, a bounded number of times."""
    for _ in range(rounds):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("condition not reached")
