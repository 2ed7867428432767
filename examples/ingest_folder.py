"""Ingest every file of a folder into media entries: bounded concurrency, resumable uploads.

Progress is kept in a small JSON state file in the folder (``.kaltura-ingest.json``): the
upload token of each file as soon as it exists, and the entry once the file is in. Run it
again after a crash or a failure and it skips finished files and resumes the others from
their token, sending only the bytes the server does not have yet.

    KALTURA_SERVICE_URL=... KALTURA_PARTNER_ID=... KALTURA_ADMIN_SECRET=... \\
        python examples/ingest_folder.py ./videos --concurrency 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread

from kaltura_async import KalturaClient, KalturaError, SecretKSProvider
from kaltura_async.enums import MediaType, UploadTokenStatus
from kaltura_async.types import MediaEntry, UploadedFileTokenResource, UploadToken

STATE_FILE = ".kaltura-ingest.json"


class State:
    """file name -> {"token": id, "entry": id}, saved atomically after every change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.files: dict[str, dict[str, str]] = {}
        if path.exists():
            self.files = json.loads(path.read_text(encoding="utf-8")).get("files", {})
        self._lock = anyio.Lock()

    async def record(self, name: str, **fields: str) -> None:
        async with self._lock:
            self.files.setdefault(name, {}).update(fields)
            text = json.dumps({"files": self.files}, indent=2, sort_keys=True)
            await anyio.to_thread.run_sync(self._write, text)

    def _write(self, text: str) -> None:
        partial = self.path.with_suffix(".tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, self.path)  # a crash leaves the old state or the new, never half


async def ingest_file(client: KalturaClient, path: Path, state: State, parallel: int) -> str:
    record = state.files.get(path.name, {})
    if "entry" in record:
        return record["entry"]
    token_id = record.get("token")
    if token_id is None:
        # Create the token first and remember it: an upload interrupted from here on
        # resumes from this token instead of starting over.
        size = (await anyio.Path(path).stat()).st_size
        token = await client.upload_token.add(
            upload_token=UploadToken(file_name=path.name, file_size=float(size))
        )
        assert token.id is not None
        token_id = token.id
        await state.record(path.name, token=token_id)
        full = False
    else:
        token = await client.upload_token.get(upload_token_id=token_id)
        full = token.status == UploadTokenStatus.FULL_UPLOAD
    if not full:  # sends only what the token does not hold yet
        await client.upload(path, upload_token_id=token_id, parallel=parallel)
    # Entry and content in one request: the entry never exists without its content.
    mr = client.multirequest()
    added = mr.add(
        client.media.add(
            entry=MediaEntry(name=path.stem, media_type=MediaType.VIDEO, reference_id=path.name)
        )
    )
    content = mr.add(
        client.media.add_content(
            entry_id=added.id, resource=UploadedFileTokenResource(token=token_id)
        )
    )
    entry = (await mr.execute())[content]
    assert entry.id is not None
    await state.record(path.name, entry=entry.id)
    return entry.id


def list_files(root: Path, pattern: str) -> list[Path]:
    return sorted(p for p in root.glob(pattern) if p.is_file() and p.name != STATE_FILE)


async def main(
    folder: str | Path,
    *,
    service_url: str,
    partner_id: int,
    admin_secret: str,
    concurrency: int = 3,
    parallel: int = 2,
    pattern: str = "*",
) -> dict[str, Any]:
    """Ingest the folder; returns {file name: entry id, or the error that stopped it}."""
    root = Path(folder)
    files = list_files(root, pattern)
    state = State(root / STATE_FILE)
    limiter = anyio.CapacityLimiter(concurrency)  # files in flight; `parallel` chunks each
    outcome: dict[str, Any] = {}

    async def one(path: Path) -> None:
        async with limiter:
            try:
                outcome[path.name] = await ingest_file(client, path, state, parallel)
            except KalturaError as err:  # keep going; the next run resumes this file
                outcome[path.name] = err

    provider = SecretKSProvider(admin_secret, partner_id, type=2)
    async with KalturaClient(service_url, partner_id=partner_id, ks_provider=provider) as client:
        async with anyio.create_task_group() as tg:
            for path in files:
                tg.start_soon(one, path)
    return {name: outcome[name] for name in sorted(outcome)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--concurrency", type=int, default=3, help="files at once")
    parser.add_argument("--parallel", type=int, default=2, help="chunks at once, per file")
    parser.add_argument("--pattern", default="*", help="glob, e.g. '*.mp4'")
    options = parser.parse_args()
    results = asyncio.run(
        main(
            options.folder,
            service_url=os.environ.get("KALTURA_SERVICE_URL", "https://www.kaltura.com"),
            partner_id=int(os.environ["KALTURA_PARTNER_ID"]),
            admin_secret=os.environ["KALTURA_ADMIN_SECRET"],
            concurrency=options.concurrency,
            parallel=options.parallel,
            pattern=options.pattern,
        )
    )
    failed = 0
    for name, result in results.items():
        failed += isinstance(result, Exception)
        print(f"{name}: {result}")
    sys.exit(1 if failed else 0)
