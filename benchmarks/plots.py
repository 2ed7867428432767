"""Render the performance plots from benchmark JSON: ``python -m benchmarks.plots``.

Reads ``transport.json`` and ``decode.json`` (written by ``python -m benchmarks``) from
``--results`` and writes two SVG files to ``--out`` (``docs/img`` by default):

- ``throughput.svg``: calls/s against concurrency for raw aiohttp, kaltura-async and the
  official client (sequential at concurrency 1, its 32-thread pool above);
- ``decode.svg``: decode time against entry count for ``json.loads`` alone, kaltura-async
  (parse and typed decode) and the official client's XML decode, on log axes.

``python -m benchmarks --plots`` runs the scenarios and renders in one go. matplotlib
comes with the ``bench`` extra. The SVG is written without a date and with a fixed id
salt, so an unchanged result renders to unchanged bytes.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from . import bench_decode, bench_transport
from ._harness import RESULTS_DIR

DOCS_IMG = Path(__file__).resolve().parent.parent / "docs" / "img"
_CONCURRENCY = re.compile(r"^media\.list x5, concurrency (\d+)$")
_ENTRIES = re.compile(r"^decode (\d+)-entry MediaListResponse$")


def _load(results: Path, name: str) -> dict[str, Any] | None:
    path = results / f"{name}.json"
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def throughput_series(rows: list[dict[str, Any]]) -> dict[str, list[tuple[int, float]]]:
    """``contender label -> [(concurrency, ops/s)]`` from transport rows."""
    series: dict[str, list[tuple[int, float]]] = {}
    labels = {
        bench_transport.RAW: "raw aiohttp + json.loads",
        bench_transport.SDK: "kaltura-async (typed models)",
        bench_transport.OFFICIAL_SEQ: "official client",
        bench_transport.OFFICIAL_POOL: "official client",
    }
    for row in rows:
        match = _CONCURRENCY.match(row["scenario"])
        label = labels.get(row["contender"])
        if match is None or label is None:
            continue
        concurrency = int(match[1])
        # The official client: sequential at 1, its thread pool above.
        if row["contender"] == bench_transport.OFFICIAL_SEQ and concurrency > 1:
            continue
        if row["contender"] == bench_transport.OFFICIAL_POOL and concurrency == 1:
            continue
        series.setdefault(label, []).append((concurrency, row["median"]))
    return {k: sorted(v) for k, v in series.items()}


def decode_series(rows: list[dict[str, Any]]) -> dict[str, list[tuple[int, float]]]:
    """``contender label -> [(entries, seconds)]`` from decode rows."""
    labels = {
        bench_decode.BASELINE: "json.loads alone (dicts)",
        bench_decode.SDK: "kaltura-async: parse + typed models",
        bench_decode.OFFICIAL: "official client: XML + objects",
    }
    series: dict[str, list[tuple[int, float]]] = {}
    for row in rows:
        match = _ENTRIES.match(row["scenario"])
        label = labels.get(row["contender"])
        if match is not None and label is not None:
            series.setdefault(label, []).append((int(match[1]), row["median"]))
    return {k: sorted(v) for k, v in series.items()}


def _save(fig: Any, path: Path) -> None:
    import matplotlib

    matplotlib.rcParams["svg.hashsalt"] = "kaltura-async"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")


def render(results: Path, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written: list[Path] = []
    transport, decode = _load(results, "transport"), _load(results, "decode")
    for name, data in (("transport", transport), ("decode", decode)):
        if data is None:
            print(f"no {name}.json in {results}: run python -m benchmarks --only {name}")
    if transport is not None:
        written.append(_throughput(plt, transport, out))
    if decode is not None:
        written.append(_decode(plt, decode, out))
    return written


def _note(data: dict[str, Any]) -> str:
    machine = data.get("machine", {})
    return f"{machine.get('cpus', '?')} CPUs, Python {machine.get('python', '?')}"


def _throughput(plt: Any, data: dict[str, Any], out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for label, points in throughput_series(data["rows"]).items():
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks([1, 32, 256], labels=["1", "32", "256"])
    ax.set_xlabel("concurrent calls")
    ax.set_ylabel("media.list calls/s (5 entries, loopback)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"Throughput against concurrency ({_note(data)})")
    ax.grid(True, alpha=0.3)
    ax.legend()
    path = out / "throughput.svg"
    _save(fig, path)
    plt.close(fig)
    return path


def _decode(plt: Any, data: dict[str, Any], out: Path) -> Path:
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for label, points in decode_series(data["rows"]).items():
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, [y * 1000 for y in ys], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("entries in the MediaListResponse")
    ax.set_ylabel("CPU milliseconds per response")
    ax.set_title(f"Decode time against entry count ({_note(data)})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    path = out / "decode.svg"
    _save(fig, path)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plots", description=__doc__)
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="benchmark JSON dir")
    parser.add_argument("--out", type=Path, default=DOCS_IMG, help="where the SVG files go")
    args = parser.parse_args(argv)
    for path in render(args.results, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
