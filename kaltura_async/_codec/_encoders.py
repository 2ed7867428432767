"""Class encoders compiled once per class: one straight-line function per model.

A filter class has a hundred writable fields and a call sets two or three. The generic
encoder (:func:`kaltura_async._codec._encode.encode_object`) fetches every value and
pairs it with its field spec before it can skip the unset ones; the compiled function of
a class instead reads each slot once, compares it with UNSET and moves on, and sends the
common values (printable ASCII text, an int within the field's range, a bool, a finite
float) without a call. Anything else (an enum, a nested object, a list, a multirequest
ref, a value of the wrong type) goes to the same per-value path as the generic encoder,
so the output and every error message are the same; a property test compares the two.

The generated source names only the class's own attribute identifiers and numbered
constants; wire names, kinds and bounds are bound as values, never spliced into the text.
A class whose attribute names are not plain identifiers keeps the generic encoder.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import Any, Final

from .._kind import Kind
from .._model import INSERT_ONLY, UNSET, FieldSpec, KalturaObject

__all__ = ["ObjectEncoder", "compile_encoder"]

#: ``(obj, update, where, active) -> wire dict``: ``where`` names the object in errors,
#: ``active`` holds the containers on the current path (cycle and depth checks).
ObjectEncoder = Callable[[KalturaObject, bool, str, dict[int, str]], dict[str, Any]]
#: ``(kind, value, path, update, active) -> wire value``: one value the fast checks did
#: not take, encoded and validated as the generic encoder does.
FieldEncoder = Callable[[Kind, Any, str, bool, dict[int, str]], Any]

_INT_BOUNDS: Final = {Kind.INT: (-(2**31), 2**31 - 1), Kind.BIGINT: (-(2**63), 2**63 - 1)}


def _fast_check(kind: Kind, i: int, env: dict[str, Any]) -> str | None:
    """The expression that is true when ``v`` goes to the wire as it is, for ``kind``."""
    if kind is Kind.STR:
        # Printable ASCII holds none of the characters the server refuses.
        return "v.__class__ is str and v.isascii() and v.isprintable()"
    bounds = _INT_BOUNDS.get(kind)
    if bounds is not None:
        env[f"L{i}"], env[f"H{i}"] = bounds
        return f"v.__class__ is int and L{i} <= v <= H{i}"
    if kind is Kind.BOOL:
        return "v.__class__ is bool"
    if kind is Kind.FLOAT:
        return "v.__class__ is float and -_INF < v < _INF"
    return None


def compile_encoder(
    cls: type[KalturaObject], specs: tuple[FieldSpec, ...], field: FieldEncoder
) -> ObjectEncoder | None:
    """The compiled encoder of ``cls`` over its writable ``specs``, or None when its
    attribute names cannot be spelled in source."""
    if not all(
        attr.isidentifier() and not keyword.iskeyword(attr) and not attr.startswith("__")
        for attr, _wire, _kind, _flags in specs
    ):
        return None
    env: dict[str, Any] = {
        "_U": UNSET,
        "_INF": float("inf"),
        "_field": field,
        "_OT": cls.__kaltura_object_type__,
    }
    body = ["def encode_compiled(o, update, where, active):", "    out = {'objectType': _OT}"]
    for i, (attr, wire, kind, flags) in enumerate(specs):
        env[f"W{i}"], env[f"N{i}"], env[f"K{i}"], env[f"A{i}"] = (
            wire,
            wire + "__null",
            kind,
            attr,
        )
        skip_on_update = " and not update" if flags & INSERT_ONLY else ""
        body += [
            f"    v = o.{attr}",
            f"    if v is not _U{skip_on_update}:",
            "        if v is None:",
            f"            out[N{i}] = ''",
        ]
        check = _fast_check(kind, i, env)
        if check is not None:
            body += [f"        elif {check}:", f"            out[W{i}] = v"]
        body += [
            "        else:",
            f"            out[W{i}] = _field(K{i}, v, where + '.' + A{i}, update, active)",
        ]
    body.append("    return out")
    code = compile("\n".join(body), f"<kaltura_async encoder for {cls.__name__}>", "exec")
    exec(code, env)
    encoder: ObjectEncoder = env["encode_compiled"]
    return encoder
