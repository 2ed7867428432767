"""Generated modules load only when used; checked in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_PROBE = """
import json, sys

def loaded(prefix):
    return sorted(m for m in sys.modules if m.startswith(prefix))

def generated(prefix):
    # the generated modules proper: registries and helpers (_registry, _accessors) excluded
    return [m for m in loaded(prefix) if not m.rsplit(".", 1)[1].startswith("_")]

out = {}
import kaltura_async
out["after_import"] = loaded("kaltura_async.types") + loaded("kaltura_async.enums") + loaded(
    "kaltura_async.services"
)
import kaltura_async.types as types, kaltura_async.enums as enums
from kaltura_async.services._registry import SERVICES
from kaltura_async.services._accessors import ServiceAccessors
from kaltura_async.types._registry import OBJECT_TYPES
out["after_packages"] = (
    generated("kaltura_async.types.")
    + generated("kaltura_async.enums.")
    + generated("kaltura_async.services.")
)
entry = types.MediaEntry
out["media_entry"] = entry.__kaltura_object_type__
out["types_after_media_entry"] = generated("kaltura_async.types.")
out["media_type"] = int(enums.MediaType.VIDEO)
out["enums_after_media_type"] = generated("kaltura_async.enums.")
client = kaltura_async.KalturaClient("http://127.0.0.1:9", partner_id=1)
out["service_class"] = type(client.media).__name__
out["services_loaded"] = generated("kaltura_async.services.")
out["same_service"] = client.media is client.media
print(json.dumps(out))
"""


def test_generated_modules_load_lazily() -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["after_import"] == []
    assert out["after_packages"] == []
    assert out["media_entry"] == "KalturaMediaEntry"
    # the class and its bases, nothing else (its field types stay unimported)
    assert out["types_after_media_entry"] == [
        "kaltura_async.types.base_entry",
        "kaltura_async.types.media_entry",
        "kaltura_async.types.playable_entry",
    ]
    assert out["media_type"] == 1
    assert out["enums_after_media_type"] == ["kaltura_async.enums.media_type"]
    assert out["service_class"] == "MediaService"
    assert out["services_loaded"] == ["kaltura_async.services.media"]
    assert out["same_service"] is True
