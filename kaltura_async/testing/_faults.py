"""Seeded fault injection, targetable by service and action.

Kinds (``FaultRule.kind``):

- ``latency``: sleep ``latency`` seconds before handling, then answer normally.
- ``http_error``: answer HTTP ``status`` (500/502/503...) with an HTML body, optional
  ``Retry-After``; the action does not run.
- ``too_many_requests``: HTTP 429 with ``Retry-After`` (default 1); the action does not run.
- ``reset_before``: drop the TCP connection (RST) before the action runs.
- ``reset_after``: run the action, then drop the connection: the response is lost.
- ``truncated``: run the action, send headers and half the body, then drop the connection.
- ``html``: answer an HTML page with HTTP ``status`` (default 200) instead of the API
  response; the action does not run.
- ``action_blocked``: the call answers the API error ``ACTION_BLOCKED`` (HTTP 200); inside a
  multirequest only the matching sub-requests are blocked.

A rule fires with probability ``rate`` (drawn from the emulator's seeded RNG) at most
``count`` times (None: unlimited). ``service``/``action`` of None match anything; a
multirequest matches a rule when any of its sub-requests does, or when the rule names the
service ``multirequest``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

__all__ = ["FaultKind", "FaultRule", "Faults"]

FaultKind = Literal[
    "latency",
    "http_error",
    "too_many_requests",
    "reset_before",
    "reset_after",
    "truncated",
    "html",
    "action_blocked",
]
_KINDS = frozenset(FaultKind.__args__)  # type: ignore[attr-defined]
BEFORE = frozenset({"http_error", "too_many_requests", "reset_before", "html"})
AFTER = frozenset({"reset_after", "truncated"})


@dataclass
class FaultRule:
    kind: FaultKind
    service: str | None = None
    action: str | None = None
    rate: float = 1.0
    count: int | None = None
    status: int | None = None
    retry_after: float | str | None = None
    latency: float = 0.0
    fired: int = 0

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(_KINDS)}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be within [0, 1]")

    def targets(self, service: str, action: str) -> bool:
        return (self.service is None or self.service.lower() == service.lower()) and (
            self.action is None or self.action.lower() == action.lower()
        )

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.fired >= self.count


class Faults:
    """The active rules, a global latency, and the seeded RNG that decides when rules fire."""

    def __init__(self, seed: int) -> None:
        self.rules: list[FaultRule] = []
        self.latency = 0.0
        self._rng = random.Random(seed)

    def add(self, rule: FaultRule | None = None, /, **fields: object) -> FaultRule:
        """Add ``rule``, or build one from keyword fields (``kind=...`` required)."""
        if rule is None:
            rule = FaultRule(**fields)  # type: ignore[arg-type]
        self.rules.append(rule)
        return rule

    def clear(self) -> None:
        self.rules.clear()
        self.latency = 0.0

    def reseed(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def _fire(self, rule: FaultRule) -> bool:
        if rule.exhausted or self._rng.random() >= rule.rate:
            return False
        rule.fired += 1
        return True

    def draw(self, targets: list[tuple[str, str]]) -> list[FaultRule]:
        """The transport-level rules that fire for one HTTP request."""
        fired: list[FaultRule] = []
        for rule in self.rules:
            if rule.kind == "action_blocked":
                continue
            if any(rule.targets(s, a) for s, a in targets) and self._fire(rule):
                fired.append(rule)
        return fired

    def blocked(self, service: str, action: str) -> bool:
        """Whether an ``action_blocked`` rule fires for one call."""
        return any(
            rule.kind == "action_blocked" and rule.targets(service, action) and self._fire(rule)
            for rule in self.rules
        )
