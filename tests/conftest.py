"""Test-suite wide settings."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# CI and development machines have two busy cores: time-based health checks and
# per-example deadlines would fail on load, not on bugs.
settings.register_profile(
    "kaltura",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("kaltura")
