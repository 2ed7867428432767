"""KS strings: build and parse KS v1/v2 locally, with no I/O.

The byte formats follow the server (``kSessionBase``): see ``docs/wire-protocol.md`` §5.

- :func:`generate_ks` builds a KS from the partner's admin secret (v1 with :mod:`hashlib`,
  v2 with AES-128-CBC from the optional ``crypto`` extra).
- :func:`parse_ks` reads a KS into a :class:`KSInfo`, verifying it when given the secret.

What asks for a KS at run time (and renews it) is in ``_session``. A KS or an admin
secret never appears in a ``repr`` or an exception message raised here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import parse_qsl, quote_plus

import attrs

from ._checks import check_int, check_str
from ._errors import CryptoUnavailableError, KalturaValidationError

__all__ = ["KSInfo", "generate_ks", "parse_ks"]

_V2_PREFIX = b"v2|"
_AES_BLOCK = 16
_SHA1_LEN = 20
_RANDOM_LEN = 16
#: v2 fields that are session members, not privileges (``kSessionBase`` field map).
_V2_EXPIRY, _V2_TYPE, _V2_USER, _V2_MASTER, _V2_DATA = "_e", "_t", "_u", "_m", "_d"
_V2_MEMBERS = frozenset({_V2_EXPIRY, _V2_TYPE, _V2_USER, _V2_MASTER, _V2_DATA})
_CRYPTO_HINT = "pip install 'kaltura-async[crypto]'"


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


def _partner_id_of(value: object) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return check_int(value, "partner_id")


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
    secret_list = _secrets_of(check_str(admin_secret, "admin_secret"))
    if not secret_list:
        raise KalturaValidationError("admin_secret is empty", field="admin_secret")
    secret = secret_list[0]
    pid = _partner_id_of(partner_id)
    session_type = check_int(type, "type")
    lifetime = check_int(expiry, "expiry")
    check_str(user_id, "user_id")
    check_str(privileges, "privileges")
    if master_partner_id is not None:
        check_int(master_partner_id, "master_partner_id")
    if additional_data is not None:
        check_str(additional_data, "additional_data")
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
        candidates = _secrets_of(check_str(admin_secret, "admin_secret"))
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
