"""Which actions the emulator serves: by a hand-written handler, by the generic engine, or not
at all (``ACTION_NOT_EMULATED``). The documentation's coverage page is built from this."""

from __future__ import annotations

from typing import Any

__all__ = ["coverage"]


def coverage() -> list[dict[str, Any]]:
    """One dict per service of the schema, by service id: ``service`` (the id a request names,
    lowercased; plugin services are ``<plugin>_<name>``), ``name``, and ``hand``, ``generic``
    and ``missing`` (lists of action names as the schema spells them).

    A hand-written handler wins over the generic one, as in the dispatcher.
    """
    from . import _app  # noqa: F401  (importing registers the hand-written handlers)
    from ._schema import schema
    from ._services import HANDLERS
    from ._services.generic import generic_specs

    generic = generic_specs()
    rows = []
    for service_id, svc in sorted(schema().services.items()):
        row: dict[str, Any] = {
            "service": service_id,
            "name": svc.name,
            "hand": [],
            "generic": [],
            "missing": [],
        }
        for key, info in sorted(svc.actions.items()):
            if (service_id, key) in HANDLERS:
                row["hand"].append(info.name)
            elif (service_id, key) in generic:
                row["generic"].append(info.name)
            else:
                row["missing"].append(info.name)
        rows.append(row)
    return rows
