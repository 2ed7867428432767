"""Placeholder paths (hypothesis): any chain of attribute and index steps on a ref is either
a RefPathError or a well-formed placeholder whose wire path reads back to the same ref, in
both the ``{N:result:...}`` and the ``<N:result:...>`` spellings."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from kaltura_async import KalturaClient, KalturaValidationError, RefPathError
from kaltura_async._codec import all_fields, resolve_type
from kaltura_async._kind import Kind

from .conftest import Figures

WELL_FORMED = re.compile(r"\{[1-9][0-9]*:result(:[A-Za-z0-9_]+)*\}")
JUNK = st.sampled_from(["nope", "totalCount", "x", -1, 0, ["_all"], ["x"], ["0"]])

outcomes: dict[str, int] = {"placeholder": 0, "RefPathError": 0}


def valid_steps(kind: Kind) -> list[Any]:
    """Steps a value of ``kind`` has: its fields, or an index and ``all`` for a list."""
    if kind.tag == "list":
        return [0, 1, ["2"], "all"]
    if kind.tag == "obj":
        cls = resolve_type(kind.name)
        return [spec[0] for spec in all_fields(cls)] if cls is not None else []
    return []


def step(ref: Any, move: Any) -> Any:
    if isinstance(move, list):
        return ref[move[0]]
    if isinstance(move, int):
        return ref[move]
    return getattr(ref, move)


@pytest.fixture(scope="module")
def client() -> KalturaClient:
    return KalturaClient("http://127.0.0.1:9", partner_id=1)


@settings(max_examples=300)
@given(data=st.data(), call=st.sampled_from(["list", "get", "count"]))
def fuzz_ref_paths(client: KalturaClient, data: st.DataObject, call: str) -> None:
    mr = client.multirequest()
    mr.add(client.media.count())
    calls = {
        "list": client.media.list(),
        "get": client.media.get(entry_id="0_x"),
        "count": client.media.count(),
    }
    root = mr.add(calls[call])
    ref = root
    try:
        for _ in range(data.draw(st.integers(0, 5))):
            choices = valid_steps(ref.kind)
            if data.draw(st.integers(0, 9)) == 0:  # one step in ten is a wrong one
                ref = step(ref, data.draw(JUNK))
            elif choices:
                ref = step(ref, data.draw(st.sampled_from(choices)))
            else:
                break
    except RefPathError as err:
        assert isinstance(err, KalturaValidationError) and isinstance(err, AttributeError)
        outcomes["RefPathError"] += 1
        return
    text = str(ref)
    assert WELL_FORMED.fullmatch(text), text
    outcomes["placeholder"] += 1
    # The wire path read back (as the batch reads a placeholder string) is the same ref.
    back = root
    for segment in ref.path:
        back = back._child(segment, wire=True)
    assert (back.path, back.kind) == (ref.path, ref.kind)
    # Both spellings of a scalar value are accepted by a later call in the same batch.
    if ref.kind.is_scalar:
        angle = "<" + text[1:-1] + ">"
        for spelling in (text, angle, f"prefix {text} suffix"):
            mr.add(client.media.get(entry_id=spelling))


def test_ref_paths_are_well_formed_or_refused(client: KalturaClient, figures: Figures) -> None:
    outcomes.update(placeholder=0, RefPathError=0)
    fuzz_ref_paths(client)
    # Both branches were explored: a fuzz that only ever built good paths (or only bad
    # ones) would check half of the rule.
    assert outcomes["placeholder"] >= 50 and outcomes["RefPathError"] >= 10, outcomes
    figures.record(
        "fuzz",
        "ref paths (placeholders / refused)",
        f"{outcomes['placeholder']} / {outcomes['RefPathError']}",
    )
