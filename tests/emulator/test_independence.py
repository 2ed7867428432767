"""The emulator stands apart from the SDK: it imports none of its codec, models or services,
so an SDK bug cannot hide behind the emulator agreeing with it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kaltura_async.testing

PACKAGE = Path(kaltura_async.testing.__file__).parent
# The pytest plugin is the one bridge: its ``kaltura_client`` fixture hands tests an SDK
# client pointed at the emulator.
BRIDGES = {"pytest_plugin.py"}
# The command line (``python -m kaltura_async.testing``) shares the package's argument parser,
# which holds no API knowledge.
SHARED = {"_argparse"}

_SERVE = """
import asyncio, json, sys, urllib.request
from kaltura_async.testing import KalturaEmulator

async def main():
    async with KalturaEmulator() as emu:
        ks = emu.admin_ks()
        loop = asyncio.get_running_loop()
        for service, action, body in [
            ("accessControlProfile", "add",
             {"accessControlProfile": {"objectType": "KalturaAccessControlProfile"}}),
            ("accessControlProfile", "list", {}),
            ("media", "list", {}),
        ]:
            data = json.dumps({"format": 1, "ks": ks, **body}).encode()
            url = f"{emu.url}/api_v3/service/{service}/action/{action}"
            req = urllib.request.Request(url, data, {"Content-Type": "application/json"})
            answer = await loop.run_in_executor(None, lambda: urllib.request.urlopen(req).read())
            assert b"KalturaAPIException" not in answer, answer
    print(json.dumps(sorted(m for m in sys.modules if m.startswith("kaltura_async"))))

asyncio.run(main())
"""


def test_serving_loads_no_sdk_module() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SERVE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(__import__("json").loads(out.stdout.strip().splitlines()[-1]))
    outside = {
        m for m in loaded if m != "kaltura_async" and not m.startswith("kaltura_async.testing")
    }
    assert outside == set()


def test_no_module_imports_the_sdk() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in BRIDGES:
            continue
        depth = len(path.relative_to(PACKAGE).parts)  # 1 in testing/, 2 in testing/_services/
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                escapes = node.level > depth and node.module not in SHARED
                absolute = node.level == 0 and (node.module or "").startswith("kaltura_async")
                inside = (node.module or "").startswith("kaltura_async.testing")
                if escapes or (absolute and not inside):
                    offenders.append(f"{path.name}: from {'.' * node.level}{node.module}")
            elif isinstance(node, ast.Import):
                offenders += [
                    f"{path.name}: import {a.name}"
                    for a in node.names
                    if a.name.startswith("kaltura_async")
                    and not a.name.startswith("kaltura_async.testing")
                ]
    assert offenders == []
