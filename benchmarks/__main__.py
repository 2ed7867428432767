"""Run every benchmark scenario: ``python -m benchmarks [--quick] [--only NAME ...]``.

Each scenario prints one markdown table (median, min, max, ratio to the baseline measured
in the same run) and writes its rows as JSON under ``benchmarks/results/`` (or ``--out``).
The run ends with the targets of the issues and whether each holds in this run.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import inspect
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from ._harness import RESULTS_DIR, machine, markdown, write_json
from ._targets import evaluate


@attrs.frozen
class Entry:
    module: str
    about: str
    #: "rows": ``run(quick)`` returns rows; "main": ``main(argv)`` prints and writes itself
    kind: str = "rows"
    quick_argv: tuple[str, ...] = ()
    full_argv: tuple[str, ...] = ()


SCENARIOS: dict[str, Entry] = {
    "transport": Entry(
        "benchmarks.bench_transport",
        "media.list x5 at concurrency 1/32/256: raw aiohttp, kaltura-async, official client",
    ),
    "decode": Entry(
        "benchmarks.bench_decode", "500-entry MediaListResponse: json.loads, typed, official XML"
    ),
    "import": Entry(
        "benchmarks.bench_import", "import + client construction, first client.media access"
    ),
    "pagination": Entry(
        "benchmarks.bench_pagination", "client.paginate over 100,000 entries: items/s, memory"
    ),
    "emulator": Entry("benchmarks._emulator_rows", "emulator throughput on simple calls"),
    "multirequest": Entry(
        "benchmarks.bench_multirequest",
        "100 media.get: sequential, multirequest, concurrent, gather; dependent chain",
        kind="main",
        quick_argv=("--rounds", "3"),
    ),
    "upload": Entry(
        "benchmarks.bench_upload",
        "chunked upload at parallel 1/4/8 vs raw aiohttp; peak RSS on 512 MB",
        kind="main",
        quick_argv=("--quick",),
    ),
}


def _present(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _run_rows(entry: Entry, quick: bool) -> list[dict[str, Any]]:
    run: Callable[..., Any] = importlib.import_module(entry.module).run
    result = run(quick)
    if inspect.isawaitable(result):
        result = asyncio.run(result)  # type: ignore[arg-type]
    rows: list[dict[str, Any]] = result
    return rows


def _print_tables(rows: list[dict[str, Any]]) -> None:
    by_scenario: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_scenario.setdefault(row["scenario"], []).append(row)
    for name, group in by_scenario.items():
        print(f"\n### {name}\n")
        print(markdown(group))
        notes = sorted({r["notes"] for r in group if r.get("notes")})
        for note in notes:
            print(f"\n_{note}_")


def _rows_written(name: str, since: float) -> list[dict[str, Any]]:
    """Rows a self-printing scenario wrote to ``results/<name>.json`` during this run."""
    path = RESULTS_DIR / f"{name}.json"
    if not path.exists() or path.stat().st_mtime < since:
        return []
    rows: list[dict[str, Any]] = json.loads(path.read_text())["rows"]
    return [r for r in rows if "contender" in r]


def _holds(value: bool | None) -> str:
    return "n/a" if value is None else "yes" if value else "NO"


def print_targets(verdicts: list[dict[str, Any]]) -> None:
    """The targets as two tables: the typed-results table (before, goal, now) and the rest."""
    table = [v for v in verdicts if v.get("goal")]
    others = [v for v in verdicts if not v.get("goal")]
    if table:
        print("\n## targets: typed results at zero net cost\n")
        print("| figure | before | goal | this run | holds |")
        print("|---|---:|---:|---:|---|")
        for v in table:
            print(
                f"| {v['target']} | {v['today']} | {v['goal']} | {v['measured']} | "
                f"{_holds(v['holds'])} |"
            )
    if others:
        print("\n## targets: standing\n")
        print("| target | measured | holds |")
        print("|---|---:|---|")
        for v in others:
            print(f"| {v['target']} | {v['measured']} | {_holds(v['holds'])} |")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and smaller loads")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only these scenarios (repeat or comma-separate): {', '.join(SCENARIOS)}",
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="where JSON goes")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument(
        "--plots",
        action="store_true",
        help="then render docs/img/throughput.svg and decode.svg from this run's JSON",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        for name, entry in SCENARIOS.items():
            print(f"{name:14} {entry.about}")
        return 0
    chosen = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
        return 2
    names = chosen or list(SCENARIOS)
    info = machine()
    print(f"# kaltura-async benchmarks{' (quick)' if args.quick else ''}\n")
    print(f"machine: {info}")
    all_rows: list[dict[str, Any]] = []
    for name in names:
        entry = SCENARIOS[name]
        print(f"\n## {name}: {entry.about}")
        if not _present(entry.module):
            print("\n_not on this branch yet: its module has not landed_")
            continue
        started = time.perf_counter()
        wall_start = time.time()
        if entry.kind == "main":
            argv_for = list(entry.quick_argv if args.quick else entry.full_argv)
            sys.stdout.flush()
            code = importlib.import_module(entry.module).main(argv_for)
            if code:
                print(f"\n{name} exited with {code}")
                return int(code)
            all_rows += _rows_written(name, wall_start)
        else:
            rows = _run_rows(entry, args.quick)
            _print_tables(rows)
            write_json(name, rows, args.out)
            all_rows += rows
        print(f"\n_{name} took {time.perf_counter() - started:.0f} s_")
    verdicts = evaluate(all_rows)
    print_targets(verdicts)
    args.out.mkdir(parents=True, exist_ok=True)
    summary = {"machine": info, "quick": args.quick, "rows": all_rows, "targets": verdicts}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    if args.plots:
        from . import plots

        for path in plots.render(args.out, plots.DOCS_IMG):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
