"""Secrets: no KS, admin secret, app token or tokenHash in any log record (DEBUG, the SDK's
logger and root), exception message or repr, across every way of authenticating, with
faults and rejected sessions along the way. The autouse ``secret_watch`` fixture checks
every record of every test in this suite; this test adds the reprs and messages."""

from __future__ import annotations

import re

from kaltura_async import (
    AppTokenKSProvider,
    KalturaClient,
    KalturaError,
    RetryPolicy,
    SecretKSProvider,
    StaticKS,
    parse_ks,
)
from kaltura_async.enums import AppTokenHashType
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import AppToken, MediaEntry

from .conftest import Figures, SecretWatch, admin_ks

FAST = RetryPolicy(base_delay=0.01, max_delay=0.02)
#: tokenHash values are hex digests (SHA1 .. SHA512).
HEX_DIGEST = re.compile(r"\b[0-9a-f]{40,128}\b")


async def test_no_secret_in_logs_messages_or_reprs(
    emulator: KalturaEmulator, secret_watch: SecretWatch, figures: Figures
) -> None:
    emu = emulator
    ks = admin_ks(emu, secret_watch)
    expired = admin_ks(emu, secret_watch, expiry=-10)
    forged = ks[:-6] + "AAAAAA"
    secret_watch.add(forged)
    texts: list[str] = []
    errors: list[KalturaError] = []

    async with KalturaClient(emu.url, partner_id=emu.partner_id, ks=ks, retry=FAST) as admin:
        token = await admin.app_token.add(
            app_token=AppToken(hash_type=AppTokenHashType.SHA256, session_type=2)
        )
        secret_watch.add(token.token)
        call = admin.media.get(entry_id="0_x").with_options(ks=ks)
        texts += [repr(admin), repr(admin.with_options(ks=ks)), repr(admin.options)]
        texts += [repr(call), repr(call.options), repr(parse_ks(ks, emu.admin_secret))]

    emu.faults.add(service="media", kind="reset_before", rate=0.2)
    emu.faults.add(service="media", kind="http_error", status=503, retry_after=0.01, rate=0.2)
    emu.faults.add(service="media", kind="html", rate=0.1)
    providers = [
        SecretKSProvider(emu.admin_secret, emu.partner_id),
        SecretKSProvider(emu.admin_secret, emu.partner_id, local=False),
        SecretKSProvider(emu.admin_secret, emu.partner_id, version=1),
        AppTokenKSProvider(token.id, token.token, hash_type="SHA256", partner_id=emu.partner_id),
        StaticKS(ks),
        StaticKS(expired),
        StaticKS(forged),
        SecretKSProvider("0" * 32, emu.partner_id, local=False),  # a wrong secret
    ]
    calls = 0
    for provider in providers:
        async with KalturaClient(
            emu.url, partner_id=emu.partner_id, ks_provider=provider, retry=FAST
        ) as client:
            texts += [repr(provider), repr(client)]
            for i in range(12):
                calls += 1
                try:
                    if i % 2:
                        await client.media.add(entry=MediaEntry(name=f"s-{i}"))
                    else:
                        await client.media.list()
                except KalturaError as err:
                    errors.append(err)
            secret_watch.add(getattr(provider, "_ks", None))
    texts += [text for err in errors for text in (str(err), repr(err), repr(err.__dict__))]
    for text in texts:
        secret_watch.check_text(text)
    records = [r.getMessage() for r in secret_watch.records]
    assert not [t for t in [*texts, *records] if HEX_DIGEST.search(t)]
    assert secret_watch.records, "nothing was logged: DEBUG capture is not working"
    kinds = {type(e).__name__ for e in errors}
    assert {"InvalidKSError", "KalturaHTTPError"} <= kinds, kinds
    figures.record(
        "secrets",
        "log records / reprs and messages scanned",
        f"{len(secret_watch.records)} / {len(texts)}",
    )
    figures.record("secrets", "providers exercised (with faults and rejections)", len(providers))
    figures.record("secrets", "secrets or KS-shaped strings found", len(secret_watch.leaks()))


def test_the_watch_itself_flags_secrets_and_ks_shapes() -> None:
    watch = SecretWatch()
    watch.add("an-admin-secret")
    watch.check_text("failed with secret an-admin-secret")
    watch.check_text("ks=djJ8MTAwMHwxMjM0NTY3ODkw")
    watch.check_text("media.get -> 200")
    assert len(watch.leaks()) == 2
