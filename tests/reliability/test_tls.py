"""TLS: certificates are verified by default; turning that off is explicit and logged."""

from __future__ import annotations

import datetime
import ipaddress
import logging
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kaltura_async import KalturaClient, KalturaConnectionError, RetryPolicy

from .conftest import Figures, SecretWatch

ANSWER = b'{"objectType":"KalturaMediaEntry","id":"0_tls","name":"over tls"}'


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A fresh self-signed certificate for 127.0.0.1, made at test time."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kaltura-async test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TLSServer:
    def __init__(self, url: str, cert: Path) -> None:
        self.url = url
        self.cert = cert
        self.requests = 0


@pytest_asyncio.fixture
async def tls_server(tmp_path: Path) -> AsyncIterator[TLSServer]:
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server: TLSServer | None = None

    async def handle(request: web.Request) -> web.Response:
        assert server is not None
        server.requests += 1
        await request.read()
        return web.Response(body=ANSWER, content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    server = TLSServer(f"https://127.0.0.1:{runner.addresses[0][1]}", cert)
    try:
        yield server
    finally:
        await runner.cleanup()


FAST = RetryPolicy(base_delay=0.01, max_delay=0.02)


async def test_verification_is_on_by_default(
    tls_server: TLSServer, secret_watch: SecretWatch, figures: Figures
) -> None:
    async with KalturaClient(tls_server.url, partner_id=1, retry=FAST) as client:
        with pytest.raises(KalturaConnectionError, match="certificate") as info:
            await client.media.get(entry_id="0_tls")
    assert info.value.request_sent is False
    assert tls_server.requests == 0
    # Retrying cannot make an untrusted certificate trusted: the first failure is final.
    retries = [r for r in secret_watch.records if r.getMessage().startswith("retrying")]
    assert not retries
    figures.record(
        "tls",
        "self-signed server, default client",
        f"KalturaConnectionError, {tls_server.requests} requests served, {len(retries)} retries",
    )


async def test_turning_verification_off_is_explicit_and_logged(
    tls_server: TLSServer, secret_watch: SecretWatch, figures: Figures
) -> None:
    warnings_before = [r for r in secret_watch.records if r.levelno >= logging.WARNING]
    assert not warnings_before
    async with KalturaClient(tls_server.url, partner_id=1, verify_ssl=False) as client:
        entry = await client.media.get(entry_id="0_tls")
    assert entry.id == "0_tls"
    warnings = [
        r
        for r in secret_watch.records
        if r.levelno == logging.WARNING and r.name == "kaltura_async"
    ]
    assert len(warnings) == 1 and "verification is OFF" in warnings[0].getMessage()
    figures.record("tls", "verify_ssl=False", "works, 1 WARNING logged")


async def test_a_context_trusting_the_certificate_works(
    tls_server: TLSServer, secret_watch: SecretWatch, figures: Figures
) -> None:
    context = ssl.create_default_context(cafile=str(tls_server.cert))
    async with KalturaClient(tls_server.url, partner_id=1, verify_ssl=context) as client:
        entry = await client.media.get(entry_id="0_tls")
    assert entry.name == "over tls"
    assert not [r for r in secret_watch.records if r.levelno >= logging.WARNING]
    figures.record("tls", "custom ssl.SSLContext trusting the cert", "works, no warning")
