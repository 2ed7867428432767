"""Argument handling for ``python -m kaltura_async.codegen``: generate, report, or check.

Every failure (a missing or unreadable schema, an unreachable URL, XML that is not a Kaltura
schema, an unwritable output folder) is one line on stderr and exit code 1; ``--debug`` adds
the traceback. Usage errors exit 2.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .._argparse import ArgumentParser
from ._generate import check_tree, render_with_plan, write_tree
from ._plan import plan_names
from ._schema import Schema, load_schema

__all__ = ["main"]

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The schema the committed tree was generated from, in a checkout of the repository (an
#: installed wheel does not carry it: pass a path or your server's api_schema.php URL).
DEFAULT_SCHEMA = _PACKAGE_DIR.parent / "schema" / "kaltura_api_schema_23.10.0.xml"
PROG = "python -m kaltura_async.codegen"


def _counts(schema: Schema) -> str:
    actions = sum(len(s.actions) for s in schema.services)
    return (
        f"{len(schema.enums)} enums, {len(schema.classes)} classes, "
        f"{len(schema.services)} services, {actions} actions"
    )


def _shown(source: str) -> str:
    """The schema source for a message: a URL without its user info, query or fragment."""
    if source.startswith(("http://", "https://")):
        parts = urlsplit(source)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return source


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="Generate kaltura_async.enums, .types and .services from a Kaltura API schema.",
    )
    parser.add_argument(
        "schema",
        nargs="?",
        help="schema XML: a file path or http(s)://.../api_v3/api_schema.php "
        "(default: schema/kaltura_api_schema_23.10.0.xml of this checkout)",
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
    parser.add_argument("--debug", action="store_true", help="show the traceback of a failure")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator; returns the exit code (0 done or matching, 1 failed or differs)."""
    args = _parser().parse_args(argv)
    source = args.schema if args.schema is not None else str(DEFAULT_SCHEMA)
    if args.schema is None and not DEFAULT_SCHEMA.is_file():
        print(
            f"{PROG}: error: no schema given, and this installation has none at "
            f"{DEFAULT_SCHEMA}: pass a schema file or an api_schema.php URL",
            file=sys.stderr,
        )
        return 1
    try:
        schema = load_schema(source)
    except Exception as exc:
        return _fail(f"cannot read schema {_shown(source)}", exc, args.debug)
    try:
        return _run(schema, args.out, check=args.check)
    except Exception as exc:
        return _fail(f"cannot generate into {args.out}", exc, args.debug)


def _fail(what: str, exc: Exception, debug: bool) -> int:
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    detail = " ".join(str(exc).split()) or type(exc).__name__
    print(f"{PROG}: error: {what}: {type(exc).__name__}: {detail}", file=sys.stderr)
    return 1


def _run(schema: Schema, out: Path, *, check: bool) -> int:
    started = time.perf_counter()
    if check:
        diff = check_tree(schema, out)
        for line in diff:
            print(line)
        status = "differs from" if diff else "matches"
        print(f"generated tree {status} schema {schema.api_version} ({_counts(schema)})")
        return 1 if diff else 0
    plan = plan_names(schema)
    files = render_with_plan(schema, plan)
    write_tree(files, out)
    elapsed = time.perf_counter() - started
    print(f"schema {schema.api_version} sha256 {schema.sha256}")
    print(f"generated {_counts(schema)}: {len(files)} files in {elapsed:.2f} s")
    print(f"name clashes resolved: {len(plan.clashes)}")
    for clash in plan.clashes:
        print(f"  {clash.describe()}")
    return 0
