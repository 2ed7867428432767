"""Argument handling for ``python -m kaltura_async.codegen``: generate, report, or check."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from ._generate import check_tree, render_with_plan, write_tree
from ._plan import plan_names
from ._schema import Schema, load_schema

__all__ = ["main"]

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _counts(schema: Schema) -> str:
    actions = sum(len(s.actions) for s in schema.services)
    return (
        f"{len(schema.enums)} enums, {len(schema.classes)} classes, "
        f"{len(schema.services)} services, {actions} actions"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kaltura_async.codegen",
        description="Generate kaltura_async.enums, .types and .services from a Kaltura API schema.",
    )
    parser.add_argument(
        "schema", help="schema XML: a file path or http(s)://.../api_v3/api_schema.php"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=_PACKAGE_DIR,
        help="the kaltura_async package folder to write into (default: this installation's)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the committed tree differs from a fresh generation",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    schema = load_schema(args.schema)
    if args.check:
        diff = check_tree(schema, args.out)
        for line in diff:
            print(line)
        status = "differs from" if diff else "matches"
        print(f"generated tree {status} schema {schema.api_version} ({_counts(schema)})")
        return 1 if diff else 0
    plan = plan_names(schema)
    files = render_with_plan(schema, plan)
    write_tree(files, args.out)
    elapsed = time.perf_counter() - started
    print(f"schema {schema.api_version} sha256 {schema.sha256}")
    print(f"generated {_counts(schema)}: {len(files)} files in {elapsed:.2f} s")
    print(f"name clashes resolved: {len(plan.clashes)}")
    for clash in plan.clashes:
        print(f"  {clash.describe()}")
    return 0
