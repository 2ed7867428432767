"""What the generic engine knows about each service, read from the schema index alone.

For a service with CRUD actions, :func:`kind_of` finds the object class (what ``get``
returns, else ``add``, ``update`` or the list response's ``objects``), the key the service's
``get`` takes (one id, or a composite such as ``categoryId`` + ``userId``), whether ids are
ints counting up per store or Kaltura string ids, and the store the objects live in:

- entry classes (``KalturaBaseEntry`` and subclasses) share the entry store, so an entry that
  ``data.add`` made is listed by ``baseEntry.list``; a service only sees entries of its own
  class (``data.get`` of a media entry is ``ENTRY_ID_NOT_FOUND``);
- flavor, thumbnail and caption assets, categories and users share the stores the
  hand-written handlers use; every other class family gets a store of its own.

Objects carry ``partnerId``: another partner's objects are invisible (partner 0's system
objects are readable by everyone and writable by nobody).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import APIError
from ._schema import ActionInfo, Schema, schema

if TYPE_CHECKING:
    from ._state import State

__all__ = ["Kind", "kind_of", "not_found", "prop_for", "store_of"]

_BASE_ENTRY = "KalturaBaseEntry"
_SCALAR = frozenset({"int", "string", "bigint"})
_CRUD = ("get", "add", "update", "delete", "list", "count")

#: Store names the hand-written handlers already use, by class family.
_SHARED_STORES = {
    _BASE_ENTRY: "entries",
    "KalturaFlavorAsset": "flavors",
    "KalturaThumbAsset": "thumbs",
    "KalturaCaptionAsset": "captions",
    "KalturaCategory": "categories",
    "KalturaCategoryEntry": "category_entries",
    "KalturaUser": "users",
    "KalturaMetadataProfile": "metadata_profiles",
    "KalturaMetadata": "metadata",
    "KalturaAppToken": "app_tokens",
}

#: Entry ``type`` (KalturaEntryType) by entry class; other entry classes keep what is sent.
ENTRY_TYPES = {
    "KalturaMediaEntry": 1,
    "KalturaMixEntry": 2,
    "KalturaPlaylist": 5,
    "KalturaDataEntry": 6,
    "KalturaLiveStreamEntry": 7,
    "KalturaLiveStreamAdminEntry": 7,
    "KalturaLiveChannel": 8,
    "KalturaDocumentEntry": 10,
}

#: Not-found codes of the server where they do not follow ``<OBJECT>_ID_NOT_FOUND``
#: (``api_v3/lib/KalturaErrors.php`` and the plugins' error classes).
_NOT_FOUND = {
    "entries": ("ENTRY_ID_NOT_FOUND", "Entry id"),
    "flavors": ("FLAVOR_ASSET_ID_NOT_FOUND", "Flavor asset id"),
    "thumbs": ("THUMB_ASSET_ID_NOT_FOUND", "The Thumbnail asset id"),
    "captions": ("CAPTION_ASSET_ID_NOT_FOUND", "Caption asset id"),
    "categories": ("CATEGORY_NOT_FOUND", "Category id"),
    "users": ("INVALID_USER_ID", "Invalid user id"),
    "metadata_profiles": ("METADATA_PROFILE_NOT_FOUND", "Metadata profile id"),
    "metadata": ("METADATA_NOT_FOUND", "Metadata id"),
    "app_tokens": ("APP_TOKEN_ID_NOT_FOUND", "Application token id"),
    "KalturaUiConf": ("UICONF_ID_NOT_FOUND", "Ui conf id"),
    "KalturaAccessControl": ("ACCESS_CONTROL_ID_NOT_FOUND", "Access control id"),
    "KalturaAccessControlProfile": ("ACCESS_CONTROL_ID_NOT_FOUND", "Access control id"),
    "KalturaConversionProfile": ("CONVERSION_PROFILE_ID_NOT_FOUND", "Conversion profile id"),
    "KalturaFlavorParams": ("FLAVOR_PARAMS_ID_NOT_FOUND", "Flavor params id"),
    "KalturaWidget": ("INVALID_WIDGET_ID", "Unknown widget"),
}


@dataclass(frozen=True, slots=True)
class Kind:
    """A service's objects as the generic engine handles them."""

    service: str
    name: str  # the service's wire name, e.g. "accessControlProfile"
    cls: str  # the object class the service's actions take and return
    store: str  # the state store name
    key_fields: tuple[str, ...]  # object fields forming the key (usually ("id",))
    int_ids: bool  # int ids counting up per store; else Kaltura string ids
    client_ids: bool  # the id is sent on add (a writable id property)
    entry_like: bool
    asset_like: bool

    @property
    def single_key(self) -> str | None:
        return self.key_fields[0] if len(self.key_fields) == 1 else None

    def not_found(self, ident: object) -> APIError:
        return not_found(self, ident)


def _upper_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def not_found(kind: Kind, ident: object) -> APIError:
    """The server's not-found error for this kind of object (see docs/protocol-notes.md)."""
    code, label = _NOT_FOUND.get(kind.store) or _NOT_FOUND.get(kind.cls) or ("", "")
    if not code:
        object_name = kind.cls.removeprefix("Kaltura")
        code, label = f"{_upper_snake(object_name)}_ID_NOT_FOUND", f"{object_name} id"
    text = str(ident)
    if code == "INVALID_USER_ID":
        return APIError(code, "Invalid user id", {})
    if code == "INVALID_WIDGET_ID":
        return APIError(code, f"Unknown widget [{text}]", {"WIDGET_ID": text})
    return APIError(code, f'{label} "{text}" not found', {"ID": text})


def _family(sch: Schema, cls: str) -> str:
    """The store of a class: a shared one, else the top-most non-abstract-root ancestor."""
    chain = [cls]
    seen = {cls}
    current = sch.base_of(cls)
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = sch.base_of(current)
    for name in chain:
        if name in _SHARED_STORES:
            return _SHARED_STORES[name]
    # the most basic concrete-or-abstract class that still has an ``id``-like identity
    return chain[-1] if chain[-1] != "KalturaObjectBase" else cls


def _object_class(sch: Schema, actions: dict[str, ActionInfo]) -> str | None:
    for name in ("get", "add", "update"):
        info = actions.get(name)
        if info is not None and info.result_type and sch.has_class(info.result_type):
            return info.result_type
    info = actions.get("list")
    if info is not None and info.result_type:
        objects = sch.properties(info.result_type).get("objects")
        if objects is not None and objects.array_type:
            return objects.array_type
    return None


def _key_fields(sch: Schema, cls: str, actions: dict[str, ActionInfo]) -> tuple[str, ...] | None:
    props = sch.properties(cls)
    probe = actions.get("get") or actions.get("delete") or actions.get("update")
    if probe is None:
        return ("id",) if "id" in props else None
    params = [p for p in probe.params if p.type in _SCALAR and not p.optional]
    if not params:
        return None
    if len(params) == 1:
        name = params[0].name
        if "id" in props:
            return ("id",)
        return (name,) if name in props else None
    names = [prop_for(p.name, props) for p in params]
    if all(names):
        return tuple(n for n in names if n)
    return None


def prop_for(param: str, props: dict[str, Any]) -> str | None:
    """The property an id argument names: itself, or the property its name ends with
    (``scheduleEventId`` -> ``eventId``)."""
    if param in props:
        return param
    lowered = param.lower()
    for name in props:
        if name.endswith("Id") and len(name) > 2 and lowered.endswith(name.lower()):
            return name
    return None


def _build_kind(sch: Schema, service: str) -> Kind | None:
    svc = sch.services[service]
    actions = {a: svc.actions[a] for a in _CRUD if a in svc.actions}
    if not actions:
        return None
    cls = _object_class(sch, actions)
    if cls is None or not sch.has_class(cls):
        return None
    keys = _key_fields(sch, cls, actions)
    if keys is None:
        return None
    store = _family(sch, cls)
    props = sch.properties(cls)
    id_prop = props.get(keys[0])
    # the class's id property decides; the get argument's type only when the class is silent
    # (some services take an int id as a string argument, e.g. serverNode.get(serverNodeId))
    probe = actions.get("get") or actions.get("delete") or actions.get("update")
    if id_prop is not None and id_prop.type in ("int", "string"):
        int_ids = id_prop.type == "int"
    else:
        scalars = [p for p in probe.params if p.type in _SCALAR and not p.optional] if probe else []
        int_ids = bool(scalars) and scalars[0].type in ("int", "bigint")
    client_ids = len(keys) > 1 or (id_prop is not None and not id_prop.read_only)
    return Kind(
        service=service,
        name=svc.name,
        cls=cls,
        store=store,
        key_fields=keys,
        int_ids=int_ids,
        client_ids=client_ids,
        entry_like=sch.is_subclass(cls, _BASE_ENTRY),
        asset_like=sch.is_subclass(cls, "KalturaAsset"),
    )


_KINDS: dict[str, Kind | None] = {}


def kind_of(service: str) -> Kind | None:
    """The kind of a service's objects, or None when the schema gives no usable object/key."""
    service = service.lower()
    if service not in _KINDS:
        sch = schema()
        _KINDS[service] = _build_kind(sch, service) if service in sch.services else None
    return _KINDS[service]


def store_of(state: State, kind: Kind) -> dict[Any, dict[str, Any]]:
    """The dict a kind's objects live in, keyed by id (or by the composite key as a tuple)."""
    shared = getattr(state, kind.store, None) if kind.store.islower() else None
    if isinstance(shared, dict):
        return shared
    return state.objects.setdefault(kind.store, {})
