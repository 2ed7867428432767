"""Class decoders compiled for the key layouts the server actually sends.

A list answer holds hundreds of objects of one class with the same keys in the same
order (the server writes every object of a class alike, leaving out its null fields), so
decoding is fastest when that layout is known in advance. For each class this module keeps
the generic decoder (a loop over the keys, then the class's ``__init__``) and, once a key
layout has been seen twice, compiles a function for exactly that layout: it unpacks the
values positionally, converts only the values whose type differs from the field's, and
fills the instance's slots directly, setting absent fields to UNSET and keeping unknown
keys in ``unknown_fields``, exactly as the generic decoder does.

The generated source names only the class's own attribute identifiers and numbered
locals; keys and values from the server are never part of it. Layouts are bounded per
class (:data:`MAX_LAYOUTS`, :data:`MAX_KEYS`); past those the generic decoder serves, so
a hostile server cannot make the process compile without end. A class with anything its
``__init__`` would do beyond storing values (validators, converters, a post-init hook)
is never compiled.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable
from typing import Any, Final

import attrs

from .._kind import Kind
from .._model import UNSET, KalturaObject

__all__ = ["MAX_KEYS", "MAX_LAYOUTS", "ClassDecoder", "FieldPlan", "class_decoder", "identity_type"]

#: Compiled layouts kept per class decoder; further layouts use the generic decoder.
MAX_LAYOUTS: Final = 32
#: Objects with more keys than this are never compiled for.
MAX_KEYS: Final = 256
#: Layouts waiting for their second sighting, per class decoder (then forgotten).
_MAX_PENDING: Final = 128

#: ``wire name -> (attribute, decoder, type the value keeps as is or None, enum lookups)``;
#: the lookups of an enum field are its value-to-member map and, for a string enum, a map
#: from the int form of its decimal values (the server sends ``"status": 2``) to members.
FieldPlan = dict[
    str,
    tuple[
        str,
        Callable[[Any], Any],
        type | None,
        tuple[dict[Any, Any], dict[int, Any] | None] | None,
    ],
]
ClassDecoder = Callable[[dict[str, Any]], KalturaObject]


def class_decoder(cls: type[KalturaObject], plan: FieldPlan, keep_type: bool) -> ClassDecoder:
    """A decoder of wire objects into ``cls``; ``keep_type``: a foreign ``objectType`` is
    kept in ``unknown_fields`` (the object was decoded as a fallback class)."""
    generic = _generic(cls, plan, keep_type)
    if not _compilable(cls, plan):
        return generic
    layouts: dict[tuple[str, ...], ClassDecoder] = {}
    pending: dict[tuple[str, ...], bool] = {}
    # The layout met last: the objects of a list share one, and comparing two tuples of
    # the same key objects is cheaper than hashing one. Replaced whole, so a thread
    # decoding beside this one never sees the keys of one layout with another's function.
    last: tuple[tuple[str, ...], ClassDecoder | None] = ((), None)

    def decode_layout(data: dict[str, Any]) -> KalturaObject:
        nonlocal last
        keys = tuple(data)
        last_keys, fn = last
        if fn is not None and keys == last_keys:
            return fn(data)
        fn = layouts.get(keys)
        if fn is not None:
            last = (keys, fn)
            return fn(data)
        if len(keys) <= MAX_KEYS and len(layouts) < MAX_LAYOUTS:
            if keys in pending:
                fn = layouts[keys] = _compile(cls, plan, keys, keep_type, generic)
                del pending[keys]
                last = (keys, fn)
                return fn(data)
            if len(pending) >= _MAX_PENDING:
                pending.clear()
            pending[keys] = True
        return generic(data)

    return decode_layout


def _generic(cls: type[KalturaObject], plan: FieldPlan, keep_type: bool) -> ClassDecoder:
    construct = type.__call__
    lookup = plan.get

    def decode_generic(data: dict[str, Any]) -> KalturaObject:
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] | None = None
        for key, value in data.items():
            entry = lookup(key)
            if entry is not None:
                # Most values already have their final type; skip the decoder call then.
                kwargs[entry[0]] = value if type(value) is entry[2] else entry[1](value)
            elif key != "objectType" or keep_type:
                if extra is None:
                    extra = {}
                extra[key] = value
        if extra is not None:
            kwargs["unknown_fields"] = extra
        obj: KalturaObject = construct(cls, **kwargs)
        return obj

    return decode_generic


def _compilable(cls: type[KalturaObject], plan: FieldPlan) -> bool:
    """Whether filling the slots directly is exactly what ``cls(**kwargs)`` would do."""
    if not attrs.has(cls) or "__slots__" not in cls.__dict__:
        return False
    if getattr(cls, "__attrs_post_init__", None) is not None:
        return False
    if getattr(cls, "__attrs_pre_init__", None) is not None:
        return False
    if cls.__setattr__ is not object.__setattr__:
        return False
    names = set()
    for field in attrs.fields(cls):
        if field.validator is not None or field.converter is not None or not field.init:
            return False
        if field.name == "unknown_fields":
            continue
        if field.default is not UNSET:
            return False
        names.add(field.name)
    attrs_ = {entry[0] for entry in plan.values()}
    return names == attrs_ and all(
        a.isidentifier() and not keyword.iskeyword(a) and not a.startswith("_") for a in attrs_
    )


def _compile(
    cls: type[KalturaObject],
    plan: FieldPlan,
    keys: tuple[str, ...],
    keep_type: bool,
    generic: ClassDecoder,
) -> ClassDecoder:
    env: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_U": UNSET, "_generic": generic}
    body: list[str] = []
    unknown: list[tuple[str, str]] = []
    filled: set[str] = set()
    for i, key in enumerate(keys):
        value = f"v{i}"
        entry = plan.get(key)
        if entry is None:
            if key != "objectType" or keep_type:
                unknown.append((key, value))
            continue
        attr, decoder, same, lookups = entry
        filled.add(attr)
        env[f"D{i}"] = decoder
        if lookups is not None and lookups[1] is not None:
            # A string enum: its map is keyed by text; an int (never a bool or a float,
            # which the generic decoder keeps apart) goes through the int map.
            env[f"M{i}"], env[f"N{i}"] = lookups[0].get, lookups[1].get
            body += [
                f"    c = {value}.__class__",
                f"    m = M{i}({value}) if c is str else N{i}({value}) if c is int else None",
                f"    o.{attr} = m if m is not None else D{i}({value})",
            ]
        elif lookups is not None:
            env[f"M{i}"] = lookups[0].get
            body += [
                f"    m = M{i}({value})",
                f"    o.{attr} = m if m is not None else D{i}({value})",
            ]
        elif same is not None:
            env[f"T{i}"] = same
            body.append(f"    o.{attr} = {value} if {value}.__class__ is T{i} else D{i}({value})")
        else:
            body.append(f"    o.{attr} = D{i}({value})")
    for attr in sorted({entry[0] for entry in plan.values()} - filled):
        body.append(f"    o.{attr} = _U")
    if unknown:
        env["_unknown_keys"] = tuple(key for key, _ in unknown)
        values = ", ".join(value for _, value in unknown)
        body.append(f"    o.unknown_fields = dict(zip(_unknown_keys, ({values},)))")
    else:
        body.append("    o.unknown_fields = {}")
    names = ", ".join(f"v{i}" for i in range(len(keys)))
    source = "\n".join(
        [
            "def decode_compiled(data):",
            f"    {names}{',' if len(keys) == 1 else ''} = data.values()" if keys else "    pass",
            "    o = _new(_cls)",
            "    try:",
            *("    " + line for line in body),
            "    except TypeError:",
            "        return _generic(data)  # an unhashable enum value: the generic path names it",
            "    return o",
        ]
    )
    code = compile(source, f"<kaltura_async decoder for {cls.__name__}>", "exec")
    exec(code, env)
    fn: ClassDecoder = env["decode_compiled"]
    return fn


def identity_type(kind: Kind) -> type | None:
    """The Python type a value of ``kind`` already has when no conversion is needed."""
    return _IDENTITY_TYPES.get(kind)


#: Kinds whose decoder returns a value of exactly this type unchanged.
_IDENTITY_TYPES: Final[dict[Kind, type]] = {
    Kind.STR: str,
    Kind.INT: int,
    Kind.BIGINT: int,
    Kind.BOOL: bool,
    Kind.FLOAT: float,
}
