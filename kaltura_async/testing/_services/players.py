"""Player templates (``uiConf.listTemplates``) and the content-distribution provider list.

Sources: ``api_v3/services/UiConfService.php`` (``listTemplatesAction``: the uiConfs of the
template partner, 0) and ``plugins/content_distribution/.../DistributionProviderService.php``
(``listAction``: the partner's generic distribution providers, plus those of partner 0).

The template partner's players are fixed system objects here: a v2 player, a playlist player and
a v3 player (``partnerId`` 0), filtered and paged like any uiConf list. Distribution providers
are the generic ones ``genericDistributionProvider.add`` created (none on a fresh partner);
providers that ship with distribution plugins (YouTube, ...) are not emulated.
"""

from __future__ import annotations

from typing import Any

from .._schema import schema
from .._state import list_response, select
from . import Context, action, find_spec

__all__ = ["TEMPLATE_UI_CONFS"]

_CREATED = 1_500_000_000
PLAYER, PLAYLIST, PLAYER_V3 = 1, 5, 8
TEMPLATE_UI_CONFS: tuple[dict[str, Any], ...] = tuple(
    {
        "objectType": "KalturaUiConf",
        "id": ident,
        "name": name,
        "partnerId": 0,
        "objType": obj_type,
        "objTypeAsString": type_name,
        "width": width,
        "height": height,
        "tags": tags,
        "creationMode": 2,
        "useCdn": True,
        "version": "1",
        "html5Url": f"/html5/html5lib/v2.{ident % 100}/mwEmbedLoader.php",
        "createdAt": _CREATED,
        "updatedAt": _CREATED,
        "_seq": ident,
    }
    for ident, name, obj_type, type_name, width, height, tags in (
        (48501, "Default player", PLAYER, "Player", 560, 395, "player,kdp3,template"),
        (48502, "Playlist player", PLAYLIST, "Playlist", 740, 330, "playlist,kdp3,template"),
        (48503, "Universal player", PLAYER_V3, "Player V3", 640, 360, "player,html5,template"),
    )
)


@action("uiConf", "listTemplates")
async def ui_conf_list_templates(ctx: Context, args: dict[str, Any]) -> Any:
    items = [dict(t) for t in TEMPLATE_UI_CONFS]
    chosen = select(items, args["filter"], schema().properties("KalturaUiConf"))
    return list_response(
        "KalturaUiConfListResponse", chosen, args["filter"], args["pager"], "+createdAt"
    )


@action("contentDistribution_distributionProvider", "list")
async def distribution_provider_list(ctx: Context, args: dict[str, Any]) -> Any:
    providers: list[dict[str, Any]] = []
    generic = find_spec("contentDistribution_genericDistributionProvider", "list")
    if generic is not None:
        sub = Context(
            ctx.state,
            ctx.uploads,
            ctx.session,
            ctx.ks,
            "contentdistribution_genericdistributionprovider",
            "list",
        )
        found = await generic.func(sub, {"filter": None, "pager": {"pageSize": 500}})
        providers = [dict(p) for p in found.get("objects") or []]
    props = schema().properties("KalturaGenericDistributionProvider")
    chosen = select(providers, args["filter"], props)
    return list_response(
        "KalturaDistributionProviderListResponse", chosen, args["filter"], args["pager"]
    )
