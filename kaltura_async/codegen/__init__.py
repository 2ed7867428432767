"""The code generator: Kaltura API schema XML -> kaltura_async.enums, .types and .services.

Run ``python -m kaltura_async.codegen SCHEMA [--out DIR] [--check]``.
"""

from __future__ import annotations

from ._generate import check_tree, render_all, write_tree
from ._schema import Schema, load_schema, parse_schema, read_schema_bytes

__all__ = [
    "Schema",
    "check_tree",
    "load_schema",
    "parse_schema",
    "read_schema_bytes",
    "render_all",
    "write_tree",
]
