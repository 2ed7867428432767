"""Response profiles applied to answers: the ``responseProfile`` request parameter.

Sources: ``api_v3/lib/types/KalturaObject.php`` (``fromObject``, ``shouldGet``,
``loadRelatedObjects``), ``api_v3/lib/types/responseProfile/*`` and ``KalturaErrors.php``.

The parameter is a ``KalturaResponseProfileHolder`` (``id`` or ``systemName`` of a stored
``KalturaResponseProfile``; RESPONSE_PROFILE_ID_NOT_FOUND / RESPONSE_PROFILE_NAME_NOT_FOUND) or
an inline ``KalturaDetachedResponseProfile``. It is read before the action runs and shapes
every object the action answers (each object of a list response, each item of an array):

- ``type`` INCLUDE_FIELDS (1) keeps only the comma-separated ``fields`` (trimmed),
  EXCLUDE_FIELDS (2) drops them; ``objectType`` always stays.
- Each of ``relatedProfiles`` (a detached profile with a ``filter``; one without a filter is
  skipped) fills ``relatedObjects[<its name>]`` with the list answer of its filter's list
  action (the service whose list answers ``<filter's object>ListResponse``), after each
  ``mappings`` item copied ``parentProperty`` of the shaped parent object into the filter's
  ``filterProperty``. A property that neither class defines is PROPERTY_IS_NOT_DEFINED; a
  null parent value skips that related profile unless the mapping has ``allowNull``. The
  related profile's own fields and related profiles shape the related objects in turn.
- Nesting is at most 2 levels below the root (RESPONSE_PROFILE_MAX_NESTING_LEVEL) and a
  related pager's ``pageSize`` at most 100 (PROPERTY_VALIDATION_MAX_VALUE), the server's
  ``response_profile_max_nesting_level`` / ``response_profile_max_page_size`` defaults.
"""

from __future__ import annotations

from typing import Any

from .._casting import NULL, build_object
from .._errors import APIError, api_error
from .._schema import schema
from . import Context, action, find_spec

__all__ = ["resolve_response_profile", "shape_result", "validate_nesting"]

INCLUDE_FIELDS, EXCLUDE_FIELDS = 1, 2
MAX_NESTING_LEVEL = 2
MAX_RELATED_PAGE_SIZE = 100
_HOLDER = "KalturaResponseProfileHolder"
_KEEP = frozenset({"objectType", "relatedObjects"})
_list_services: dict[str, str | None] = {}


def validate_nesting(profile: dict[str, Any], level: int = MAX_NESTING_LEVEL) -> None:
    """``KalturaDetachedResponseProfile::validateNestedObjects`` with the server defaults."""
    related = profile.get("relatedProfiles") or []
    if not related:
        return
    if level <= 0:
        raise api_error("RESPONSE_PROFILE_MAX_NESTING_LEVEL")
    for child in related:
        validate_nesting(child, level - 1)
        pager = child.get("pager") or {}
        size = pager.get("pageSize")
        if isinstance(size, int) and size > MAX_RELATED_PAGE_SIZE:
            raise api_error(
                "PROPERTY_VALIDATION_MAX_VALUE",
                "KalturaFilterPager::pageSize",
                MAX_RELATED_PAGE_SIZE,
            )


async def _stored(ctx: Context, holder: dict[str, Any]) -> dict[str, Any]:
    ident, name = holder.get("id"), holder.get("systemName")
    if ident is None and not name:
        raise api_error(
            "PROPERTY_VALIDATION_CANNOT_BE_NULL", f"{_HOLDER}::id and {_HOLDER}::systemName"
        )
    if ident is None:
        listed = await _run_list(
            ctx,
            "responseProfile",
            {"objectType": "KalturaResponseProfileFilter", "systemNameEqual": name},
            None,
        )
        found = listed.get("objects") or [] if isinstance(listed, dict) else []
        if not found:
            raise api_error("RESPONSE_PROFILE_NAME_NOT_FOUND", name)
        return dict(found[0])
    spec = find_spec("responseProfile", "get")
    if spec is None:
        raise api_error("RESPONSE_PROFILE_ID_NOT_FOUND", ident)
    try:
        return dict(await spec.func(_sub_context(ctx, "responseprofile", "get"), {"id": ident}))
    except APIError as err:
        raise api_error("RESPONSE_PROFILE_ID_NOT_FOUND", ident) from err


async def resolve_response_profile(ctx: Context, raw: Any) -> dict[str, Any] | None:
    """The profile a request names in its ``responseProfile`` parameter, or None."""
    if raw is None or raw == "" or raw == {}:
        return None
    profile = build_object("KalturaBaseResponseProfile", raw, "responseProfile")
    if profile["objectType"] == _HOLDER or schema().is_subclass(profile["objectType"], _HOLDER):
        profile = await _stored(ctx, profile)
    validate_nesting(profile)
    return profile


def _sub_context(ctx: Context, service: str, act: str) -> Context:
    return Context(ctx.state, ctx.uploads, ctx.session, ctx.ks, service, act)


def _list_service_for(filter_class: str) -> str | None:
    """The service whose ``list`` takes this filter: the nearest filter class in its lineage
    whose object ``<X>`` has a list action answering ``<X>ListResponse``."""
    if filter_class in _list_services:
        return _list_services[filter_class]
    sch = schema()
    lineage = sorted(sch.ancestors(filter_class), key=lambda c: -len(sch.ancestors(c)))
    found: str | None = None
    for cls in lineage:
        if not cls.endswith("Filter"):
            continue
        wanted = cls.removesuffix("Filter").removesuffix("Base") + "ListResponse"
        for service, svc in sch.services.items():
            info = svc.actions.get("list")
            if info is not None and info.result_type == wanted and find_spec(service, "list"):
                found = service
                break
        if found is not None:
            break
    _list_services[filter_class] = found
    return found


async def _run_list(
    ctx: Context, service: str, flt: dict[str, Any], pager: dict[str, Any] | None
) -> Any:
    key = (service.lower(), "list")
    spec = find_spec(*key)
    info = schema().action(*key)
    if spec is None or info is None:
        raise api_error("ACTION_NOT_EMULATED", service, "list")
    sub = _sub_context(ctx, key[0], "list")
    if spec.admin_only and not ctx.is_admin and ctx.session is not None:
        raise sub.forbid()
    args: dict[str, Any] = {p.name: None for p in info.params}
    args["filter"], args["pager"] = flt, pager
    return await spec.func(sub, args)


def _fields(profile: dict[str, Any]) -> set[str]:
    return {f.strip() for f in str(profile.get("fields") or "").split(",") if f.strip()}


def _select_fields(obj: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
    kind = profile.get("type")
    if kind not in (INCLUDE_FIELDS, EXCLUDE_FIELDS):
        return dict(obj)
    fields = _fields(profile)
    if kind == INCLUDE_FIELDS:
        return {k: v for k, v in obj.items() if k in fields or k in _KEEP}
    return {k: v for k, v in obj.items() if k not in fields or k in _KEEP}


def _mapped_filter(related: dict[str, Any], parent: dict[str, Any]) -> dict[str, Any] | None:
    flt = dict(related["filter"])
    sch = schema()
    parent_props = sch.properties(str(parent.get("objectType")))
    filter_props = sch.properties(flt["objectType"])
    for mapping in related.get("mappings") or []:
        parent_prop = str(mapping.get("parentProperty") or "")
        filter_prop = str(mapping.get("filterProperty") or "")
        if parent_prop not in parent_props:
            raise api_error("PROPERTY_IS_NOT_DEFINED", parent_prop, parent.get("objectType"))
        if filter_prop not in filter_props:
            raise api_error("PROPERTY_IS_NOT_DEFINED", filter_prop, flt["objectType"])
        value = parent.get(parent_prop)
        if (value is None or value is NULL) and not mapping.get("allowNull"):
            return None
        flt[filter_prop] = value
    return flt


async def _shape_object(
    ctx: Context, obj: dict[str, Any], profile: dict[str, Any]
) -> dict[str, Any]:
    shaped = _select_fields(obj, profile)
    related_objects: dict[str, Any] = {}
    for related in profile.get("relatedProfiles") or []:
        if not related.get("filter"):
            continue
        flt = _mapped_filter(related, shaped)
        if flt is None:
            continue
        service = _list_service_for(flt["objectType"])
        if service is None:
            raise api_error("ACTION_NOT_EMULATED", flt["objectType"], "list")
        listed = await _run_list(ctx, service, flt, related.get("pager"))
        related_objects[str(related.get("name") or "")] = await shape_result(ctx, related, listed)
    if related_objects:
        shaped["relatedObjects"] = related_objects
    return shaped


async def shape_result(ctx: Context, profile: dict[str, Any], result: Any) -> Any:
    """``result`` as the profile shapes it (stored objects are copied, never changed)."""
    if isinstance(result, list):
        return [await shape_result(ctx, profile, item) for item in result]
    if not isinstance(result, dict) or "objectType" not in result:
        return result
    objects = result.get("objects")
    if str(result["objectType"]).endswith("ListResponse") and isinstance(objects, list):
        shaped_list = dict(result)
        shaped_list["objects"] = [await shape_result(ctx, profile, o) for o in objects]
        return shaped_list
    return await _shape_object(ctx, result, profile)


# The responseProfile service: storage is the generic engine's; these add the server's rules
# (ResponseProfileService, KalturaResponseProfile::validateForUsage): name and systemName of
# at least 2 characters, a type, a system name no other profile of the partner has
# (RESPONSE_PROFILE_DUPLICATE_SYSTEM_NAME), the nesting limits; a new profile is ENABLED (2)
# at version 1, and every update moves the version on (``ResponseProfile::preSave``).

ENABLED = 2


def _min_length(obj: dict[str, Any], name: str, allow_null: bool) -> None:
    value = obj.get(name)
    if value is None or value is NULL:
        if allow_null:
            return
        raise api_error("PROPERTY_VALIDATION_CANNOT_BE_NULL", f"{obj['objectType']}::{name}")
    if len(str(value)) < 2:
        raise api_error("PROPERTY_VALIDATION_MIN_LENGTH", f"{obj['objectType']}::{name}", 2)


async def _system_name_taken(ctx: Context, name: Any, own_id: Any = None) -> bool:
    flt = {"objectType": "KalturaResponseProfileFilter", "systemNameEqual": name}
    listed = await _run_list(ctx, "responseProfile", flt, None)
    return any(p.get("id") != own_id for p in listed.get("objects") or [])


def _generic(name: str) -> Any:
    from .generic import generic_spec

    spec = generic_spec("responseprofile", name.lower())
    if spec is None:  # pragma: no cover - the schema always gives the engine this service
        raise api_error("ACTION_NOT_EMULATED", "responseProfile", name)
    return spec.func


@action("responseProfile", "add", admin=True)
async def response_profile_add(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["addResponseProfile"]
    _min_length(obj, "name", False)
    _min_length(obj, "systemName", False)
    if obj.get("type") is None:
        raise api_error("PROPERTY_VALIDATION_CANNOT_BE_NULL", f"{obj['objectType']}::type")
    validate_nesting(obj)
    if await _system_name_taken(ctx, obj["systemName"]):
        raise api_error("RESPONSE_PROFILE_DUPLICATE_SYSTEM_NAME", obj["systemName"])
    stored = await _generic("add")(ctx, args)
    stored.update(status=ENABLED, version=1)
    return stored


@action("responseProfile", "update", admin=True)
async def response_profile_update(ctx: Context, args: dict[str, Any]) -> Any:
    obj = args["updateResponseProfile"]
    _min_length(obj, "name", True)
    _min_length(obj, "systemName", True)
    validate_nesting(obj)
    name = obj.get("systemName")
    if name not in (None, NULL) and await _system_name_taken(ctx, name, args["id"]):
        raise api_error("RESPONSE_PROFILE_DUPLICATE_SYSTEM_NAME", name)
    stored = await _generic("update")(ctx, args)
    stored["version"] = int(stored.get("version") or 0) + 1
    return stored
