"""Examples run against the emulator: its fixtures, and a loader for examples/*.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kaltura_async.testing import KalturaEmulator
from kaltura_async.testing.pytest_plugin import kaltura_client, kaltura_emulator

__all__ = ["kaltura_client", "kaltura_emulator"]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_example(name: str) -> ModuleType:
    """Import examples/<name>.py (the folder is not a package: examples stand alone)."""
    module_name = f"kaltura_examples_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def account(kaltura_emulator: KalturaEmulator) -> dict[str, object]:
    """What each example's main takes to reach the emulator, as it would an account."""
    return {
        "service_url": kaltura_emulator.url,
        "partner_id": kaltura_emulator.partner_id,
        "admin_secret": kaltura_emulator.admin_secret,
    }
