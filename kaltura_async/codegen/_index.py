"""Render the compact schema index (``services/_schema_index.json``): what the emulator
reads to know every service, action, class and enum (and the docs hooks, at build time)."""

from __future__ import annotations

import json
from typing import Any

from ._schema import ClassDef, EnumDef, Schema, ServiceDef

__all__ = ["render_index"]


def _enum_entry(enum: EnumDef) -> dict[str, Any]:
    values: dict[str, int | str] = {}
    for const in enum.consts:
        values[const.name] = int(const.value) if enum.type == "int" else const.value
    return {"type": enum.type, "values": values}


def _class_entry(cls: ClassDef) -> dict[str, Any]:
    return {
        "base": cls.base,
        "abstract": cls.abstract,
        "plugin": cls.plugin,
        "properties": {
            p.name: {
                "type": p.type,
                "enumType": p.enum_type,
                "arrayType": p.array_type,
                "readOnly": p.read_only,
                "insertOnly": p.insert_only,
            }
            for p in cls.properties
        },
    }


def _service_entry(service: ServiceDef) -> dict[str, Any]:
    return {
        "name": service.name,
        "plugin": service.plugin,
        "actions": {
            action.name: {
                "multirequest": action.multirequest,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "enumType": p.enum_type,
                        "arrayType": p.array_type,
                        "optional": p.optional,
                        "default": p.default,
                    }
                    for p in action.params
                ],
                "result": {"type": action.result.type, "arrayType": action.result.array_type},
            }
            for action in service.actions
        },
    }


def render_index(schema: Schema) -> str:
    """The index as UTF-8 JSON text: compact separators, sorted keys (SCHEMA_INDEX.md)."""
    index = {
        "apiVersion": schema.api_version,
        "sha256": schema.sha256,
        "enums": {e.name: _enum_entry(e) for e in schema.enums},
        "classes": {c.name: _class_entry(c) for c in schema.classes},
        "services": {s.id: _service_entry(s) for s in schema.services},
    }
    return json.dumps(index, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
