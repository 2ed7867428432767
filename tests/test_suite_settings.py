"""The suite's own guard rails."""

from __future__ import annotations

import pytest


def test_every_test_runs_under_a_timeout(pytestconfig: pytest.Config) -> None:
    # pytest-timeout: a hung test fails by itself instead of stalling the whole run.
    assert 0 < float(pytestconfig.getini("timeout")) <= 600
