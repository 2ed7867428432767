"""Decoding a large answer off the loop leaves the application's garbage-collector state alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from kaltura_async._answers import in_worker


@pytest.fixture
def app_froze_objects() -> Iterator[int]:
    """An application that froze its objects (as a pre-fork server does before ``fork``)."""
    gc.freeze()
    frozen = gc.get_freeze_count()
    try:
        yield frozen
    finally:
        gc.unfreeze()


def _build() -> list[dict[str, int]]:
    return [{"n": n} for n in range(10_000)]


def test_objects_the_application_froze_stay_frozen(app_froze_objects: int) -> None:
    built = in_worker(_build)
    assert len(built) == 10_000
    # Frozen objects that die are freed by reference counting, so the count may drop a
    # little; an unfreeze would drop it to zero.
    assert gc.get_freeze_count() > app_froze_objects // 2
    assert gc.isenabled()


def test_the_answer_is_not_left_frozen() -> None:
    # Not zero on every interpreter: CPython 3.12 starts with objects of its own frozen.
    before = gc.get_freeze_count()
    built = in_worker(_build)
    assert len(built) == 10_000
    assert gc.get_freeze_count() == before
    assert gc.isenabled()
