"""Upload integrity under faults: 50 chunked uploads while a third of the chunk requests
fail; every file on the server is byte-identical to its source."""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio

from kaltura_async import KalturaClient, RetryPolicy
from kaltura_async.testing import KalturaEmulator
from tests.conftest import ConnectionCount

from .conftest import Figures, SecretWatch, admin_ks

UPLOADS = 50
AT_ONCE = 8
CHUNK = 16 * 1024
CHUNK_FAULTS: tuple[tuple[str, float, dict[str, Any]], ...] = (
    ("reset_before", 0.08, {}),
    ("reset_after", 0.08, {}),
    ("truncated", 0.05, {}),
    ("http_error", 0.05, {"status": 503, "retry_after": 0.01}),
    ("too_many_requests", 0.03, {"retry_after": 0.01}),
    ("html", 0.02, {}),
    ("latency", 0.05, {"latency": 0.05}),  # reorders parallel chunks
)


async def stream(data: bytes, piece: int) -> AsyncIterator[bytes]:
    for i in range(0, len(data), piece):
        yield data[i : i + piece]


def source_of(i: int, data: bytes, tmp_path: Path) -> Any:
    """Every kind of source the SDK takes: bytes, a path, a binary file, an async stream."""
    kind = i % 4
    if kind == 0:
        return data
    if kind == 1:
        path = tmp_path / f"upload-{i}.bin"
        path.write_bytes(data)
        return path
    if kind == 2:
        return io.BytesIO(data)
    return stream(data, 5_000)


async def test_fifty_uploads_byte_identical_under_chunk_faults(
    connections: ConnectionCount,
    emulator: KalturaEmulator,
    secret_watch: SecretWatch,
    figures: Figures,
    tmp_path: Path,
) -> None:
    emu = emulator
    rules = [
        emu.faults.add(service="uploadToken", action="upload", kind=kind, rate=rate, **extra)
        for kind, rate, extra in CHUNK_FAULTS
    ]
    rng = random.Random(5)
    sources = [rng.randbytes(rng.randint(1, 12 * CHUNK)) for _ in range(UPLOADS)]
    tokens: dict[int, str] = {}
    slots = anyio.Semaphore(AT_ONCE)
    async with KalturaClient(
        emu.url,
        partner_id=emu.partner_id,
        ks=admin_ks(emu, secret_watch),
        # The policy is each chunk's whole budget of attempts: at 31% of chunk requests
        # failing, 11 attempts make losing a chunk a one-in-a-thousand-runs event.
        retry=RetryPolicy(max_retries=10, base_delay=0.01, max_delay=0.05),
    ) as client:

        async def one(i: int) -> None:
            async with slots:
                token = await client.upload(
                    source_of(i, sources[i], tmp_path),
                    file_name=f"clip-{i}.mp4",
                    chunk_size=CHUNK,
                    parallel=3,
                )
                tokens[i] = token.id

        with anyio.fail_after(120):
            async with anyio.create_task_group() as tg:
                for i in range(UPLOADS):
                    tg.start_soon(one, i)
        acquired = connections.in_use

    mismatched = [
        i
        for i, data in enumerate(sources)
        if emu.upload_token_sha256(tokens[i]) != hashlib.sha256(data).hexdigest()
    ]
    chunks = sum(max(1, -(-len(data) // CHUNK)) for data in sources)
    requests = emu.counters[("uploadToken", "upload")]
    faulted = sum(rule.fired for rule in rules)
    assert len(tokens) == UPLOADS
    assert not mismatched
    assert all(emu.upload_tokens[t]["status"] == 2 for t in tokens.values())  # FULL_UPLOAD
    assert acquired == 0
    assert faulted >= chunks * 0.2, (faulted, chunks)
    figures.record(
        "uploads",
        "uploads (bytes, paths, files, streams) / bytes",
        f"{UPLOADS} / {sum(map(len, sources))}",
    )
    figures.record("uploads", "chunks / chunk requests faulted", f"{chunks} / {faulted}")
    figures.record("uploads", "uploadToken.upload actions the server ran", requests)
    figures.record("uploads", "files not byte-identical (sha256)", len(mismatched))
