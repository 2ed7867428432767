"""File parameters of ordinary calls (multipart), and the local path never leaving the SDK."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kaltura_async import KalturaClient
from kaltura_async.enums import UploadTokenStatus
from kaltura_async.testing import KalturaEmulator
from kaltura_async.types import UploadToken

from .conftest import CHUNK, SOURCE_KINDS, assembled, random_bytes, sha256, tid


@pytest.mark.parametrize("kind", SOURCE_KINDS)
async def test_upload_token_upload_takes_every_file_kind(
    client: KalturaClient,
    emu: KalturaEmulator,
    source_factory: Callable[[str, bytes], Any],
    kind: str,
) -> None:
    data = random_bytes(3 * CHUNK + 1)
    token = await client.upload_token.add(upload_token=UploadToken(file_name="x.bin"))
    assert token.id is not None
    done = await client.upload_token.upload(
        upload_token_id=token.id, file_data=source_factory(kind, data)
    )
    assert done.status == UploadTokenStatus.FULL_UPLOAD
    assert assembled(emu, token) == sha256(data)
    expected = "clip.mp4" if kind in ("path", "str path", "file") else "file.bin"
    assert emu.multipart_filenames == [expected]


async def test_no_local_path_reaches_the_server(
    client: KalturaClient, emu: KalturaEmulator, tmp_path: Path
) -> None:
    secret_dir = tmp_path / "home" / "alice" / "private projects"
    secret_dir.mkdir(parents=True)
    path = secret_dir / "board meeting.mov"
    path.write_bytes(random_bytes(2 * CHUNK + 3))

    token = await client.upload(path, chunk_size=CHUNK)
    with path.open("rb") as fh:
        await client.upload(fh, chunk_size=CHUNK)
    await client.upload(b"abc", file_name=str(path))
    await client.upload(b"abc", file_name="C:\\Users\\alice\\board meeting.mov")
    await client.ingest(path, chunk_size=CHUNK)
    token2 = await client.upload_token.add(upload_token=UploadToken(file_name="y"))
    assert token2.id is not None
    await client.upload_token.upload(upload_token_id=token2.id, file_data=path)

    names = emu.multipart_filenames
    assert len(names) >= 8
    assert set(names) == {"board meeting.mov"}
    token_names = {t.get("fileName") for t in emu.upload_tokens.values()}
    assert token_names == {"board meeting.mov", "y"}
    assert emu.upload_tokens[tid(token)]["fileName"] == "board meeting.mov"
