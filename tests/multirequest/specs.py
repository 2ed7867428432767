"""Action specs over the core test models, shaped like generated ones, for batch tests."""

from __future__ import annotations

from typing import Any

from kaltura_async import Call, KalturaClient, RetryPolicy
from kaltura_async._call import ActionSpec
from kaltura_async._kind import Kind
from tests.core.models import Thing, ThingList, TokenResource

THING = Kind.obj("KalturaTestThing")

ADD = ActionSpec("thing", "add", (("thing", THING),), THING)
GET = ActionSpec("thing", "get", (("id", Kind.STR), ("version", Kind.INT)), THING, safe=True)
UPDATE = ActionSpec("thing", "update", (("id", Kind.STR), ("thing", THING)), THING, update=True)
LIST = ActionSpec(
    "thing", "list", (("nameLike", Kind.STR),), Kind.obj("KalturaTestThingListResponse"), safe=True
)
COUNT = ActionSpec("thing", "count", (("nameLike", Kind.STR),), Kind.INT, safe=True)
DELETE = ActionSpec("thing", "delete", (("id", Kind.STR),), Kind.VOID)
ATTACH = ActionSpec(
    "thing",
    "attach",
    (("id", Kind.STR), ("resource", Kind.obj("KalturaTestResource")), ("fileData", Kind.FILE)),
    THING,
)
NO_MULTI = ActionSpec("thing", "lonely", (), Kind.VOID, multirequest=False)
SERVE = ActionSpec("thing", "serve", (("id", Kind.STR),), Kind.SERVE, safe=True)

FAST = RetryPolicy(max_retries=2, base_delay=0.0, max_delay=0.0)
KS = "djJ8MTIzfHNlY3JldHN0dWZmc2VjcmV0c3R1ZmZzZWNyZXRzdHVmZnNlY3JldHN0dWZm"


def client(url: str = "http://127.0.0.1:9", **kw: Any) -> KalturaClient:
    kw.setdefault("retry", FAST)
    kw.setdefault("ks", KS)
    return KalturaClient(url, partner_id=123, **kw)


def call(c: KalturaClient, spec: ActionSpec, **params: Any) -> Call[Any]:
    return Call(c, spec, params)


def thing(**fields: Any) -> Thing:
    return Thing(**fields)


def wire_thing(id: str, name: str = "n", **extra: Any) -> dict[str, Any]:
    return {"id": id, "name": name, **extra, "objectType": "KalturaTestThing"}


def wire_list(*ids: str) -> dict[str, Any]:
    return {
        "objects": [wire_thing(i) for i in ids],
        "totalCount": len(ids),
        "objectType": "KalturaTestThingListResponse",
    }


def api_error(code: str, message: str = "boom") -> dict[str, Any]:
    return {"code": code, "message": message, "args": {}, "objectType": "KalturaAPIException"}


__all__ = ["Thing", "ThingList", "TokenResource"]
