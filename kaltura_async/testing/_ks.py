"""Kaltura Session strings: minting and validating KS v1 and v2 with the partner's admin secrets.

v1 is ``base64(hex SHA1(secret + info) + "|" + info)`` with ``info`` the ``;``-joined fields
``pid;pid;validUntil;type;rand;userId;privileges;masterPid;additionalData``.
v2 is ``b64url("v2|" + pid + "|" + AES-128-CBC(SHA1(secret)[:16], IV=0, zero-padded
SHA1(R + qs) + R + qs))`` with ``R`` 16 random bytes and ``qs`` the url-encoded privileges and
``_e``, ``_t``, ``_u`` (``_m``, ``_d`` when set). Validation tries every admin secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = ["KSInfo", "KSParseError", "mint_v1", "mint_v2", "parse_ks", "parse_privileges"]

_SHA1_LEN = 20
_RAND_LEN = 16
_ZERO_IV = bytes(16)


class KSParseError(ValueError):
    """The string is not a KS signed by any of the given secrets (the server's INVALID_STR)."""


@dataclass(frozen=True, slots=True)
class KSInfo:
    """What a valid KS says. ``privileges`` is the raw comma-separated string."""

    version: int
    partner_id: int
    valid_until: int
    session_type: int
    user_id: str
    privileges: str
    master_partner_id: str | None = None
    additional_data: str | None = None
    privilege_map: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return self.session_type >= 1

    def has_privilege(self, name: str, value: str | None = None) -> bool:
        if name not in self.privilege_map:
            return False
        return value is None or value in self.privilege_map[name] or "*" in self.privilege_map[name]


def parse_privileges(privileges: str) -> dict[str, list[str]]:
    """``"a,b:1/2,*"`` -> ``{"a": [], "b": ["1", "2"], "*": []}``; the last duplicate wins."""
    out: dict[str, list[str]] = {}
    for item in privileges.split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, value = item.partition(":")
        out[name] = value.split("/") if sep else []
    return out


def _aes_key(secret: str) -> bytes:
    return hashlib.sha1(secret.encode()).digest()[:16]


def mint_v1(
    secret: str,
    partner_id: int,
    valid_until: int,
    session_type: int,
    user_id: str = "",
    privileges: str = "",
    master_partner_id: str = "",
    additional_data: str = "",
) -> str:
    rand = f"{secrets.randbelow(1 << 30)}.{secrets.randbelow(10000):04d}"
    info = ";".join(
        [
            str(partner_id),
            str(partner_id),
            str(valid_until),
            str(session_type),
            rand,
            user_id,
            privileges,
            master_partner_id,
            additional_data,
        ]
    )
    sig = hashlib.sha1((secret + info).encode()).hexdigest()
    return base64.b64encode(f"{sig}|{info}".encode()).decode()


def mint_v2(
    secret: str,
    partner_id: int,
    valid_until: int,
    session_type: int,
    user_id: str = "",
    privileges: str = "",
    master_partner_id: str | None = None,
    additional_data: str | None = None,
) -> str:
    fields: dict[str, str] = {}
    for name, values in parse_privileges(privileges).items():
        if name == "*":
            fields["all"] = "*"
        else:
            fields[name] = "/".join(values)
    fields["_e"] = str(valid_until)
    fields["_t"] = str(session_type)
    fields["_u"] = user_id
    if master_partner_id is not None:
        fields["_m"] = master_partner_id
    if additional_data is not None:
        fields["_d"] = additional_data
    payload = secrets.token_bytes(_RAND_LEN) + urlencode(fields).encode()
    plain = hashlib.sha1(payload).digest() + payload
    if len(plain) % 16:
        plain += b"\0" * (16 - len(plain) % 16)
    encryptor = Cipher(algorithms.AES(_aes_key(secret)), modes.CBC(_ZERO_IV)).encryptor()
    ct = encryptor.update(plain) + encryptor.finalize()
    raw = b"v2|" + str(partner_id).encode() + b"|" + ct
    return base64.b64encode(raw).decode().replace("+", "-").replace("/", "_")


def parse_ks(ks: str, admin_secrets: list[str]) -> KSInfo:
    """Decode and verify a KS of either version; raises KSParseError."""
    try:
        raw = base64.b64decode(ks.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as err:
        raise KSParseError("not base64") from err
    if raw.startswith(b"v2|"):
        return _parse_v2(raw, admin_secrets)
    return _parse_v1(raw, admin_secrets)


def _parse_v1(raw: bytes, admin_secrets: list[str]) -> KSInfo:
    sig, sep, info_bytes = raw.partition(b"|")
    if not sep:
        raise KSParseError("no signature")
    try:
        info = info_bytes.decode()
        sig_text = sig.decode()
    except UnicodeDecodeError as err:
        raise KSParseError("not text") from err
    if not any(
        hashlib.sha1((secret + info).encode()).hexdigest() == sig_text for secret in admin_secrets
    ):
        raise KSParseError("bad signature")
    parts = info.split(";")
    if len(parts) < 3:
        raise KSParseError("too few fields")
    parts += [""] * (9 - len(parts))
    try:
        partner_id = int(parts[0])
        valid_until = int(parts[2])
        session_type = int(parts[3] or 0)
    except ValueError as err:
        raise KSParseError("bad number") from err
    privileges = parts[6]
    return KSInfo(
        version=1,
        partner_id=partner_id,
        valid_until=valid_until,
        session_type=session_type,
        user_id=parts[5],
        privileges=privileges,
        master_partner_id=parts[7] or None,
        additional_data=parts[8] or None,
        privilege_map=parse_privileges(privileges),
    )


def _parse_v2(raw: bytes, admin_secrets: list[str]) -> KSInfo:
    pieces = raw.split(b"|", 2)
    if len(pieces) != 3 or not pieces[2] or len(pieces[2]) % 16:
        raise KSParseError("bad v2 layout")
    try:
        partner_id = int(pieces[1])
    except ValueError as err:
        raise KSParseError("bad partner") from err
    for secret in admin_secrets:
        decryptor = Cipher(algorithms.AES(_aes_key(secret)), modes.CBC(_ZERO_IV)).decryptor()
        plain = (decryptor.update(pieces[2]) + decryptor.finalize()).rstrip(b"\0")
        digest, payload = plain[:_SHA1_LEN], plain[_SHA1_LEN:]
        if len(payload) >= _RAND_LEN and hashlib.sha1(payload).digest() == digest:
            break
    else:
        raise KSParseError("bad signature")
    try:
        query = payload[_RAND_LEN:].decode()
    except UnicodeDecodeError as err:
        raise KSParseError("not text") from err
    members: dict[str, str] = {}
    privs: list[str] = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name in ("_e", "_t", "_u", "_m", "_d"):
            members[name] = value
        elif name == "all" and value == "*":
            privs.append("*")
        else:
            privs.append(f"{name}:{value}" if value else name)
    try:
        valid_until = int(members.get("_e", "0"))
        session_type = int(members.get("_t", "0") or 0)
    except ValueError as err:
        raise KSParseError("bad number") from err
    privileges = ",".join(privs)
    return KSInfo(
        version=2,
        partner_id=partner_id,
        valid_until=valid_until,
        session_type=session_type,
        user_id=members.get("_u", ""),
        privileges=privileges,
        master_partner_id=members.get("_m"),
        additional_data=members.get("_d"),
        privilege_map=parse_privileges(privileges),
    )
