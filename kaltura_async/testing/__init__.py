"""kaltura_async.testing: a local Kaltura api_v3 emulator, its CLI and a pytest plugin.

The emulator is an independent server-side implementation of the wire protocol: it works on
raw parameters and JSON and never imports the SDK's codec, models, services or client, so a
bug in one cannot hide a bug in the other. Its knowledge of the API comes from the compact
schema index shipped in the package.

::

    async with KalturaEmulator(transcode_delay=0) as emu:
        ks = emu.admin_ks()
        ...  # talk to emu.url

Actions that exist in the API but are not emulated answer the API error
``ACTION_NOT_EMULATED`` (args ``SERVICE_NAME``, ``ACTION_NAME``); :func:`coverage` lists, per
service, the actions served by hand-written handlers, by the generic schema-driven engine, and
not at all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._coverage import coverage
    from ._emulator import KalturaEmulator
    from ._faults import FaultKind, FaultRule, Faults
    from ._state import ActionCounters

__all__ = ["ActionCounters", "FaultKind", "FaultRule", "Faults", "KalturaEmulator", "coverage"]

# Loaded on first use: the pytest plugin (``kaltura_async.testing.pytest_plugin``) lives in
# this package and is imported by every pytest run in an environment that has the SDK, so
# importing the package must not load the emulator (its server, schema index, KS crypto).
_HOMES = {
    "ActionCounters": "._state",
    "FaultKind": "._faults",
    "FaultRule": "._faults",
    "Faults": "._faults",
    "KalturaEmulator": "._emulator",
    "coverage": "._coverage",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
