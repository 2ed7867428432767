"""The code generator: Kaltura API schema XML -> kaltura_async.enums, .types and .services.

Run ``python -m kaltura_async.codegen SCHEMA [--out DIR] [--check]``.
"""

from __future__ import annotations

from ._generate import check_tree, render_all, render_with_plan, write_tree
from ._names import Clash
from ._plan import NamePlan, plan_names
from ._schema import Schema, load_schema, parse_schema, read_schema_bytes

__all__ = [
    "Clash",
    "NamePlan",
    "Schema",
    "check_tree",
    "load_schema",
    "parse_schema",
    "plan_names",
    "read_schema_bytes",
    "render_all",
    "render_with_plan",
    "write_tree",
]
