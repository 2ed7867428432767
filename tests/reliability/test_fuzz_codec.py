"""Codec round trips (hypothesis) over a seeded sample of generated classes: any writable
values encode, survive JSON, and decode back equal."""

from __future__ import annotations

import enum
import json
import random
from typing import Any

from hypothesis import given, settings, strategies as st

from kaltura_async._codec import all_fields, decode, encode_object, resolve_enum, resolve_type
from kaltura_async._kind import Kind
from kaltura_async._model import READ_ONLY, KalturaObject
from kaltura_async.types._registry import OBJECT_TYPES

from .conftest import Figures

SAMPLE = 80
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=12,
)


def concrete(wire: str) -> type[KalturaObject] | None:
    cls = resolve_type(wire)
    return None if cls is None or cls.__kaltura_abstract__ else cls


CLASSES = [
    cls
    for wire in random.Random(2024).sample(sorted(OBJECT_TYPES), SAMPLE * 2)
    if (cls := concrete(wire)) is not None
][:SAMPLE]


def value_for(kind: Kind, depth: int) -> st.SearchStrategy[Any] | None:
    """A strategy for a writable field of ``kind``; None when the field is left UNSET."""
    if kind is Kind.STR:
        return TEXT
    if kind is Kind.INT:
        return st.integers(-(2**31), 2**31 - 1)  # the schema's int: 32 bits
    if kind is Kind.BIGINT:
        return st.integers(-(2**63), 2**63 - 1)
    if kind is Kind.FLOAT:
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind is Kind.BOOL:
        return st.booleans()
    if kind.tag == "enum":
        cls = resolve_enum(kind.name)
        members = list(cls) if cls is not None else []
        return st.sampled_from(members) if members else None
    if depth > 0:
        return None
    head, item = kind.tag, kind.name
    target = concrete(item) if item else None
    if target is None:
        return None
    if head == "obj":
        return instances(target, depth + 1)
    if head == "list":
        return st.lists(instances(target, depth + 1), max_size=2)
    if head == "map":
        return st.dictionaries(TEXT.filter(bool), instances(target, depth + 1), max_size=2)
    return None


def instances(cls: type[KalturaObject], depth: int = 0) -> st.SearchStrategy[KalturaObject]:
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for attr, _wire, kind, flags in all_fields(cls):
        strategy = None if flags & READ_ONLY else value_for(kind, depth)
        if strategy is not None:
            fields[attr] = strategy
    return st.fixed_dictionaries({}, optional=fields).map(lambda kw: cls(**kw))


def writable(obj: Any) -> Any:
    """The comparable content of a model: its writable fields, recursively."""
    if isinstance(obj, KalturaObject):
        return (
            type(obj).__name__,
            {
                attr: writable(getattr(obj, attr))
                for attr, _w, _k, flags in all_fields(type(obj))
                if not flags & READ_ONLY
            },
        )
    if isinstance(obj, list):
        return [writable(v) for v in obj]
    if isinstance(obj, dict):
        return {k: writable(v) for k, v in obj.items()}
    if isinstance(obj, enum.Enum):
        return obj.value
    return obj


examples: list[str] = []


@settings(max_examples=400)
@given(st.sampled_from(CLASSES).flatmap(instances))
def test_generated_classes_round_trip(obj: KalturaObject) -> None:
    examples.append(type(obj).__name__)
    wire = json.loads(json.dumps(encode_object(obj)))
    back = decode(Kind.obj(type(obj).__kaltura_object_type__), wire)
    assert type(back) is type(obj)
    assert writable(back) == writable(obj)


def test_round_trip_figures(figures: Figures) -> None:
    assert len(CLASSES) == SAMPLE
    figures.record(
        "fuzz",
        "codec round trips (classes sampled / examples)",
        f"{len(set(examples))} / {len(examples)}",
    )
