"""The official KalturaApiClient (XML only, sync) works unmodified against the emulator.

The official client is a test-time dependency only; the package never imports it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from KalturaClient import KalturaClient, KalturaConfiguration
from KalturaClient.exceptions import KalturaException
from KalturaClient.Plugins.Core import (
    KalturaEntryStatus,
    KalturaMediaEntry,
    KalturaMediaEntryFilter,
    KalturaMediaType,
    KalturaSessionType,
)

from kaltura_async.testing import KalturaEmulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[KalturaEmulator]:
    with KalturaEmulator.run_in_thread() as emu:
        yield emu


@pytest.fixture
def client(emulator: KalturaEmulator) -> KalturaClient:
    config = KalturaConfiguration(emulator.partner_id)
    config.serviceUrl = emulator.url
    client = KalturaClient(config)
    ks = client.session.start(
        emulator.admin_secret, "tester", KalturaSessionType.ADMIN, emulator.partner_id
    )
    client.setKs(ks)
    return client


def test_session_start_rejects_a_bad_secret(emulator: KalturaEmulator) -> None:
    config = KalturaConfiguration(emulator.partner_id)
    config.serviceUrl = emulator.url
    with pytest.raises(KalturaException) as caught:
        KalturaClient(config).session.start(
            "bad", "", KalturaSessionType.ADMIN, emulator.partner_id
        )
    assert caught.value.code == "START_SESSION_ERROR"


def test_media_crud(client: KalturaClient) -> None:
    entry = KalturaMediaEntry()
    entry.name = "conformance"
    entry.mediaType = KalturaMediaType.VIDEO
    added = client.media.add(entry)
    assert added.id.startswith("0_") and added.status.getValue() == KalturaEntryStatus.NO_CONTENT
    got = client.media.get(added.id)
    assert got.name == "conformance" and got.mediaType.getValue() == KalturaMediaType.VIDEO
    flt = KalturaMediaEntryFilter()
    flt.idEqual = added.id
    listed = client.media.list(flt)
    assert listed.totalCount == 1 and listed.objects[0].id == added.id
    change = KalturaMediaEntry()
    change.description = "updated"
    assert client.media.update(added.id, change).description == "updated"
    client.media.delete(added.id)
    with pytest.raises(KalturaException) as caught:
        client.media.get(added.id)
    assert caught.value.code == "ENTRY_ID_NOT_FOUND"


def test_multirequest_with_chained_results(client: KalturaClient) -> None:
    entry = KalturaMediaEntry()
    entry.name = "chained"
    entry.mediaType = KalturaMediaType.AUDIO
    client.startMultiRequest()
    added = client.media.add(entry)
    client.media.get(added.id)
    client.media.get("0_missing")
    results = client.doMultiRequest()
    assert len(results) == 3
    assert results[1].id == results[0].id and results[1].name == "chained"
    assert isinstance(results[2], KalturaException)
    assert results[2].code == "ENTRY_ID_NOT_FOUND"
