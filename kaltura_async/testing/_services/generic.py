"""The generic engine's handlers: add/get/update/delete/list/count (and clone, updateStatus) of
every service whose schema gives an object class and a key (``_engine.Kind``).

A hand-written handler (``@action``) always wins over the generic one for the same action; the
generic ones are built once, on first use, from the schema index.

Rules, as the server applies them (wire-protocol §2.5, §2.6, §8):

- ``add``: read-only properties that are sent raise ``PROPERTY_VALIDATION_NOT_UPDATABLE``; the
  object gets its key (int ids counting up per store, Kaltura string ids ``{dc}_{8 base36}``
  for string keys, or the id sent when the class lets the caller choose it), ``partnerId``,
  ``createdAt`` and ``updatedAt``; scalar arguments beside the object that name one of its
  properties (``flavorAsset.add(entryId, ...)``) are stored on it, and an ``entryId`` must
  name a visible entry.
- ``update``: partial; only sent properties change, ``field__null`` clears one; read-only and
  insert-only properties raise only when the value differs; ``updatedAt`` moves.
- ``list`` / ``count``: the filter's properties on the object class (``_filters``), ``orderBy``,
  the pager (``_query``); the answer is the service's own list-response class.
- Writes of objects other than entries and assets need an admin session (``SERVICE_FORBIDDEN``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .._casting import NULL, apply_update, check_insert, check_update
from .._engine import ENTRY_TYPES, Kind, kind_of, prop_for, store_of
from .._errors import APIError, api_error
from .._filters import ENTRY_MAX_IN_VALUES, MAX_IN_VALUES, parse_conditions
from .._query import query
from .._schema import ActionInfo, ParamInfo, Schema, schema
from . import Context, Handler, HandlerSpec
from .entries import new_entry

__all__ = ["GENERIC_ACTIONS", "generic_spec", "generic_specs"]

#: The CRUD-like action names the engine serves when the schema gives it what it needs (more
#: in ``generic_verbs``).
GENERIC_ACTIONS = ("add", "get", "update", "delete", "list", "count", "clone", "updateStatus")

_SCALAR = frozenset({"int", "string", "bigint"})
_READY, _NO_CONTENT = 2, 7
_STATUS_KEYS = ("statusEqual", "statusIn", "statusNotEqual", "statusNotIn")
_SPECS: dict[tuple[str, str], HandlerSpec] | None = None

Key = Any


def _key_params(info: ActionInfo, kind: Kind) -> list[ParamInfo] | None:
    """The arguments naming the object, in the order of the kind's key fields."""
    scalars = [p for p in info.params if p.type in _SCALAR and not p.optional]
    if len(kind.key_fields) == 1:
        return scalars[:1] or None
    props = schema().properties(kind.cls)
    chosen = []
    for field in kind.key_fields:
        param = next((p for p in scalars if prop_for(p.name, props) == field), None)
        if param is None:
            return None
        chosen.append(param)
    return chosen


def _object_param(sch: Schema, info: ActionInfo, kind: Kind) -> ParamInfo | None:
    for param in info.params:
        if sch.has_class(param.type) and (
            sch.is_subclass(param.type, kind.cls) or sch.is_subclass(kind.cls, param.type)
        ):
            return param
    return None


def _key_of(kind: Kind, values: list[Any]) -> Key:
    return values[0] if len(values) == 1 else tuple(values)


def _partner_ok(ctx: Context, item: dict[str, Any], write: bool) -> bool:
    owner = item.get("partnerId")
    if owner is None or owner == ctx.state.config.partner_id:
        return True
    return owner == 0 and not write


def _visible(ctx: Context, kind: Kind, item: dict[str, Any], write: bool = False) -> bool:
    if not _partner_ok(ctx, item, write):
        return False
    cls = item.get("objectType")
    if isinstance(cls, str) and cls != kind.cls and not schema().is_subclass(cls, kind.cls):
        return False
    if kind.entry_like:
        return ctx.may_see(item)
    if kind.asset_like and item.get("entryId") is not None:
        entry = ctx.state.entries.get(item["entryId"])
        return entry is not None and ctx.may_see(entry)
    return True


def _find(ctx: Context, kind: Kind, key: Key, write: bool = False) -> dict[str, Any]:
    if kind.entry_like or kind.asset_like:
        ctx.state.settle()
    store = store_of(ctx.state, kind)
    item = store.get(key)
    if item is None and not isinstance(key, tuple):
        item = store.get(_other_type(key))
    if item is None or not _visible(ctx, kind, item, write):
        raise kind.not_found(key if not isinstance(key, tuple) else ",".join(map(str, key)))
    if write and kind.entry_like and not ctx.may_edit(item):
        raise api_error("PERMISSION_DENIED_TO_UPDATE_ENTRY")
    return item


def _other_type(key: Key) -> Key:
    """An int id sent as a string argument, or the reverse (the server casts either way)."""
    if isinstance(key, str) and key.lstrip("-").isdigit():
        return int(key)
    if isinstance(key, int) and not isinstance(key, bool):
        return str(key)
    return key


def _new_key(ctx: Context, kind: Kind, store: dict[Key, Any]) -> Key:
    state = ctx.state
    if kind.int_ids:
        current = state.id_counters.get(kind.store, 0)
        while True:
            current += 1
            if current not in store:
                break
        state.id_counters[kind.store] = current
        return current
    return state.short_id(store)


def _entry_type(sch: Schema, cls: str) -> int:
    for name in (cls, *sorted(sch.ancestors(cls))):
        if name in ENTRY_TYPES:
            return ENTRY_TYPES[name]
    return -1


def _duplicate(kind: Kind, key: Key) -> APIError:
    name = kind.cls.removeprefix("Kaltura")
    text = ",".join(map(str, key)) if isinstance(key, tuple) else str(key)
    return APIError("DUPLICATE_OBJECT", f'{name} "{text}" already exists', {"ID": text})


def _stamp(ctx: Context, item: dict[str, Any]) -> None:
    state = ctx.state
    now = state.now()
    item.update(partnerId=state.config.partner_id, createdAt=now, updatedAt=now)
    item["_seq"] = state.next_seq()


def _make_add(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    obj_param = _object_param(sch, info, kind)
    if obj_param is None:
        return None
    props = sch.properties(kind.cls)
    extras = [p for p in info.params if p.type in _SCALAR and p.name in props]

    async def add(ctx: Context, args: dict[str, Any]) -> Any:
        obj = args[obj_param.name]
        check_insert(obj)
        item = {k: v for k, v in obj.items() if v is not NULL}
        for param in extras:
            if args.get(param.name) is not None:
                item[param.name] = args[param.name]
        if (kind.asset_like or not kind.entry_like) and "entryId" in item and item["entryId"]:
            entry = ctx.state.entries.get(str(item["entryId"]))
            if entry is None or not ctx.may_see(entry):
                raise api_error("ENTRY_ID_NOT_FOUND", item["entryId"])
        if kind.entry_like:
            entry_type = _entry_type(sch, item["objectType"])
            entry = new_entry(ctx, item, entry_type)
            if entry_type not in (1, 2, 10):
                entry["status"] = _READY
            return entry
        store = store_of(ctx.state, kind)
        values = [item.get(f) for f in kind.key_fields]
        if kind.client_ids and all(v is not None and v != "" for v in values):
            key = _key_of(kind, values)
            if key in store:
                raise _duplicate(kind, key)
        elif len(kind.key_fields) > 1:
            missing = kind.key_fields[values.index(None)] if None in values else kind.key_fields[0]
            raise api_error(
                "PROPERTY_VALIDATION_CANNOT_BE_NULL", f"{item['objectType']}::{missing}"
            )
        else:
            key = _new_key(ctx, kind, store)
            item[kind.key_fields[0]] = key
        _stamp(ctx, item)
        store[key] = item
        return item

    return add


def _key_from_args(params: list[ParamInfo], args: dict[str, Any]) -> Key:
    values = [args[p.name] for p in params]
    return values[0] if len(values) == 1 else tuple(values)


def _make_get(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    params = _key_params(info, kind)
    if params is None:
        return None

    async def get(ctx: Context, args: dict[str, Any]) -> Any:
        return _find(ctx, kind, _key_from_args(params, args))

    return get


def _make_update(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    params = _key_params(info, kind)
    obj_param = _object_param(sch, info, kind)
    if params is None or obj_param is None:
        return None

    async def update(ctx: Context, args: dict[str, Any]) -> Any:
        item = _find(ctx, kind, _key_from_args(params, args), write=True)
        obj = args[obj_param.name]
        check_update(obj, item)
        apply_update(item, obj)
        item["updatedAt"] = ctx.state.now()
        return item

    return update


def _make_delete(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    params = _key_params(info, kind)
    if params is None:
        return None
    returns = info.result_type is not None

    async def delete(ctx: Context, args: dict[str, Any]) -> Any:
        item = _find(ctx, kind, _key_from_args(params, args), write=True)
        values = [item.get(f) for f in kind.key_fields]
        key = values[0] if len(values) == 1 else tuple(values)
        del store_of(ctx.state, kind)[key]
        if kind.entry_like:
            ctx.state.converting.pop(str(key), None)
        return item if returns else None

    return delete


def _filter_param(sch: Schema, info: ActionInfo) -> ParamInfo | None:
    for param in info.params:
        if sch.has_class(param.type) and sch.is_subclass(param.type, "KalturaFilter"):
            return param
    return None


def _pager_param(info: ActionInfo) -> ParamInfo | None:
    for param in info.params:
        if param.type in ("KalturaFilterPager", "KalturaPager"):
            return param
    return None


def _lister(
    sch: Schema, kind: Kind, info: ActionInfo
) -> Callable[[Context, dict[str, Any], bool], tuple[list[dict[str, Any]], int]] | None:
    flt_param = _filter_param(sch, info)
    pager_param = _pager_param(info)
    props = sch.properties(kind.cls)
    fields = frozenset(props)
    equal_params = [p for p in info.params if p.type in _SCALAR and p.name in props]
    if any(
        p is not flt_param and p is not pager_param and p not in equal_params and not p.optional
        for p in info.params
    ):
        return None
    max_in = ENTRY_MAX_IN_VALUES if kind.entry_like else MAX_IN_VALUES
    key_field = kind.single_key

    def run(ctx: Context, args: dict[str, Any], paged: bool) -> tuple[list[dict[str, Any]], int]:
        flt = dict(args.get(flt_param.name) or {}) if flt_param else {}
        for param in equal_params:
            if args.get(param.name) is not None:
                flt[f"{param.name}Equal"] = args[param.name]
        conditions = parse_conditions(flt, fields, max_in)
        ready_only = False
        if kind.entry_like or kind.asset_like:
            ctx.state.settle()
        if kind.entry_like:
            ready_only = not any(flt.get(k) is not None for k in _STATUS_KEYS) and (
                flt.get("idEqual") is None
            )
        viewer = None if ctx.sees_all() else ctx.user_id

        def base(item: dict[str, Any]) -> bool:
            if ready_only and (
                item.get("status") != _READY or item.get("moderationStatus") in (1, 3)
            ):
                return False
            return _visible(ctx, kind, item)

        return query(
            ctx.state,
            store_of(ctx.state, kind),
            cache_key=(kind.store, kind.cls, ready_only, viewer),
            conditions=conditions,
            order_by=flt.get("orderBy"),
            default_order="-createdAt" if kind.entry_like else "+createdAt",
            pager=args.get(pager_param.name) if pager_param else None,
            base=base,
            id_field=key_field,
            paged=paged,
        )

    return run


def _make_list(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    response = info.result_type
    if not response or "objects" not in sch.properties(response):
        return None
    run = _lister(sch, kind, info)
    if run is None:
        return None

    async def list_(ctx: Context, args: dict[str, Any]) -> Any:
        objects, total = run(ctx, args, True)
        return {"objectType": response, "objects": objects, "totalCount": total}

    return list_


def _make_count(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    run = _lister(sch, kind, info)
    if run is None or info.result_type != "int":
        return None

    async def count(ctx: Context, args: dict[str, Any]) -> Any:
        return run(ctx, args, False)[1]

    return count


def _make_clone(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    params = _key_params(info, kind)
    if params is None or kind.single_key is None or kind.client_ids:
        return None
    props = sch.properties(kind.cls)
    extras = [p for p in info.params if p.type in _SCALAR and p not in params]
    if any(not p.optional and p.name not in props for p in extras):
        return None
    obj_param = _object_param(sch, info, kind)
    key_field = kind.single_key

    async def clone(ctx: Context, args: dict[str, Any]) -> Any:
        source = _find(ctx, kind, _key_from_args(params, args))
        store = store_of(ctx.state, kind)
        item = copy.deepcopy(source)
        key = _new_key(ctx, kind, store) if not kind.entry_like else ctx.state.short_id(store)
        item[key_field] = key
        for param in extras:
            if args.get(param.name) is not None and param.name in props:
                item[param.name] = args[param.name]
        if obj_param is not None and args.get(obj_param.name):
            overrides = args[obj_param.name]
            check_update(overrides, item)
            apply_update(item, overrides)
        _stamp(ctx, item)
        if kind.entry_like:
            item["rootEntryId"] = key
        store[key] = item
        return item

    return clone


def _make_update_status(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    params = _key_params(info, kind)
    status = next((p for p in info.params if p.name == "status"), None)
    if params is None or status is None or "status" not in sch.properties(kind.cls):
        return None
    returns = info.result_type is not None

    async def update_status(ctx: Context, args: dict[str, Any]) -> Any:
        item = _find(ctx, kind, _key_from_args(params, args), write=True)
        item.update(status=args["status"], updatedAt=ctx.state.now())
        return item if returns else None

    return update_status


_FACTORIES = {
    "add": _make_add,
    "get": _make_get,
    "update": _make_update,
    "delete": _make_delete,
    "list": _make_list,
    "count": _make_count,
    "clone": _make_clone,
    "updateStatus": _make_update_status,
}
_READ_ONLY = frozenset(
    {"get", "list", "count", "index", "listByPartner", "listTemplates", "getJobs", "serve"}
    | {"getUrl", "getDownloadUrl"}
)


def generic_specs() -> dict[tuple[str, str], HandlerSpec]:
    """Every (service, action) the engine can serve, lowercased, built once."""
    global _SPECS
    if _SPECS is None:
        from .generic_verbs import VERB_FACTORIES

        sch = schema()
        specs: dict[tuple[str, str], HandlerSpec] = {}
        factories = {**_FACTORIES, **VERB_FACTORIES}
        for service, svc in sch.services.items():
            kind = kind_of(service)
            if kind is None:
                continue
            for name, factory in factories.items():
                info = svc.actions.get(name.lower())
                if info is None:
                    continue
                func = factory(sch, kind, info)
                if func is None:
                    continue
                admin = name not in _READ_ONLY and not (kind.entry_like or kind.asset_like)
                specs[(service, name.lower())] = HandlerSpec(func, True, admin)
        _SPECS = specs
    return _SPECS


def generic_spec(service: str, action: str) -> HandlerSpec | None:
    """The generic handler of a lowercased (service, action), if the engine serves it."""
    return generic_specs().get((service, action))
