"""Kaltura sessions: build and parse KS v1/v2, and KS providers that renew ahead of expiry.

The byte formats follow the server (``kSessionBase``): see ``docs/wire-protocol.md`` §5.

- :func:`generate_ks` builds a KS locally from the partner's admin secret (v1 with
  :mod:`hashlib`, v2 with AES-128-CBC from the optional ``crypto`` extra).
- :func:`parse_ks` reads a KS into a :class:`KSInfo`, verifying it when given the secret.
- :class:`KSProvider` is what ``KalturaClient(ks_provider=...)`` asks for a KS:
  :class:`StaticKS`, :class:`SecretKSProvider` and :class:`AppTokenKSProvider`.

A KS, an admin secret, an app token or a token hash never appears in a log record, a
``repr`` or an exception message raised here.
"""

from __future__ import annotations

import abc
import base64
import binascii
import datetime as _dt
import hashlib
import hmac
import logging
import math
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qsl, quote_plus

import anyio
import attrs

from ._errors import CryptoUnavailableError, KalturaProtocolError, KalturaValidationError
from ._model import UNSET

__all__ = [
    "AppTokenKSProvider",
    "Clock",
    "CryptoUnavailableError",
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

logger = logging.getLogger("kaltura_async")

_V2_PREFIX = b"v2|"
_AES_BLOCK = 16
_SHA1_LEN = 20
_RANDOM_LEN = 16
#: v2 fields that are session members, not privileges (``kSessionBase`` field map).
_V2_EXPIRY, _V2_TYPE, _V2_USER, _V2_MASTER, _V2_DATA = "_e", "_t", "_u", "_m", "_d"
_V2_MEMBERS = frozenset({_V2_EXPIRY, _V2_TYPE, _V2_USER, _V2_MASTER, _V2_DATA})
_CRYPTO_HINT = "pip install 'kaltura-async[crypto]'"
#: The lifetime ``session.start`` grants when none is known (the server's default cap).
_SERVER_DEFAULT_EXPIRY = 86400
_APP_TOKEN_HASHES = {"SHA1": "sha1", "MD5": "md5", "SHA256": "sha256", "SHA512": "sha512"}


# --------------------------------------------------------------------------- primitives


def _aes_128_cbc(key: bytes, data: bytes, *, encrypt: bool) -> bytes:
    """AES-128-CBC with a zero IV and no cipher padding, as ``KCryptoWrapper`` does."""
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ImportError:
        raise CryptoUnavailableError(
            f"KS v2 needs the optional 'cryptography' package: {_CRYPTO_HINT}",
            field="version",
        ) from None
    cipher = Cipher(algorithms.AES(key), modes.CBC(bytes(_AES_BLOCK)))
    worker = cipher.encryptor() if encrypt else cipher.decryptor()
    return worker.update(data) + worker.finalize()


def _v2_key(admin_secret: str) -> bytes:
    return hashlib.sha1(admin_secret.encode()).digest()[:_AES_BLOCK]


def _php_urlencode(text: str) -> str:
    # PHP's urlencode leaves only alphanumerics and "-_." alone; Python's quote_plus
    # also spares "~", which PHP encodes.
    return quote_plus(text, safe="").replace("~", "%7E")


def _b64decode_ks(ks: str) -> bytes:
    # The server maps the URL-safe alphabet back for both versions before a strict decode.
    text = ks.replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _malformed("it is not valid base64") from None


def _malformed(why: str) -> KalturaValidationError:
    return KalturaValidationError(f"malformed KS: {why}", field="ks")


def _privilege_items(privileges: str, *, star_as_all: bool) -> list[tuple[str, str]]:
    """``"a,b:1,*"`` -> ``[("a", ""), ("b", "1"), ("all", "*") or ("*", "")]``."""
    items: list[tuple[str, str]] = []
    for raw in privileges.split(","):
        item = raw.strip()
        if not item:
            continue
        if item == "*" and star_as_all:
            item = "all:*"
        name, _, value = item.partition(":")
        items.append((name, value))
    return items


def _secrets_of(admin_secret: str) -> list[str]:
    """The server keeps several admin secrets comma-separated and accepts any of them."""
    return [s for s in admin_secret.split(",") if s]


# --------------------------------------------------------------------------- generate


def _check_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise KalturaValidationError(f"{name} must be an int", field=name)
    return int(value)


def _check_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise KalturaValidationError(f"{name} must be a str", field=name)
    return value


def _session_type(value: object) -> int:
    """A KS type: 0 (USER) or 2 (ADMIN), ``KalturaSessionType``."""
    number = _check_int(value, "type")
    if number not in (0, 2):
        raise KalturaValidationError("type must be 0 (USER) or 2 (ADMIN)", field="type")
    return number


def _partner_id_of(value: object) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return _check_int(value, "partner_id")


def generate_ks(
    admin_secret: str,
    partner_id: int,
    *,
    user_id: str = "",
    type: int = 0,
    expiry: int = 86400,
    privileges: str = "",
    version: int = 2,
    master_partner_id: int | None = None,
    additional_data: str | None = None,
    _now: float | None = None,
    _rand: str | None = None,
    _random_bytes: bytes | None = None,
) -> str:
    """Build a KS locally, signed (v1) or encrypted (v2) with the partner's admin secret.

    ``type`` is a ``SessionType`` (USER = 0, ADMIN = 2) or its int value. ``expiry`` is
    the lifetime in seconds from now. ``privileges`` is the usual comma-separated
    ``name[:value]`` list. Version 2 (the default, what modern partners receive) needs
    the ``crypto`` extra. When ``admin_secret`` lists several secrets separated by commas,
    the first one is used, as the server does.

    ``_now``, ``_rand`` (v1) and ``_random_bytes`` (v2, 16 bytes) pin the otherwise
    time- and random-dependent parts, for reproducible test vectors.
    """
    secret_list = _secrets_of(_check_str(admin_secret, "admin_secret"))
    if not secret_list:
        raise KalturaValidationError("admin_secret is empty", field="admin_secret")
    secret = secret_list[0]
    pid = _partner_id_of(partner_id)
    session_type = _check_int(type, "type")
    lifetime = _check_int(expiry, "expiry")
    _check_str(user_id, "user_id")
    _check_str(privileges, "privileges")
    if master_partner_id is not None:
        _check_int(master_partner_id, "master_partner_id")
    if additional_data is not None:
        _check_str(additional_data, "additional_data")
    valid_until = int(time.time() if _now is None else _now) + lifetime
    if version == 1:
        return _generate_v1(
            secret,
            pid,
            valid_until,
            session_type,
            _rand if _rand is not None else str(secrets.randbelow(2**31)),
            user_id,
            privileges,
            master_partner_id,
            additional_data,
        )
    if version != 2:
        raise KalturaValidationError("version must be 1 or 2", field="version")
    random_bytes = secrets.token_bytes(_RANDOM_LEN) if _random_bytes is None else _random_bytes
    if len(random_bytes) != _RANDOM_LEN:
        raise KalturaValidationError("_random_bytes must be 16 bytes", field="_random_bytes")
    fields = dict(_privilege_items(privileges, star_as_all=True))
    fields[_V2_EXPIRY] = str(valid_until)
    fields[_V2_TYPE] = str(session_type)
    fields[_V2_USER] = user_id
    # PHP's http_build_query drops null members, so absent ones are not written at all.
    if master_partner_id is not None:
        fields[_V2_MASTER] = str(master_partner_id)
    if additional_data is not None:
        fields[_V2_DATA] = additional_data
    query = "&".join(f"{_php_urlencode(k)}={_php_urlencode(v)}" for k, v in fields.items())
    payload = random_bytes + query.encode()
    plain = hashlib.sha1(payload).digest() + payload
    # Zero padding, not PKCS#7: the server strips trailing NULs after decrypting.
    plain += bytes(-len(plain) % _AES_BLOCK)
    cipher_text = _aes_128_cbc(_v2_key(secret), plain, encrypt=True)
    raw = _V2_PREFIX + str(pid).encode() + b"|" + cipher_text
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _generate_v1(
    secret: str,
    pid: int,
    valid_until: int,
    session_type: int,
    rand: str,
    user_id: str,
    privileges: str,
    master_partner_id: int | None,
    additional_data: str | None,
) -> str:
    texts = {"user_id": user_id, "privileges": privileges, "additional_data": additional_data}
    for name, text in texts.items():
        if text is not None and ";" in text:
            raise KalturaValidationError(f"{name} may not contain ';' in a KS v1", field=name)
    # The server writes all nine fields, empty ones left empty.
    info = ";".join(
        [
            str(pid),
            str(pid),
            str(valid_until),
            str(session_type),
            rand,
            user_id,
            privileges,
            "" if master_partner_id is None else str(master_partner_id),
            additional_data or "",
        ]
    ).encode()
    signature = hashlib.sha1(secret.encode() + info).hexdigest().encode()
    return base64.b64encode(signature + b"|" + info).decode("ascii")


# --------------------------------------------------------------------------- parse


def _read_only_map(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen(slots=True, repr=False)
class KSInfo:
    """What a KS says. Built by :func:`parse_ks`.

    A KS v2 is encrypted: parsed without its admin secret only ``version`` and
    ``partner_id`` are known and every other field is ``None`` (``readable`` is False).
    ``verified`` is True when the signature (v1) or hash (v2) was checked against a secret.
    """

    version: int
    partner_id: int
    verified: bool = False
    user_id: str | None = None
    #: ``SessionType`` value: 0 USER, 2 ADMIN (the server treats any type >= 1 as admin).
    type: int | None = None
    #: absolute Unix time after which the server refuses the KS
    expires_at: int | None = None
    #: privilege name -> value (``""`` for a bare name); read-only
    privileges: Mapping[str, str] = attrs.field(factory=dict, converter=_read_only_map, hash=False)
    #: the privileges as the server writes them, e.g. ``"sview:*,setrole:3"``
    privileges_string: str | None = None
    master_partner_id: int | None = None
    additional_data: str | None = None
    #: v1 ``rand`` field
    rand: str | None = None
    #: v2's 16 random bytes
    random_bytes: bytes | None = None

    @property
    def readable(self) -> bool:
        """False for a KS v2 parsed without its admin secret."""
        return self.expires_at is not None

    @property
    def expired(self) -> bool:
        return self.seconds_left() <= 0

    def seconds_left(self, now: float | None = None) -> float:
        """Seconds until expiry (negative once expired), against ``now`` or the wall clock."""
        if self.expires_at is None:
            raise KalturaValidationError(
                "this KS v2 was parsed without its admin secret, so its expiry is unknown; "
                "pass admin_secret to parse_ks",
                field="admin_secret",
            )
        return self.expires_at - (time.time() if now is None else now)

    def __repr__(self) -> str:
        if not self.readable:
            return f"KSInfo(version={self.version}, partner_id={self.partner_id}, readable=False)"
        return (
            f"KSInfo(version={self.version}, partner_id={self.partner_id}, "
            f"user_id={self.user_id!r}, type={self.type}, expires_at={self.expires_at}, "
            f"privileges={sorted(self.privileges)!r}, verified={self.verified})"
        )


def _int_field(text: str, name: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _malformed(f"its {name} is not a number") from None


def _optional_int(text: str, name: str) -> int | None:
    return None if text == "" else _int_field(text, name)


def parse_ks(ks: str, admin_secret: str | None = None) -> KSInfo:
    """Read a KS. With ``admin_secret`` (one secret or several comma-separated, any of
    which may match), also verify it; a mismatch is a :class:`KalturaValidationError`.

    A KS v1 is readable without a secret; a KS v2 is encrypted and without one yields
    only ``version`` and ``partner_id``. Expiry is not checked here: see
    :attr:`KSInfo.expired`. Error messages never quote the KS or the secret.
    """
    if not isinstance(ks, str) or not ks:
        raise _malformed("expected a non-empty str")
    candidates: list[str] | None = None
    if admin_secret is not None:
        candidates = _secrets_of(_check_str(admin_secret, "admin_secret"))
        if not candidates:
            raise KalturaValidationError("admin_secret is empty", field="admin_secret")
    raw = _b64decode_ks(ks)
    if raw.startswith(_V2_PREFIX):
        return _parse_v2(raw, candidates)
    return _parse_v1(raw, candidates)


def _parse_v1(raw: bytes, candidates: list[str] | None) -> KSInfo:
    signature, bar, info = raw.partition(b"|")
    if not bar or len(signature) != 40:
        raise _malformed("no v1 signature")
    try:
        text = info.decode()
    except UnicodeDecodeError:
        raise _malformed("its fields are not UTF-8") from None
    parts = text.split(";")
    if len(parts) < 3:
        raise _malformed("too few fields")
    # Servers and older clients may write fewer than nine fields.
    parts += [""] * (9 - len(parts))
    verified = False
    if candidates is not None:
        expected = [hashlib.sha1(s.encode() + info).hexdigest().encode() for s in candidates]
        if not any(hmac.compare_digest(signature.lower(), e) for e in expected):
            raise KalturaValidationError(
                "KS signature does not match the admin secret", field="admin_secret"
            )
        verified = True
    pid = _int_field(parts[0], "partner id")
    privileges = parts[6]
    return KSInfo(
        version=1,
        partner_id=pid,
        verified=verified,
        user_id=parts[5],
        type=_int_field(parts[3] or "0", "type"),
        expires_at=_int_field(parts[2], "expiry"),
        privileges=dict(_privilege_items(privileges, star_as_all=False)),
        privileges_string=privileges,
        master_partner_id=_optional_int(parts[7], "master partner id"),
        additional_data=parts[8] or None,
        rand=parts[4],
    )


def _parse_v2(raw: bytes, candidates: list[str] | None) -> KSInfo:
    parts = raw.split(b"|", 2)
    if len(parts) != 3:
        raise _malformed("a v2 KS needs three '|'-separated parts")
    pid = _int_field(parts[1].decode("ascii", "replace"), "partner id")
    cipher_text = parts[2]
    if not cipher_text or len(cipher_text) % _AES_BLOCK:
        raise _malformed("its encrypted part is not a whole number of AES blocks")
    if candidates is None:
        return KSInfo(version=2, partner_id=pid)
    for secret in candidates:
        plain = _aes_128_cbc(_v2_key(secret), cipher_text, encrypt=False).rstrip(b"\0")
        digest, payload = plain[:_SHA1_LEN], plain[_SHA1_LEN:]
        if len(payload) >= _RANDOM_LEN and hmac.compare_digest(
            digest, hashlib.sha1(payload).digest()
        ):
            return _v2_info(pid, payload)
    raise KalturaValidationError(
        "KS v2 does not decrypt with the admin secret", field="admin_secret"
    )


def _v2_info(pid: int, payload: bytes) -> KSInfo:
    random_bytes, query = payload[:_RANDOM_LEN], payload[_RANDOM_LEN:]
    try:
        pairs = parse_qsl(query.decode("ascii"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise _malformed("its fields are not a valid query string") from None
    fields = dict(pairs)
    privilege_words = [
        "*" if (name, value) == ("all", "*") else f"{name}:{value}" if value else name
        for name, value in fields.items()
        if name not in _V2_MEMBERS
    ]
    privileges = ",".join(privilege_words)
    return KSInfo(
        version=2,
        partner_id=pid,
        verified=True,
        user_id=fields.get(_V2_USER, ""),
        type=_int_field(fields.get(_V2_TYPE) or "0", "type"),
        expires_at=_int_field(fields.get(_V2_EXPIRY, ""), "expiry"),
        privileges=dict(_privilege_items(privileges, star_as_all=False)),
        privileges_string=privileges,
        master_partner_id=_optional_int(fields.get(_V2_MASTER, ""), "master partner id"),
        additional_data=fields.get(_V2_DATA),
        random_bytes=random_bytes,
    )


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
                    raise self._failure
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
        if not _secrets_of(_check_str(admin_secret, "admin_secret")):
            raise KalturaValidationError("admin_secret is empty", field="admin_secret")
        if _check_int(expiry, "expiry") <= 0:
            raise KalturaValidationError("expiry must be > 0 seconds", field="expiry")
        if isinstance(version, bool) or version not in (1, 2):
            raise KalturaValidationError("version must be 1 or 2", field="version")
        if not isinstance(local, bool):
            raise KalturaValidationError("local must be True or False", field="local")
        self._secret = admin_secret
        self.partner_id = None if partner_id is None else _partner_id_of(partner_id)
        self.user_id = _check_str(user_id, "user_id")
        self.type = _session_type(type)
        self.expiry = expiry
        self.privileges = _check_str(privileges, "privileges")
        self.version = version
        self.local = local
        if local and version == 2:
            # Fail at construction, not at the first call deep inside a worker.
            _aes_128_cbc(bytes(_AES_BLOCK), b"", encrypt=True)

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
        if not _check_str(token_id, "token_id"):
            raise KalturaValidationError("token_id is empty", field="token_id")
        if not _check_str(token, "token"):
            raise KalturaValidationError("token is empty", field="token")
        name = str(_check_str(hash_type, "hash_type")).upper()
        if name not in _APP_TOKEN_HASHES:
            raise KalturaValidationError(
                f"hash_type must be one of {', '.join(_APP_TOKEN_HASHES)}", field="hash_type"
            )
        if expiry is not None and _check_int(expiry, "expiry") <= 0:
            raise KalturaValidationError("expiry must be > 0 seconds", field="expiry")
        self.token_id = token_id
        self._token = token
        self.hash_type = name
        self.partner_id = None if partner_id is None else _partner_id_of(partner_id)
        self.user_id = None if user_id is None else _check_str(user_id, "user_id")
        self.type = None if type is None else _session_type(type)
        self.expiry = expiry
        self.privileges = None if privileges is None else _check_str(privileges, "privileges")

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
