"""KS v1/v2 byte formats: hand-computed vectors, round trips, tampering, malformed input."""

from __future__ import annotations

import base64
import hashlib
import sys

import attrs
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from session_fakes import SENSITIVE

from kaltura_async import (
    CryptoUnavailableError,
    KalturaValidationError,
    KSInfo,
    SecretKSProvider,
    generate_ks,
    parse_ks,
)

SECRET = "not-a-real-secret-0123456789abcd"
SENSITIVE.add(SECRET)
NOW = 1_700_000_000
R16 = bytes(range(16))
PRIVS = "disableentitlement,sview:*,setrole:3"

# Computed once with generate_ks and reviewed independently with coreutils and OpenSSL:
#   base64 -d | the SHA1 of SECRET + info matches the 40 hex characters before "|";
#   v2: `openssl enc -d -aes-128-cbc -K <SHA1(SECRET)[:16]> -iv 0 -nopad` gives
#   SHA1(R||qs) || R || "disableentitlement=&sview=%2A&setrole=3&_e=1700003600&_t=2&_u=user%40example.com"
#   followed by twelve NUL bytes, and `openssl sha1` of R||qs matches the first 20 bytes.
V1_VECTOR = (
    "ZmM0Yjc0NTA5Zjk2NGM4NmJjYzcyMzE1NmMxMmU0OGE2NjNhNmZmYnwxMjM0NTsxMjM0NTsxNzAwMDAzNjAw"
    "OzI7NDI0Mjt1c2VyQGV4YW1wbGUuY29tO2Rpc2FibGVlbnRpdGxlbWVudCxzdmlldzoqLHNldHJvbGU6Mzs7"
)
V2_VECTOR = (
    "djJ8MTIzNDV88ydVnO9nn8Z0pSOJScX2LOLAAcAxt3GkxU3iDt3cSa-B58tsyE4H56XjVso-TUyZJjk8SKj44X3r"
    "TFfXOwyS33oqBQ2UycXYyr--tJQFJvKSl3TI6BxgmnA3Ul0aJkNuaGdnEkIcmXRqAjyF8pHa7EnGG1UDsKbvFx7J"
    "hqbQjTg="
)
SENSITIVE.update({V1_VECTOR, V2_VECTOR})


def _v1(**kw: object) -> str:
    args: dict[str, object] = {
        "user_id": "user@example.com",
        "type": 2,
        "expiry": 3600,
        "privileges": PRIVS,
        "_now": NOW,
        "_rand": "4242",
    }
    args.update(kw)
    ks = generate_ks(SECRET, 12345, version=1, **args)  # type: ignore[arg-type]
    SENSITIVE.add(ks)
    return ks


def _v2(**kw: object) -> str:
    args: dict[str, object] = {
        "user_id": "user@example.com",
        "type": 2,
        "expiry": 3600,
        "privileges": PRIVS,
        "_now": NOW,
        "_random_bytes": R16,
    }
    args.update(kw)
    ks = generate_ks(SECRET, 12345, version=2, **args)  # type: ignore[arg-type]
    SENSITIVE.add(ks)
    return ks


def _aes(data: bytes, *, decrypt: bool = False, secret: str = SECRET) -> bytes:
    key = hashlib.sha1(secret.encode()).digest()[:16]
    cipher = Cipher(algorithms.AES(key), modes.CBC(b"\0" * 16))
    worker = cipher.decryptor() if decrypt else cipher.encryptor()
    return worker.update(data) + worker.finalize()


def _v2_plain(ks: str) -> bytes:
    """Decrypt a v2 KS by the primitive steps, padding left in place."""
    raw = base64.b64decode(ks.replace("-", "+").replace("_", "/"))
    prefix, _pid, cipher_text = raw.split(b"|", 2)
    assert prefix == b"v2"
    return _aes(cipher_text, decrypt=True)


def _v2_query(ks: str) -> str:
    return _v2_plain(ks).rstrip(b"\0")[36:].decode()


# ----------------------------------------------------------------------------- vectors


def test_v1_vector_by_primitive_steps() -> None:
    info = b"12345;12345;1700003600;2;4242;user@example.com;" + PRIVS.encode() + b";;"
    signature = hashlib.sha1(SECRET.encode() + info).hexdigest().encode()
    expected = base64.b64encode(signature + b"|" + info).decode()
    assert _v1() == expected


def test_v1_fixed_literal_vector() -> None:
    assert _v1() == V1_VECTOR


def test_v2_vector_by_primitive_steps() -> None:
    query = b"disableentitlement=&sview=%2A&setrole=3&_e=1700003600&_t=2&_u=user%40example.com"
    payload = R16 + query
    plain = hashlib.sha1(payload).digest() + payload
    plain += b"\0" * (16 - len(plain) % 16)
    expected = base64.urlsafe_b64encode(b"v2|12345|" + _aes(plain)).decode()
    assert _v2() == expected


def test_v2_fixed_literal_vector() -> None:
    assert _v2() == V2_VECTOR


def test_v2_starts_with_the_version_tag_and_keeps_padding() -> None:
    ks = _v2()
    assert ks.startswith("djJ8")
    assert "+" not in ks and "/" not in ks
    # 9 + 128 bytes encode to 184 characters ending in one "=", which the server keeps.
    assert ks.endswith("=") and len(ks) % 4 == 0


def test_v2_optional_members_written_only_when_given() -> None:
    assert "_m" not in _v2_query(_v2()) and "_d" not in _v2_query(_v2())
    query = _v2_query(_v2(master_partner_id=-2, additional_data="a b"))
    assert query.endswith("&_u=user%40example.com&_m=-2&_d=a+b")


def test_v2_urlencodes_like_php() -> None:
    # PHP's urlencode encodes "~" (Python's quote_plus would not) and writes spaces as "+".
    query = _v2_query(_v2(user_id="a b~c/d,e:f", privileges=""))
    assert query == "_e=1700003600&_t=2&_u=a+b%7Ec%2Fd%2Ce%3Af"


@pytest.mark.parametrize("user_len", range(0, 20))
def test_v2_zero_padding_only_when_unaligned(user_len: int) -> None:
    user = "u" * user_len
    ks = _v2(user_id=user, privileges="")
    query = f"_e=1700003600&_t=2&_u={user}".encode()
    plain_len = 20 + 16 + len(query)
    raw = base64.urlsafe_b64decode(ks)
    cipher_text = raw.split(b"|", 2)[2]
    padded = -(-plain_len // 16) * 16
    assert len(cipher_text) == padded  # an aligned plain gets no extra block
    plain = _v2_plain(ks)
    assert plain[plain_len:] == b"\0" * (padded - plain_len)
    assert parse_ks(ks, SECRET).user_id == user


def test_v2_already_aligned_plain_gets_no_padding() -> None:
    # 20 bytes of hash + 16 random + 28 bytes of query with a 6-character user = 64.
    ks = _v2(user_id="uuuuuu", privileges="")
    assert len(base64.urlsafe_b64decode(ks)) == len(b"v2|12345|") + 64
    assert not _v2_plain(ks).endswith(b"\0")


def test_star_privilege_becomes_all() -> None:
    assert _v2_query(_v2(privileges="*")).startswith("all=%2A&_e=")
    info = parse_ks(_v2(privileges="*"), SECRET)
    assert info.privileges_string == "*"
    assert dict(info.privileges) == {"*": ""}


def test_duplicate_privilege_last_wins_in_first_place() -> None:
    query = _v2_query(_v2(privileges="sview:a, edit:1 ,,sview:b"))
    assert query.startswith("sview=b&edit=1&_e=")


# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("make", [_v1, _v2])
def test_round_trip_with_secret(make: object) -> None:
    ks = make(  # type: ignore[operator]
        user_id="ünï user",
        type=0,
        privileges="sview:0_a/0_b,setrole:7,privacycontext:abc,disableentitlement",
        master_partner_id=99,
        additional_data="extra",
    )
    info = parse_ks(ks, SECRET)
    assert info.verified
    assert (info.partner_id, info.user_id, info.type) == (12345, "ünï user", 0)
    assert info.expires_at == NOW + 3600
    assert dict(info.privileges) == {
        "sview": "0_a/0_b",
        "setrole": "7",
        "privacycontext": "abc",
        "disableentitlement": "",
    }
    assert info.privileges_string == "sview:0_a/0_b,setrole:7,privacycontext:abc,disableentitlement"
    assert (info.master_partner_id, info.additional_data) == (99, "extra")


def test_v1_fields_and_rand_readable_without_secret() -> None:
    info = parse_ks(_v1())
    assert not info.verified and info.readable
    assert (info.version, info.partner_id, info.expires_at, info.rand) == (
        1,
        12345,
        NOW + 3600,
        "4242",
    )
    assert info.master_partner_id is None and info.additional_data is None


def test_v2_random_bytes_exposed() -> None:
    assert parse_ks(_v2(), SECRET).random_bytes == R16


def test_v2_without_secret_gives_only_version_and_partner() -> None:
    info = parse_ks(_v2())
    assert (info.version, info.partner_id, info.readable) == (2, 12345, False)
    assert info.user_id is None and info.expires_at is None and not info.privileges
    with pytest.raises(KalturaValidationError, match="admin_secret"):
        info.seconds_left()


def test_seven_field_v1_from_older_clients_parses() -> None:
    info = b"12345;12345;1700003600;0;17;bob;edit:*"
    signature = hashlib.sha1(SECRET.encode() + info).hexdigest().encode()
    ks = base64.b64encode(signature + b"|" + info).decode()
    parsed = parse_ks(ks, SECRET)
    assert (parsed.user_id, parsed.privileges["edit"], parsed.master_partner_id) == (
        "bob",
        "*",
        None,
    )


@pytest.mark.parametrize("make", [_v1, _v2])
def test_any_of_several_comma_separated_secrets(make: object) -> None:
    ks = make()  # type: ignore[operator]
    assert parse_ks(ks, f"other-secret,{SECRET}").verified
    # Generation signs with the first secret of a list, as the server does.
    assert parse_ks(generate_ks(f"{SECRET},other", 1, version=2), SECRET).verified


def test_expiry_helpers() -> None:
    info = parse_ks(_v1())
    assert info.seconds_left(now=NOW) == 3600
    assert info.seconds_left(now=NOW + 3601) == -1
    assert info.expired  # the vector's clock is in 2023
    assert not parse_ks(generate_ks(SECRET, 1, expiry=60, version=1)).expired


def test_ksinfo_is_frozen_and_privileges_read_only() -> None:
    info = parse_ks(_v1(), SECRET)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        info.user_id = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        info.privileges["edit"] = "1"  # type: ignore[index]
    assert isinstance(info, KSInfo)


@pytest.mark.parametrize("make", [_v1, _v2])
def test_repr_hides_the_ks(make: object) -> None:
    ks = make()  # type: ignore[operator]
    for info in (parse_ks(ks), parse_ks(ks, SECRET)):
        assert ks not in repr(info) and SECRET not in repr(info)
        assert "partner_id=12345" in repr(info)


# ----------------------------------------------------------------------------- tampering


def _reencode(raw: bytes, *, urlsafe: bool) -> str:
    return (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode()


def test_v1_tampered_field_is_rejected() -> None:
    raw = base64.b64decode(_v1())
    forged = _reencode(raw.replace(b";2;4242;", b";0;4242;"), urlsafe=False)
    SENSITIVE.add(forged)
    assert parse_ks(forged).type == 0  # readable, but...
    with pytest.raises(KalturaValidationError, match="signature") as err:
        parse_ks(forged, SECRET)
    assert forged not in str(err.value) and SECRET not in str(err.value)


@pytest.mark.parametrize("position", [9, 40, -1])
def test_v2_flipped_byte_is_rejected(position: int) -> None:
    raw = bytearray(base64.urlsafe_b64decode(_v2()))
    raw[position] ^= 0x01
    forged = _reencode(bytes(raw), urlsafe=True)
    SENSITIVE.add(forged)
    with pytest.raises(KalturaValidationError) as err:
        parse_ks(forged, SECRET)
    assert forged not in str(err.value) and SECRET not in str(err.value)


@pytest.mark.parametrize("make", [_v1, _v2])
def test_wrong_secret_is_rejected(make: object) -> None:
    ks = make()  # type: ignore[operator]
    with pytest.raises(KalturaValidationError):
        parse_ks(ks, "a-different-secret")


# ----------------------------------------------------------------------------- malformed


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


MALFORMED = [
    "",
    "!!!not base64!!!",
    "abcde",
    _b64(b"no separator at all"),
    _b64(b"short|1;1;1"),
    _b64(b"a" * 40 + b"|12345;12345"),
    _b64(b"a" * 40 + b"|x;x;1700000000"),
    _b64(b"a" * 40 + b"|1;1;soon"),
    _b64(b"a" * 40 + b"|1;1;1;\xff\xfe"),
    _b64(b"v2|12345"),
    _b64(b"v2|pid|" + bytes(16)),
    _b64(b"v2|12345|" + bytes(15)),
    _b64(b"v2|12345|"),
]


@pytest.mark.parametrize("ks", MALFORMED)
def test_malformed_ks_is_a_validation_error_without_the_ks(ks: str) -> None:
    with pytest.raises(KalturaValidationError) as err:
        parse_ks(ks)
    assert err.value.field == "ks"
    if ks:
        assert ks not in str(err.value) and ks not in repr(err.value)
    # Internal errors are not chained: their messages could quote pieces of the input.
    assert err.value.__cause__ is None
    assert err.value.__context__ is None or err.value.__suppress_context__


def test_garbage_v2_body_with_secret_is_rejected() -> None:
    ks = _b64(b"v2|12345|" + bytes(range(32)))
    with pytest.raises(KalturaValidationError, match="admin secret"):
        parse_ks(ks, SECRET)


def test_non_string_ks() -> None:
    with pytest.raises(KalturaValidationError):
        parse_ks(b"djJ8" * 4)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"partner_id": True}, "partner_id"),
        ({"partner_id": "12x"}, "partner_id"),
        ({"type": "2"}, "type"),
        ({"expiry": 1.5}, "expiry"),
        ({"user_id": 7}, "user_id"),
        ({"version": 3}, "version"),
        ({"version": 1, "user_id": "a;b"}, "user_id"),
        ({"version": 1, "privileges": "edit:a;b"}, "privileges"),
        ({"admin_secret": ""}, "admin_secret"),
        ({"admin_secret": ",,"}, "admin_secret"),
        ({"_random_bytes": b"short"}, "_random_bytes"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"admin_secret": SECRET, "partner_id": 1}
    args.update(kwargs)
    with pytest.raises(KalturaValidationError) as err:
        generate_ks(**args)  # type: ignore[arg-type]
    assert err.value.field == field
    assert SECRET not in str(err.value)


def test_int_enum_type_and_string_partner_id() -> None:
    import enum

    class SessionType(enum.IntEnum):
        USER = 0
        ADMIN = 2

    # A digit string (a partner id read from the environment) is tolerated at run time.
    ks = generate_ks(SECRET, "77", type=SessionType.ADMIN, version=1)  # type: ignore[arg-type]
    info = parse_ks(ks, SECRET)
    assert (info.partner_id, info.type) == (77, 2)


# ----------------------------------------------------------------------------- no crypto


@pytest.fixture
def without_cryptography(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes the import raise ImportError, as if not installed.
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.ciphers", None)


@pytest.mark.usefixtures("without_cryptography")
def test_v2_without_cryptography_names_the_extra() -> None:
    with pytest.raises(CryptoUnavailableError) as err:
        generate_ks(SECRET, 1)
    assert isinstance(err.value, ImportError) and isinstance(err.value, KalturaValidationError)
    assert "pip install 'kaltura-async[crypto]'" in str(err.value)
    with pytest.raises(CryptoUnavailableError):
        parse_ks(V2_VECTOR, SECRET)
    with pytest.raises(CryptoUnavailableError):
        SecretKSProvider(SECRET, 1)


@pytest.mark.usefixtures("without_cryptography")
def test_what_needs_no_cryptography_still_works() -> None:
    assert parse_ks(V2_VECTOR).partner_id == 12345
    assert parse_ks(generate_ks(SECRET, 1, version=1), SECRET).verified
    assert SecretKSProvider(SECRET, 1, version=1).version == 1
    assert SecretKSProvider(SECRET, 1, local=False).local is False
