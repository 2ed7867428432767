"""The emulator in its own process, driven over stdin/stdout with JSON lines.

Started by the scale-out tests: it prints ``{"url", "partner_id", "admin_secret"}`` once
serving, then answers one JSON line per command line:

``{"cmd": "seed", "n": N, "per_second": K}``  N READY entries, createdAt advancing one
                                            second every K entries
``{"cmd": "report"}``                       every entry (id, referenceId, status, tags,
                                            sha256 of the upload attached to it) and the
                                            action counters
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

from kaltura_async.testing import KalturaEmulator


def _report(emu: KalturaEmulator) -> dict[str, Any]:
    attached = {
        str(token.get("attachedObjectId")): token_id
        for token_id, token in emu.upload_tokens.items()
        if token.get("status") == 3 and token.get("attachedObjectId")
    }
    entries = [
        {
            "id": entry_id,
            "referenceId": entry.get("referenceId"),
            "status": entry.get("status"),
            "tags": entry.get("tags"),
            "sha256": (
                emu.upload_token_sha256(attached[entry_id]) if entry_id in attached else None
            ),
        }
        for entry_id, entry in emu.entries.items()
    ]
    counters = {f"{s}.{a}": emu.counters[(s, a)] for s, a in emu.counters}
    return {"entries": entries, "counters": counters}


def _seed(emu: KalturaEmulator, n: int, per_second: int) -> None:
    ids = emu.seed_entries(n, name_prefix="library")
    start = int(time.time()) - 10 * n
    for i, entry_id in enumerate(ids):
        emu.entries[entry_id]["createdAt"] = start + i // per_second


async def _main(latency: float) -> None:
    async with KalturaEmulator(seed=18) as emu:
        emu.set_latency(latency)
        print(
            json.dumps(
                {"url": emu.url, "partner_id": emu.partner_id, "admin_secret": emu.admin_secret}
            ),
            flush=True,
        )
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                return
            command = json.loads(line)
            if command["cmd"] == "seed":
                _seed(emu, int(command["n"]), int(command["per_second"]))
                answer: dict[str, Any] = {"ok": True}
            elif command["cmd"] == "report":
                answer = _report(emu)
            else:
                answer = {"error": f"unknown command {command['cmd']!r}"}
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    asyncio.run(_main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.0))
