"""Import cost: ``import kaltura_async`` + building a client, against ``import aiohttp`` alone.

Every sample is a fresh interpreter that times only the statements under test (the
interpreter's own start-up is the same for all and left out). kaltura-async imports
aiohttp itself, so its ratio is the price of the SDK on top of its HTTP library. The first
``client.media`` access imports the generated service module and is timed apart, and so is
the official client's import and construction.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import _official
from ._harness import Contender, Scenario, blocking, markdown, measure, summarize, write_json

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "import aiohttp"
SDK = "import kaltura_async + KalturaClient(...)"
FIRST_MEDIA = "first client.media access (after the above)"
SDK_AND_MEDIA = "import + KalturaClient(...) + client.media"
OFFICIAL = f"{_official.NAME}: import + KalturaClient(config)"

_CONSTRUCT = (
    "import kaltura_async\n"
    "client = kaltura_async.KalturaClient('https://www.kaltura.com', partner_id=1, ks='x')\n"
)

#: name -> (setup run untimed, statements timed)
CASES: dict[str, tuple[str, str]] = {
    BASELINE: ("", "import aiohttp\n"),
    SDK: ("", _CONSTRUCT),
    FIRST_MEDIA: (_CONSTRUCT, "client.media\n"),
    SDK_AND_MEDIA: ("", _CONSTRUCT + "client.media\n"),
    OFFICIAL: (
        "",
        "from KalturaClient import KalturaClient, KalturaConfiguration\n"
        "client = KalturaClient(KalturaConfiguration())\n",
    ),
}

_CHILD = """
import sys, time
setup, body = sys.argv[1], sys.argv[2]
scope = {}
exec(setup, scope)
start = time.perf_counter()
exec(body, scope)
print(time.perf_counter() - start)
"""


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def timed_in_child(setup: str, body: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, setup, body],
        capture_output=True,
        text=True,
        check=True,
        env=_child_env(),
        timeout=120,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _contender(name: str) -> Contender:
    setup, body = CASES[name]
    return Contender(name, blocking(lambda: timed_in_child(setup, body)), self_timed=True)


async def run(quick: bool = False) -> list[dict[str, Any]]:
    names = [BASELINE, SDK, FIRST_MEDIA, SDK_AND_MEDIA]
    notes = ""
    if _official.available():
        names.append(OFFICIAL)
    else:
        notes = _official.MISSING_NOTE
    sc = Scenario(
        "import + client construction (fresh interpreters)",
        BASELINE,
        [_contender(n) for n in names],
        unit="time",
        notes=notes,
    )
    return summarize(await measure(sc, rounds=5 if quick else 21))


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (argv if argv is not None else sys.argv[1:])
    rows = asyncio.run(run(quick))
    print(markdown(rows))
    write_json("import", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
