"""examples/ingest_folder.py ingests a folder, and a second run resumes what failed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from kaltura_async import KalturaClient
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import UploadToken

from .conftest import load_example

ingest = load_example("ingest_folder")


def make_folder(folder: Path, count: int) -> dict[str, bytes]:
    files = {}
    for i in range(count):
        data = bytes([i]) * (150_000 + i * 1_000)
        (folder / f"clip-{i}.mp4").write_bytes(data)
        files[f"clip-{i}.mp4"] = data
    return files


async def test_ingests_every_file_byte_for_byte(
    kaltura_emulator: KalturaEmulator, account: dict[str, Any], tmp_path: Path
) -> None:
    files = make_folder(tmp_path, 5)
    results = await ingest.main(tmp_path, **account, concurrency=2, parallel=2)
    assert sorted(results) == sorted(files)
    state = json.loads((tmp_path / ingest.STATE_FILE).read_text())["files"]
    for name, data in files.items():
        entry_id = results[name]
        assert isinstance(entry_id, str)
        assert state[name]["entry"] == entry_id
        entry = kaltura_emulator.entries[entry_id]
        assert entry["referenceId"] == name
        token = state[name]["token"]
        assert kaltura_emulator.upload_token_sha256(token) == hashlib.sha256(data).hexdigest()
    assert kaltura_emulator.counters[("uploadToken", "add")] == 5


async def test_a_second_run_resumes_failures_and_skips_done_files(
    kaltura_emulator: KalturaEmulator, account: dict[str, Any], tmp_path: Path
) -> None:
    files = make_folder(tmp_path, 4)
    # The first run loses two entries: media.add is refused twice (after their uploads).
    kaltura_emulator.faults.add(kind="action_blocked", service="media", action="add", count=2)
    first = await ingest.main(tmp_path, **account, concurrency=1)
    failed = sorted(name for name, result in first.items() if isinstance(result, Exception))
    assert len(failed) == 2
    state = json.loads((tmp_path / ingest.STATE_FILE).read_text())["files"]
    assert all("token" in state[name] and "entry" not in state[name] for name in failed)

    second = await ingest.main(tmp_path, **account, concurrency=2)
    assert all(isinstance(result, str) for result in second.values())
    for name in files:
        if name not in failed:
            assert second[name] == first[name]  # done files are skipped, not ingested again
    # The failed files reused their tokens: no new token was created.
    assert kaltura_emulator.counters[("uploadToken", "add")] == 4
    assert (
        len({e["referenceId"] for e in kaltura_emulator.entries.values() if "referenceId" in e})
        == 4
    )


async def test_a_partial_upload_resumes_from_its_token(
    kaltura_emulator: KalturaEmulator,
    kaltura_client: KalturaClient,
    account: dict[str, Any],
    tmp_path: Path,
) -> None:
    data = make_folder(tmp_path, 1)["clip-0.mp4"]
    # A previous run created the token and got a third of the file up before it died.
    token = await kaltura_client.upload_token.add(
        upload_token=UploadToken(file_name="clip-0.mp4", file_size=float(len(data)))
    )
    assert token.id is not None
    await kaltura_client.upload_token.upload(
        upload_token_id=token.id, file_data=data[:50_000], resume=False, final_chunk=False
    )
    (tmp_path / ingest.STATE_FILE).write_text(
        json.dumps({"files": {"clip-0.mp4": {"token": token.id}}})
    )

    results = await ingest.main(tmp_path, **account)
    assert isinstance(results["clip-0.mp4"], str)
    assert kaltura_emulator.upload_token_sha256(token.id) == hashlib.sha256(data).hexdigest()
    assert kaltura_emulator.counters[("uploadToken", "add")] == 1  # the same token, resumed
    assert kaltura_emulator.counters[("uploadToken", "upload")] == 2  # ours, then the rest once
