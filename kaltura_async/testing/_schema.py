"""The emulator's read-only view of the compact schema index (services, actions, classes, enums).

The index is package data (``kaltura_async/services/_schema_index.json``), loaded lazily once
per process through importlib.resources. Every lookup a request needs is a dict access on maps
built here once, so the hot path never walks the schema.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from dataclasses import dataclass
from typing import Any

__all__ = ["ActionInfo", "ParamInfo", "PropInfo", "Schema", "ServiceInfo", "schema"]


@dataclass(frozen=True, slots=True)
class PropInfo:
    name: str
    type: str
    enum_type: str | None
    array_type: str | None
    read_only: bool
    insert_only: bool


@dataclass(frozen=True, slots=True)
class ParamInfo:
    name: str
    type: str
    enum_type: str | None
    array_type: str | None
    optional: bool
    default: str | None


@dataclass(frozen=True, slots=True)
class ActionInfo:
    service_id: str
    name: str
    params: tuple[ParamInfo, ...]
    result_type: str | None
    result_array_type: str | None
    multirequest: bool


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    id: str
    name: str
    actions: dict[str, ActionInfo]  # keyed by lowercased action name


class Schema:
    """Lookups over the index; class properties are merged with their bases once, on demand."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.api_version: str = raw.get("apiVersion", "")
        self._classes: dict[str, Any] = raw["classes"]
        self._enums: dict[str, Any] = raw["enums"]
        self.services: dict[str, ServiceInfo] = {}
        for sid, svc in raw["services"].items():
            actions: dict[str, ActionInfo] = {}
            for aname, act in svc["actions"].items():
                params = tuple(
                    ParamInfo(
                        p["name"],
                        p["type"],
                        p.get("enumType"),
                        p.get("arrayType"),
                        bool(p.get("optional")),
                        p.get("default"),
                    )
                    for p in act["params"]
                )
                result = act.get("result") or {}
                actions[aname.lower()] = ActionInfo(
                    sid.lower(),
                    aname,
                    params,
                    result.get("type"),
                    result.get("arrayType"),
                    bool(act.get("multirequest", True)),
                )
            self.services[sid.lower()] = ServiceInfo(sid.lower(), svc.get("name", sid), actions)
        self._props: dict[str, dict[str, PropInfo]] = {}
        self._enum_values: dict[str, frozenset[Any]] = {}
        self._ancestors: dict[str, frozenset[str]] = {}

    def has_class(self, name: str) -> bool:
        return name in self._classes

    def base_of(self, name: str) -> str | None:
        """The direct base class of ``name`` (None for a root or an unknown class)."""
        cls = self._classes.get(name)
        base = cls.get("base") if cls else None
        return base if isinstance(base, str) else None

    def is_abstract(self, name: str) -> bool:
        cls = self._classes.get(name)
        return bool(cls and cls.get("abstract"))

    def ancestors(self, name: str) -> frozenset[str]:
        """The class itself and every base, by name."""
        found = self._ancestors.get(name)
        if found is None:
            chain: list[str] = []
            current: str | None = name
            while current is not None and current in self._classes and current not in chain:
                chain.append(current)
                current = self._classes[current].get("base")
            found = frozenset(chain)
            self._ancestors[name] = found
        return found

    def is_subclass(self, child: str, parent: str) -> bool:
        return parent in self.ancestors(child)

    def properties(self, name: str) -> dict[str, PropInfo]:
        """All properties of a class, the most-derived class's own ones first."""
        found = self._props.get(name)
        if found is None:
            found = {}
            current: str | None = name
            seen: set[str] = set()
            while current is not None and current in self._classes and current not in seen:
                seen.add(current)
                cls = self._classes[current]
                for pname, p in cls["properties"].items():
                    if pname not in found:
                        found[pname] = PropInfo(
                            pname,
                            p["type"],
                            p.get("enumType"),
                            p.get("arrayType"),
                            bool(p.get("readOnly")),
                            bool(p.get("insertOnly")),
                        )
                current = cls.get("base")
            self._props[name] = found
        return found

    def enum_values(self, name: str) -> frozenset[Any] | None:
        """The allowed values of an enum, or None for an enum the index does not know."""
        if name not in self._enums:
            return None
        found = self._enum_values.get(name)
        if found is None:
            found = frozenset(self._enums[name]["values"].values())
            self._enum_values[name] = found
        return found

    def enum_members(self, name: str) -> dict[str, Any]:
        """An enum's values by label (``{"ACTIVE": 2, ...}``); empty for an unknown enum."""
        found = self._enums.get(name)
        return dict(found["values"]) if found else {}

    def action(self, service: str, action: str) -> ActionInfo | None:
        svc = self.services.get(service.lower())
        return None if svc is None else svc.actions.get(action.lower())


@functools.cache
def schema() -> Schema:
    """The index shipped with the package, parsed once."""
    ref = importlib.resources.files("kaltura_async").joinpath("services/_schema_index.json")
    with ref.open("r", encoding="utf-8") as fh:
        return Schema(json.load(fh))
