"""The argument checks shared by the handwritten modules: one helper per kind of check.

Each raises :class:`KalturaValidationError` naming the argument, before any I/O. A bool is
never accepted where an int is asked for (``True`` is an ``int`` to Python, not to us).
"""

from __future__ import annotations

from ._errors import KalturaValidationError

__all__ = ["check_int", "check_optional_int", "check_str"]


def check_int(value: object, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int within ``[low, high]`` (either bound optional)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or (low is not None and value < low)
        or (high is not None and value > high)
    ):
        bounds = "".join(
            (
                f" >= {low}" if low is not None else "",
                " and" if low is not None and high is not None else "",
                f" <= {high}" if high is not None else "",
            )
        )
        raise KalturaValidationError(f"{name} must be an int{bounds}", field=name)
    return int(value)  # a plain int, also for an IntEnum member


def check_optional_int(
    value: object, name: str, *, low: int | None = None, high: int | None = None
) -> int | None:
    """None, or what :func:`check_int` accepts."""
    return None if value is None else check_int(value, name, low=low, high=high)


def check_str(value: object, name: str, *, non_empty: bool = False) -> str:
    """``value`` as a str (a non-empty one with ``non_empty``)."""
    if not isinstance(value, str):
        raise KalturaValidationError(f"{name} must be a str", field=name)
    if non_empty and not value:
        raise KalturaValidationError(f"{name} must be a non-empty str", field=name)
    return value
