"""The generic engine beyond CRUD: actions whose meaning the schema and the server's naming
make plain, for every service whose objects the engine already keeps.

- **status verbs**: ``activate``, ``deactivate``, ``enable``, ``disable``, ``cancel``,
  ``abort``, ``reject``, ``markOffline``, ``ignore``, ``approve`` set ``status`` to the value of
  the object's own status enum with the matching label (ACTIVE, NOT_ACTIVE, ACTIVE or ENABLED,
  DISABLED, CANCELLED, ABORTED, REJECTED, NOT_OPERATIONAL, IGNORE, APPROVED or PENDING); a
  verb whose label the enum lacks is not served; entries are left to their own handlers.
- **getDefault** answers the object with ``isDefault`` set; **getBy<Property>(value)** the
  object (or, for an array result, every object) whose property holds the value.
- **anonymousRank(entryId, rank)** adds a vote: ``votes`` + 1, ``totalRank`` + rank, ``rank``
  their mean.
- **index**: the server re-indexes the object for search and answers its id; the emulator's
  lists always read the live store, so it only checks that the object exists.
- **list variants** (``listByPartner``, ``listTemplates``, ``getJobs``): a list of the
  service's own list-response class; ``listTemplates`` lists partner 0's objects, the
  templates the server ships.
- **setAsDefault**: ``isDefault`` (or, for thumbnails, the ``default_thumb`` tag) moves to this
  object from its siblings (the same entry's assets, or the partner's objects).
- **content** of assets and files: ``setContent`` takes a string resource or a full upload
  token (``UPLOAD_TOKEN_NOT_FOUND`` / ``UPLOADED_FILE_NOT_FOUND_BY_TOKEN`` otherwise), the
  asset turns READY with its size; ``serve`` answers the stored bytes (a metadata object its
  XML, a metadata profile its XSD); ``getUrl`` / ``getDownloadUrl`` answer the emulator's own
  ``serve`` URL, so fetching it works.
"""

from __future__ import annotations

from typing import Any

from .._engine import Kind, store_of
from .._errors import api_error
from .._render import FileBody
from .._schema import ActionInfo, Schema
from .._uploads import CLOSED, FULL
from . import Context, Handler

__all__ = ["VERB_FACTORIES", "read_resource"]

_VERB_LABELS = {
    "activate": ("ACTIVE",),
    "deactivate": ("NOT_ACTIVE",),
    "enable": ("ACTIVE", "ENABLED"),
    "disable": ("DISABLED",),
    "cancel": ("CANCELLED", "CANCELED"),
    "abort": ("ABORTED",),
    "reject": ("REJECTED",),
    "markOffline": ("NOT_OPERATIONAL",),
    "ignore": ("IGNORE",),
    # a task waiting for moderation goes back to the queue (EntryVendorTaskService::approve)
    "approve": ("APPROVED", "PENDING"),
}
_READY = 2


def _status_value(sch: Schema, kind: Kind, labels: tuple[str, ...]) -> Any:
    prop = sch.properties(kind.cls).get("status")
    if prop is None or prop.enum_type is None:
        return None
    values = sch.enum_members(prop.enum_type)
    for label in labels:
        if label in values:
            value = values[label]
            return int(value) if prop.type == "int" and str(value).lstrip("-").isdigit() else value
    return None


def _make_status_verb(verb: str) -> Any:
    def factory(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
        from .generic import _find, _key_from_args, _key_params

        params = _key_params(info, kind)
        value = _status_value(sch, kind, _VERB_LABELS[verb])
        if params is None or value is None or kind.entry_like:
            return None
        returns = info.result_type is not None

        async def set_status(ctx: Context, args: dict[str, Any]) -> Any:
            item = _find(ctx, kind, _key_from_args(params, args), write=True)
            item.update(status=value, updatedAt=ctx.state.now())
            return item if returns else None

        return set_status

    return factory


def _make_index(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    from .generic import _find, _key_from_args, _key_params

    params = _key_params(info, kind)
    if params is None or info.result_type not in ("int", "string"):
        return None
    as_text = info.result_type == "string"

    async def index(ctx: Context, args: dict[str, Any]) -> Any:
        item = _find(ctx, kind, _key_from_args(params, args))
        ident = item.get("id")
        if as_text:
            return str(ident)
        return ident if isinstance(ident, int) else int(item.get("_seq") or 0)

    return index


def _make_list_variant(templates: bool) -> Any:
    def factory(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
        from .generic import _lister

        svc_list = sch.services[kind.service].actions.get("list")
        response = info.result_type
        if svc_list is None or response != svc_list.result_type:
            return None
        run = _lister(sch, kind, info)
        if run is None:
            return None

        async def list_variant(ctx: Context, args: dict[str, Any]) -> Any:
            if templates:
                flt = {**(args.get("filter") or {}), "partnerIdEqual": 0}
                args = {**args, "filter": flt}
            objects, total = run(ctx, args, True)
            return {"objectType": response, "objects": objects, "totalCount": total}

        return list_variant

    return factory


def _make_set_as_default(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    from .generic import _find, _key_from_args, _key_params

    params = _key_params(info, kind)
    props = sch.properties(kind.cls)
    by_tag = "isDefault" not in props and "tags" in props and kind.asset_like
    if params is None or not ("isDefault" in props or by_tag):
        return None
    returns = info.result_type is not None

    async def set_as_default(ctx: Context, args: dict[str, Any]) -> Any:
        item = _find(ctx, kind, _key_from_args(params, args), write=True)
        now = ctx.state.now()
        for other in store_of(ctx.state, kind).values():
            if other.get("entryId") != item.get("entryId") or other.get("partnerId") != item.get(
                "partnerId"
            ):
                continue
            chosen = other is item
            if by_tag:
                tags = [t.strip() for t in str(other.get("tags") or "").split(",") if t.strip()]
                tags = [t for t in tags if t != "default_thumb"]
                other["tags"] = ",".join([*tags, "default_thumb"] if chosen else tags)
            else:
                other["isDefault"] = 1 if chosen else 0
            if chosen:
                other["updatedAt"] = now
        return item if returns else None

    return set_as_default


def read_resource(ctx: Context, resource: dict[str, Any], attach_as: str, object_id: Any) -> bytes:
    """The bytes a content resource carries: a string resource's text, a full upload token's
    file (the token is then CLOSED and attached to the object, as the server does), nothing
    for a URL resource (the emulator fetches nothing)."""
    rtype = resource["objectType"]
    if rtype == "KalturaStringResource":
        return str(resource.get("content") or "").encode()
    if rtype == "KalturaUploadedFileTokenResource":
        token_id = str(resource.get("token") or "")
        token = ctx.uploads.tokens.get(token_id)
        if token is None:
            raise api_error("UPLOAD_TOKEN_NOT_FOUND")
        if token.status != FULL:
            raise api_error("UPLOADED_FILE_NOT_FOUND_BY_TOKEN")
        content = ctx.uploads.read_bytes(token_id)
        token.obj.update(status=CLOSED, attachedObjectType=attach_as, attachedObjectId=object_id)
        return content
    if rtype == "KalturaUrlResource":
        return b""
    raise api_error("RESOURCE_TYPE_NOT_SUPPORTED", rtype)


def _make_set_content(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    from .generic import _find, _key_from_args, _key_params

    params = _key_params(info, kind)
    resource = next((p for p in info.params if p.name == "contentResource"), None)
    if params is None or resource is None or kind.entry_like:
        return None
    props = sch.properties(kind.cls)

    async def set_content(ctx: Context, args: dict[str, Any]) -> Any:
        item = _find(ctx, kind, _key_from_args(params, args), write=True)
        attach_as = kind.cls.removeprefix("Kaltura")
        key = item[kind.key_fields[0]]
        content = read_resource(ctx, args[resource.name], attach_as, key)
        item["_content"] = content
        changes: dict[str, Any] = {"updatedAt": ctx.state.now()}
        if "status" in props:
            changes["status"] = _READY
        if "size" in props:
            changes["size"] = max(len(content) // 1024, 1)
        if "sizeInBytes" in props:
            changes["sizeInBytes"] = len(content)
        if "version" in props:
            changes["version"] = int(item.get("version") or 0) + 1
        item.update(changes)
        return item

    return set_content


def _make_serve(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    from .generic import _find, _key_from_args, _key_params

    params = _key_params(info, kind)
    field = {"KalturaMetadata": "xml", "KalturaMetadataProfile": "xsd"}.get(kind.cls)
    has_content = "setcontent" in sch.services[kind.service].actions
    if params is None or info.result_type != "file" or not (field or has_content):
        return None

    async def serve(ctx: Context, args: dict[str, Any]) -> Any:
        item = _find(ctx, kind, _key_from_args(params, args))
        if field is not None:
            content = str(item.get(field) or "").encode()
        else:
            content = bytes(item.get("_content") or b"")
        name = item.get("filename") or item.get("fileName")
        return FileBody(content, "application/octet-stream", str(name) if name else None)

    return serve


def _make_get_url(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    from .generic import _find, _key_from_args, _key_params

    params = _key_params(info, kind)
    serve = sch.services[kind.service].actions.get("serve")
    if params is None or serve is None or info.result_type != "string" or kind.entry_like:
        return None
    serve_key = next((p.name for p in serve.params if not p.optional), None)
    if serve_key is None:
        return None
    service_name = sch.services[kind.service].id

    async def get_url(ctx: Context, args: dict[str, Any]) -> Any:
        item = _find(ctx, kind, _key_from_args(params, args))
        ident = item[kind.key_fields[0]]
        base = ctx.state.config.public_url
        url = f"{base}/api_v3/service/{service_name}/action/serve/{serve_key}/{ident}"
        return f"{url}/ks/{ctx.ks}" if ctx.ks else url

    return get_url


def _make_get_default(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    if "isDefault" not in sch.properties(kind.cls) or info.result_type != kind.cls:
        return None

    async def get_default(ctx: Context, args: dict[str, Any]) -> Any:
        from .generic import _visible

        for item in store_of(ctx.state, kind).values():
            if item.get("isDefault") in (1, True) and _visible(ctx, kind, item):
                return item
        raise kind.not_found("default")

    return get_default


def _make_get_by(field_param: str) -> Any:
    """``getByProvider(provider)``, ``getByEmailAddress(emailAddress)``: the first object whose
    property of that name holds the value (an array action: every such object)."""

    def factory(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
        from .generic import _visible

        props = sch.properties(kind.cls)
        scalars = [p for p in info.params if not p.optional]
        if len(scalars) != 1 or scalars[0].name != field_param or field_param not in props:
            return None
        many = info.result_type == "array"
        if not many and info.result_type != kind.cls:
            return None

        async def get_by(ctx: Context, args: dict[str, Any]) -> Any:
            wanted = args[field_param]
            found = [
                item
                for item in store_of(ctx.state, kind).values()
                if item.get(field_param) == wanted and _visible(ctx, kind, item)
            ]
            if many:
                return found
            if not found:
                raise kind.not_found(wanted)
            return found[0]

        return get_by

    return factory


def _make_anonymous_rank(sch: Schema, kind: Kind, info: ActionInfo) -> Handler | None:
    """``anonymousRank(entryId, rank)``: one more vote; ``rank`` is the mean of the votes
    (a rank outside 1..5 is ``INVALID_RANK_VALUE``)."""
    from .generic import _find, _key_from_args, _key_params

    params = _key_params(info, kind)
    if params is None or not kind.entry_like:
        return None

    async def anonymous_rank(ctx: Context, args: dict[str, Any]) -> Any:
        rank = args["rank"]
        if not 1 <= rank <= 5:
            raise api_error("INVALID_RANK_VALUE")
        item = _find(ctx, kind, _key_from_args(params, args))
        votes = int(item.get("votes") or 0) + 1
        total = int(item.get("totalRank") or 0) + rank
        item.update(votes=votes, totalRank=total, rank=total / votes)
        return None

    return anonymous_rank


VERB_FACTORIES: dict[str, Any] = {
    "getDefault": _make_get_default,
    "getByProvider": _make_get_by("provider"),
    "getByEmailAddress": _make_get_by("emailAddress"),
    "anonymousRank": _make_anonymous_rank,
    **{verb: _make_status_verb(verb) for verb in _VERB_LABELS},
    "index": _make_index,
    "listByPartner": _make_list_variant(False),
    "getJobs": _make_list_variant(False),
    "listTemplates": _make_list_variant(True),
    "setAsDefault": _make_set_as_default,
    "setContent": _make_set_content,
    "serve": _make_serve,
    "getUrl": _make_get_url,
    "getDownloadUrl": _make_get_url,
}
