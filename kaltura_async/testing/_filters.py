"""List filters: a filter object's ``<field><Operator>`` properties as compiled conditions.

The operator is read from the property name's suffix, as the server's ``baseObjectFilter``
does (``alpha/lib/model/filters/baseObjectFilter.php``): ``Equal``, ``NotEqual``, ``In``,
``NotIn``, ``GreaterThan``, ``GreaterThanOrEqual``, ``LessThan``, ``LessThanOrEqual``, their
``OrNull`` variants (a null field matches too), ``Like`` (substring), ``StartsWith``,
``MultiLikeOr`` / ``MultiLikeAnd`` (comma-separated substrings), ``MatchOr`` / ``MatchAnd``
(comma-separated words of a word list such as ``tags`` or ``categoriesIds``), ``NotContains``
(none of the words), ``Empty`` (1: the field is null or empty; 0: it is not).

Two server rules live here:

- ``In`` and ``NotIn`` lists are truncated, not refused: the first 150 values for entry
  lists (the search layer, ``SphinxCriterion::MAX_IN_VALUES``), the first 500 elsewhere
  (``filters.class.php``, ``$maxInValues``). See docs/protocol-notes.md.
- Time values are already relative-resolved when the filter is cast (``_casting``).

Filter properties on fields the emulator does not store are ignored rather than matching
nothing, so a filter the emulator cannot evaluate widens a list instead of emptying it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ENTRY_MAX_IN_VALUES",
    "MAX_IN_VALUES",
    "Condition",
    "compile_conditions",
    "matcher",
    "parse_conditions",
    "split_filter_key",
    "wire_text",
]

#: ``SphinxCriterion::MAX_IN_VALUES``: entry lists keep the first 150 values of an In/NotIn.
ENTRY_MAX_IN_VALUES = 150
#: ``filters.class.php`` ``$maxInValues``: the SQL layer keeps the first 500.
MAX_IN_VALUES = 500

# Longest first, so "GreaterThanOrEqualOrNull" is not read as "...OrEqual" + "OrNull" etc.
_SUFFIXES = (
    "GreaterThanOrEqualOrNull",
    "LessThanOrEqualOrNull",
    "GreaterThanOrNull",
    "LessThanOrNull",
    "GreaterThanOrEqual",
    "LessThanOrEqual",
    "GreaterThan",
    "LessThan",
    "MultiLikeOr",
    "MultiLikeAnd",
    "NotContains",
    "StartsWith",
    "NotEqual",
    "MatchOr",
    "MatchAnd",
    "NotIn",
    "Equal",
    "Empty",
    "Like",
    "In",
)
RANGE_OPS = frozenset({"GreaterThanOrEqual", "LessThanOrEqual", "GreaterThan", "LessThan"})
_WORD_OPS = frozenset({"MultiLikeOr", "MultiLikeAnd", "MatchOr", "MatchAnd", "NotContains"})
_SKIPPED = frozenset({"objectType", "orderBy", "relatedObjects"})


@dataclass(frozen=True, slots=True)
class Condition:
    """One filter property: the object field, the operator, the value prepared once."""

    field: str
    op: str
    value: Any
    or_null: bool = False


def split_filter_key(key: str) -> tuple[str, str, bool] | None:
    """``createdAtGreaterThanOrEqual`` -> ``("createdAt", "GreaterThanOrEqual", False)``."""
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            field = key[: -len(suffix)]
            if suffix.endswith("OrNull"):
                return field, suffix[: -len("OrNull")], True
            return field, suffix, False
    return None


def wire_text(value: Any) -> str:
    """A stored value as the server would compare it: booleans 1/0, whole floats bare."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv(value: Any) -> list[str]:
    return [v.strip() for v in wire_text(value).split(",") if v.strip()]


def _prepare(op: str, value: Any, max_in: int) -> Any:
    if op in ("In", "NotIn"):
        return frozenset(_csv(value)[:max_in])
    if op in _WORD_OPS:
        return tuple(t.lower() for t in _csv(value))
    if op in RANGE_OPS:
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if op == "Empty":
        return wire_text(value) not in ("0", "", "false")
    if op in ("Like", "StartsWith"):
        return wire_text(value).lower()
    return wire_text(value)


def parse_conditions(
    flt: dict[str, Any] | None, fields: Collection[str], max_in: int = MAX_IN_VALUES
) -> list[Condition]:
    """The conditions of a cast filter object on the given stored ``fields``."""
    out: list[Condition] = []
    for key, value in (flt or {}).items():
        if key in _SKIPPED or value is None or key.startswith("_"):
            continue
        split = split_filter_key(key)
        if split is None or split[0] not in fields:
            continue
        field, op, or_null = split
        prepared = _prepare(op, value, max_in)
        if op in RANGE_OPS and prepared is None:
            continue
        out.append(Condition(field, op, prepared, or_null))
    return out


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _test(cond: Condition, value: Any) -> bool:
    op, wanted = cond.op, cond.value
    if value is None and cond.or_null:
        return True
    if op == "Equal":
        return value is not None and wire_text(value) == wanted
    if op == "NotEqual":
        return value is None or wire_text(value) != wanted
    if op == "In":
        return value is not None and wire_text(value) in wanted
    if op == "NotIn":
        return value is None or wire_text(value) not in wanted
    if op in RANGE_OPS:
        if value is None or isinstance(value, str | bool) or not isinstance(value, int | float):
            return False
        if op == "GreaterThanOrEqual":
            return bool(value >= wanted)
        if op == "LessThanOrEqual":
            return bool(value <= wanted)
        if op == "GreaterThan":
            return bool(value > wanted)
        return bool(value < wanted)
    if op == "Empty":
        return _is_empty(value) is wanted
    text = "" if value is None else wire_text(value).lower()
    if op == "Like":
        return wanted in text
    if op == "StartsWith":
        return text.startswith(wanted)
    if op == "MultiLikeOr":
        return any(t in text for t in wanted)
    if op == "MultiLikeAnd":
        return all(t in text for t in wanted)
    words = {t.strip() for t in text.split(",")}
    if op == "MatchOr":
        return any(t in words for t in wanted)
    if op == "MatchAnd":
        return all(t in words for t in wanted)
    return not any(t in words for t in wanted)  # NotContains


def _one(cond: Condition) -> Callable[[dict[str, Any]], bool]:
    field = cond.field
    if cond.op == "Equal" and not cond.or_null:
        wanted: str = cond.value

        def equal(item: dict[str, Any]) -> bool:
            value = item.get(field)
            if value is None:
                return False
            return (value if type(value) is str else wire_text(value)) == wanted

        return equal
    if cond.op == "In" and not cond.or_null:
        wanted_set: frozenset[str] = cond.value

        def member(item: dict[str, Any]) -> bool:
            value = item.get(field)
            if value is None:
                return False
            return (value if type(value) is str else wire_text(value)) in wanted_set

        return member
    return lambda item: _test(cond, item.get(field))


def compile_conditions(conditions: Iterable[Condition]) -> Callable[[dict[str, Any]], bool] | None:
    """One predicate testing every condition, or None when there are none."""
    tests = [_one(c) for c in conditions]
    if not tests:
        return None
    if len(tests) == 1:
        return tests[0]
    return lambda item: all(t(item) for t in tests)


def matcher(
    flt: dict[str, Any] | None, fields: Collection[str], max_in: int = MAX_IN_VALUES
) -> Callable[[dict[str, Any]], bool] | None:
    """Shorthand: parse and compile a filter's conditions on ``fields``."""
    return compile_conditions(parse_conditions(flt, fields, max_in))
