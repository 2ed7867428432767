"""Fixtures of the multirequest unit tests: the scripted server of the core tests."""

from __future__ import annotations

from tests.core.conftest import ScriptedServer, server

__all__ = ["ScriptedServer", "server"]
