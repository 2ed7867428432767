"""KS providers: what ``KalturaClient(ks_provider=...)`` asks for a KS, renewed ahead of
expiry and once more when the server answers INVALID_KS.

:class:`StaticKS` (a fixed KS), :class:`SecretKSProvider` (from the admin secret, locally
or by ``session.start``) and :class:`AppTokenKSProvider` (``appToken.startSession``). The
KS strings themselves are built and read in ``_ks``.

A KS, an admin secret, an app token or a token hash never appears in a log record, a
``repr`` or an exception message raised here.
"""

from __future__ import annotations

import abc
import copy
import datetime as _dt
import hashlib
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, runtime_checkable

import anyio

from ._checks import check_int, check_str
from ._errors import KalturaError, KalturaProtocolError, KalturaValidationError
from ._ks import KSInfo, _aes_128_cbc, _partner_id_of, _secrets_of, generate_ks, parse_ks
from ._logging import logger
from ._model import UNSET

__all__ = [
    "AppTokenKSProvider",
    "Clock",
    "KSInfo",
    "KSProvider",
    "SecretKSProvider",
    "SessionClient",
    "StaticKS",
    "SystemClock",
    "default_renew_margin",
    "generate_ks",
    "parse_ks",
]

#: The lifetime ``session.start`` grants when none is known (the server's default cap).
_SERVER_DEFAULT_EXPIRY = 86400
_APP_TOKEN_HASHES = {"SHA1": "sha1", "MD5": "md5", "SHA256": "sha256", "SHA512": "sha512"}
#: An all-zero AES key: enough to find out at construction whether AES is available.
_PROBE_KEY = bytes(16)

# --------------------------------------------------------------------------- providers


class SessionClient(Protocol):
    """What a provider needs of the client it is handed.

    The client passes a view of itself that shares its connection pool but has no
    provider, so these calls carry no KS unless one is given with ``with_options``.
    """

    @property
    def partner_id(self) -> int | None: ...

    def call(self, service: str, action: str, /, **params: Any) -> Awaitable[Any]: ...

    def with_options(self, *, ks: str) -> SessionClient: ...


@runtime_checkable
class KSProvider(Protocol):
    """Supplies the KS of a ``KalturaClient(ks_provider=...)``."""

    async def get_ks(self, client: SessionClient) -> str:
        """A currently valid KS, renewed ahead of its expiry."""
        ...

    async def renew(self, client: SessionClient, rejected_ks: str) -> str:
        """The server answered INVALID_KS to a call made with ``rejected_ks``.

        Returns a new KS, renewing at most once however many callers report the same
        rejection (when the current KS is already another one, it is returned as is).
        A provider that cannot renew returns ``rejected_ks`` itself: the caller then
        raises the original error instead of re-sending.
        """
        ...


class Clock(Protocol):
    """Time sources of a provider; injectable for tests."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...


class SystemClock:
    """``time.monotonic`` for deadlines; ``time.time`` only to read absolute KS expiries."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()


def _own_copy(error: Exception) -> Exception:
    """A fresh exception like ``error`` (same class, message and attributes), untraced."""
    try:
        twin = copy.copy(error)
    except Exception:  # an exception class that cannot be rebuilt from its state
        return KalturaError(str(error))
    twin.__traceback__ = None
    twin.__cause__ = twin.__context__ = None
    return twin


def _session_type(value: object) -> int:
    """A KS type: 0 (USER) or 2 (ADMIN), ``KalturaSessionType``."""
    number = check_int(value, "type")
    if number not in (0, 2):
        raise KalturaValidationError("type must be 0 (USER) or 2 (ADMIN)", field="type")
    return number


def default_renew_margin(lifetime: float) -> float:
    """How long before expiry a KS is renewed: the smaller of 10% of its life and 5 minutes.

    The margin covers clock skew between us and the server and the time a request waits
    in the pool before the server checks its KS. Five minutes is far more than either,
    and keeps a day-long KS in use for all but its last minutes; 10% keeps very short
    sessions (tests, tight app-token durations) useful for most of their life.
    """
    return max(0.0, min(0.1 * lifetime, 300.0))


def _lifetime(expires_at: float | None, wall_now: float, requested: int | None) -> float:
    """Seconds a freshly issued KS lives, from the server's absolute expiry when known.

    The expiry is in server time; if our clock is so far ahead that the KS already looks
    expired, trust the requested lifetime and let INVALID_KS renewal catch the rest.
    """
    fallback = float(requested if requested is not None else _SERVER_DEFAULT_EXPIRY)
    if expires_at is None:
        return fallback
    remaining = expires_at - wall_now
    if remaining <= 0:
        return fallback
    return min(remaining, fallback) if requested is not None else remaining


def _response_field(result: Any, wire: str, attr: str | None = None) -> Any:
    """Read a field of a decoded result: a model, a model of an unregistered type (whose
    fields sit in ``unknown_fields``), or a plain mapping."""
    value = None if isinstance(result, Mapping) else getattr(result, attr or wire, None)
    if value is not None and value is not UNSET:
        return value
    for holder in (result, getattr(result, "unknown_fields", None)):
        getter = getattr(holder, "get", None)
        if callable(getter):
            found = getter(wire)
            if found is not None and found is not UNSET:
                return found
    return None


def _as_unix(value: Any) -> float | None:
    if isinstance(value, _dt.datetime):
        return value.timestamp()
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _require_ks(value: Any, source: str) -> str:
    if not isinstance(value, str) or not value:
        raise KalturaProtocolError(f"{source} did not return a KS")
    return value


class StaticKS:
    """A fixed KS. It cannot renew: on INVALID_KS the call fails with that error."""

    renewals = 0

    def __init__(self, ks: str) -> None:
        if not isinstance(ks, str) or not ks:
            raise KalturaValidationError("StaticKS needs a non-empty KS string", field="ks")
        self._ks = ks

    async def get_ks(self, client: SessionClient) -> str:
        return self._ks

    async def renew(self, client: SessionClient, rejected_ks: str) -> str:
        return self._ks

    def __repr__(self) -> str:
        try:
            info = parse_ks(self._ks)
        except KalturaValidationError:
            return "StaticKS()"
        return f"StaticKS(partner_id={info.partner_id}, version={info.version})"


class _RenewingProvider(abc.ABC):
    """Caches one KS and renews it ahead of expiry, one renewal at a time."""

    def __init__(self, *, renew_margin: float | None, clock: Clock | None) -> None:
        if renew_margin is not None and (
            isinstance(renew_margin, bool)
            or not isinstance(renew_margin, (int, float))
            or not math.isfinite(renew_margin)
            or not renew_margin >= 0
        ):
            raise KalturaValidationError(
                "renew_margin must be a number of seconds >= 0", field="renew_margin"
            )
        self._renew_margin = renew_margin
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = anyio.Lock()
        self._ks: str | None = None
        self._fresh_until = -math.inf
        self._expires_mono = -math.inf
        self._attempts = 0
        self._failure: Exception | None = None
        #: KSs obtained so far, the first one included.
        self.renewals = 0

    @abc.abstractmethod
    async def _obtain(self, client: SessionClient) -> tuple[str, float]:
        """Fetch a new KS and its lifetime in seconds."""

    @property
    def seconds_left(self) -> float | None:
        """Seconds until the cached KS expires, or None before the first one."""
        if self._ks is None:
            return None
        return self._expires_mono - self._clock.monotonic()

    def _fresh(self) -> str | None:
        if self._ks is not None and self._clock.monotonic() < self._fresh_until:
            return self._ks
        return None

    async def get_ks(self, client: SessionClient) -> str:
        ks = self._fresh()
        if ks is not None:
            return ks
        return await self._single_flight(client, self._fresh)

    async def renew(self, client: SessionClient, rejected_ks: str) -> str:
        def current_if_replaced() -> str | None:
            return self._fresh() if self._ks != rejected_ks else None

        return await self._single_flight(client, current_if_replaced)

    async def _single_flight(
        self, client: SessionClient, reusable: Callable[[], str | None]
    ) -> str:
        seen = self._attempts
        async with self._lock:
            ks = reusable()
            if ks is not None:
                return ks
            if self._attempts != seen:
                # Someone renewed while we queued: share that outcome rather than
                # sending one more request per waiter.
                if self._failure is not None:
                    # Each waiter raises its own copy, chained once to the failure: one
                    # shared exception raised by every waiter would grow its traceback
                    # by each waiter's frames (a 1,000-frame traceback for 200 tasks).
                    raise _own_copy(self._failure) from self._failure
                if self._ks is not None:
                    return self._ks
            self._attempts += 1
            try:
                ks, lifetime = await self._obtain(client)
            except Exception as err:
                self._failure = err
                raise
            self._failure = None
            self._store(ks, lifetime)
            return ks

    def _margin(self, lifetime: float) -> float:
        if self._renew_margin is None:
            return default_renew_margin(lifetime)
        # A margin as long as the lifetime would renew on every call.
        return min(float(self._renew_margin), lifetime / 2)

    def _store(self, ks: str, lifetime: float) -> None:
        lifetime = max(lifetime, 0.0)
        now = self._clock.monotonic()
        self._ks = ks
        self._expires_mono = now + lifetime
        self._fresh_until = now + lifetime - self._margin(lifetime)
        self.renewals += 1
        logger.debug("%r obtained KS #%d (lifetime %.1fs)", self, self.renewals, lifetime)

    def _partner_id(self, own: int | None, client: SessionClient) -> int:
        pid = own if own is not None else getattr(client, "partner_id", None)
        if pid is None:
            raise KalturaValidationError(
                f"{type(self).__name__} needs a partner_id (give it here or to the client)",
                field="partner_id",
            )
        return _partner_id_of(pid)


class SecretKSProvider(_RenewingProvider):
    """A KS from the partner's admin secret, generated locally or by ``session.start``.

    ``local=True`` (default) builds the KS with :func:`generate_ks` and sends nothing;
    ``local=False`` asks the server (``session.start``), which also accepts the user
    secret for USER sessions. ``partner_id`` defaults to the client's.
    """

    def __init__(
        self,
        admin_secret: str,
        partner_id: int | None = None,
        *,
        user_id: str = "",
        type: int = 2,
        expiry: int = 86400,
        privileges: str = "",
        version: int = 2,
        local: bool = True,
        renew_margin: float | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(renew_margin=renew_margin, clock=clock)
        if not _secrets_of(check_str(admin_secret, "admin_secret")):
            raise KalturaValidationError("admin_secret is empty", field="admin_secret")
        if check_int(expiry, "expiry") <= 0:
            raise KalturaValidationError("expiry must be > 0 seconds", field="expiry")
        if isinstance(version, bool) or version not in (1, 2):
            raise KalturaValidationError("version must be 1 or 2", field="version")
        if not isinstance(local, bool):
            raise KalturaValidationError("local must be True or False", field="local")
        self._secret = admin_secret
        self.partner_id = None if partner_id is None else _partner_id_of(partner_id)
        self.user_id = check_str(user_id, "user_id")
        self.type = _session_type(type)
        self.expiry = expiry
        self.privileges = check_str(privileges, "privileges")
        self.version = version
        self.local = local
        if local and version == 2:
            # Fail at construction, not at the first call deep inside a worker.
            _aes_128_cbc(_PROBE_KEY, b"", encrypt=True)

    async def _obtain(self, client: SessionClient) -> tuple[str, float]:
        pid = self._partner_id(self.partner_id, client)
        if self.local:
            now = self._clock.time()
            ks = generate_ks(
                self._secret,
                pid,
                user_id=self.user_id,
                type=self.type,
                expiry=self.expiry,
                privileges=self.privileges,
                version=self.version,
                _now=now,
            )
            # The KS says int(now) + expiry: up to a second less than ``expiry`` from now,
            # which matters when the renewal margin is short.
            return ks, int(now) + self.expiry - now
        result = await client.call(
            "session",
            "start",
            secret=self._secret,
            userId=self.user_id,
            type=self.type,
            partnerId=pid,
            expiry=self.expiry,
            privileges=self.privileges,
        )
        ks = _require_ks(result, "session.start")
        return ks, _lifetime(self._server_expiry(ks), self._clock.time(), self.expiry)

    def _server_expiry(self, ks: str) -> int | None:
        # The server may cap the expiry; read it back when the secret allows.
        try:
            return parse_ks(ks, self._secret).expires_at
        except KalturaValidationError:
            return None

    def __repr__(self) -> str:
        return (
            f"SecretKSProvider(partner_id={self.partner_id}, type={self.type}, "
            f"version={self.version}, local={self.local})"
        )


class AppTokenKSProvider(_RenewingProvider):
    """A KS from an app token: widget session, token hash, ``appToken.startSession``.

    ``hash_type`` is the token's (SHA1, MD5, SHA256 or SHA512). ``user_id``, ``type``,
    ``expiry`` and ``privileges`` are requests the token's own settings may override.
    """

    def __init__(
        self,
        token_id: str,
        token: str,
        *,
        hash_type: str = "SHA1",
        partner_id: int | None = None,
        user_id: str | None = None,
        type: int | None = None,
        expiry: int | None = None,
        privileges: str | None = None,
        renew_margin: float | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(renew_margin=renew_margin, clock=clock)
        if not check_str(token_id, "token_id"):
            raise KalturaValidationError("token_id is empty", field="token_id")
        if not check_str(token, "token"):
            raise KalturaValidationError("token is empty", field="token")
        name = str(check_str(hash_type, "hash_type")).upper()
        if name not in _APP_TOKEN_HASHES:
            raise KalturaValidationError(
                f"hash_type must be one of {', '.join(_APP_TOKEN_HASHES)}", field="hash_type"
            )
        if expiry is not None and check_int(expiry, "expiry") <= 0:
            raise KalturaValidationError("expiry must be > 0 seconds", field="expiry")
        self.token_id = token_id
        self._token = token
        self.hash_type = name
        self.partner_id = None if partner_id is None else _partner_id_of(partner_id)
        self.user_id = None if user_id is None else check_str(user_id, "user_id")
        self.type = None if type is None else _session_type(type)
        self.expiry = expiry
        self.privileges = None if privileges is None else check_str(privileges, "privileges")

    def token_hash(self, ks: str) -> str:
        """``hex(HASH(ks + token))``: proves to the server that we hold the token."""
        return hashlib.new(
            _APP_TOKEN_HASHES[self.hash_type], (ks + self._token).encode()
        ).hexdigest()

    async def _obtain(self, client: SessionClient) -> tuple[str, float]:
        pid = self._partner_id(self.partner_id, client)
        widget = await client.call("session", "startWidgetSession", widgetId=f"_{pid}")
        widget_ks = _require_ks(_response_field(widget, "ks"), "session.startWidgetSession")
        requested = {
            "userId": self.user_id,
            "type": self.type,
            "expiry": self.expiry,
            "sessionPrivileges": self.privileges,
        }
        extra = {k: v for k, v in requested.items() if v is not None}
        # The server hashes the KS of the startSession request itself, so it must be
        # sent with the very widget KS the hash was made from.
        info = await client.with_options(ks=widget_ks).call(
            "appToken",
            "startSession",
            id=self.token_id,
            tokenHash=self.token_hash(widget_ks),
            **extra,
        )
        ks = _require_ks(_response_field(info, "ks"), "appToken.startSession")
        expires_at = _as_unix(_response_field(info, "expiry"))
        return ks, _lifetime(expires_at, self._clock.time(), self.expiry)

    def __repr__(self) -> str:
        return (
            f"AppTokenKSProvider(token_id={self.token_id!r}, partner_id={self.partner_id}, "
            f"hash_type={self.hash_type!r})"
        )
