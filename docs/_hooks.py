"""mkdocs hooks: pages generated at build time from the package itself.

A page holding one of the markers below gets it replaced, so the published tables can never
drift from the code:

- ``<!-- generated: error-table -->``: Kaltura error codes -> exception classes
  (``kaltura_async._errors.API_ERROR_CLASSES``);
- ``<!-- generated: services-index -->``: every service and action, with its Python method;
- ``<!-- generated: types-index -->``: every type and enum;
- ``<!-- generated: emulator-coverage -->``: per service, which actions the emulator serves
  by a hand-written handler, by the generic engine, or not at all (from its registries).

The services and types come from ``kaltura_async/services/_schema_index.json`` (what the
generator read from the schema) joined with the generated registries for the Python names.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

MARKERS = {
    "<!-- generated: error-table -->": "error_table",
    "<!-- generated: services-index -->": "services_index",
    "<!-- generated: types-index -->": "types_index",
    "<!-- generated: emulator-coverage -->": "emulator_coverage",
}


def on_page_markdown(markdown: str, **_: Any) -> str:
    # mkdocs restores sys.path after loading hooks, so make the package importable here
    # (an uninstalled checkout; an installed package is found either way).
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    for marker, name in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, globals()[name]())
    return markdown


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def error_table() -> str:
    """A markdown table: exception class, the codes it stands for, what it means."""
    from kaltura_async import _errors

    by_class: dict[type, list[str]] = defaultdict(list)
    for code, cls in _errors.API_ERROR_CLASSES.items():
        by_class[cls].append(code)
    rows = ["| Exception | Kaltura code(s) | Meaning |", "|---|---|---|"]
    for cls in sorted(by_class, key=lambda c: c.__name__):
        codes = ", ".join(f"`{c}`" for c in sorted(by_class[cls]))
        doc = inspect.getdoc(cls) or ""
        meaning = doc.split("\n\n")[0]
        rows.append(f"| `{cls.__name__}` | {codes} | {_cell(meaning)} |")
    rows.append("| `KalturaAPIError` | any other code | read `.code`, `.message`, `.arguments` |")
    return "\n".join(rows)


def _schema_index() -> dict[str, Any]:
    path = ROOT / "kaltura_async" / "services" / "_schema_index.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _wire_type(spec: dict[str, Any] | None) -> str:
    if not spec or not spec.get("type"):
        return "—"
    if spec.get("arrayType"):
        return f"{spec['type']} of {spec['arrayType']}"
    return str(spec.get("enumType") or spec["type"])


def services_index() -> str:
    """One section per service: ``client.<attr>`` and a row per action."""
    from kaltura_async._call import ActionSpec
    from kaltura_async.services._registry import SERVICES

    index = _schema_index()
    wire_services = {k.lower(): v for k, v in index["services"].items()}
    total_actions = 0
    sections: list[str] = []
    for attr in sorted(SERVICES):
        module_name, class_name = SERVICES[attr]
        module = importlib.import_module(f"kaltura_async.services.{module_name}")
        cls = getattr(module, class_name)
        specs = {
            name[len("_SPEC_") :].lower(): value
            for name, value in vars(module).items()
            if name.startswith("_SPEC_") and isinstance(value, ActionSpec)
        }
        if not specs:
            continue
        wire_id = next(iter(specs.values())).service
        actions = wire_services.get(wire_id.lower(), {}).get("actions", {})
        rows = ["| Method | Wire action | Returns |", "|---|---|---|"]
        for method in sorted(specs):
            spec = specs[method]
            func = getattr(cls, method)
            signature = str(inspect.signature(func)).replace("self, ", "").replace("(self)", "()")
            # A code span keeps its pipes (``X | None``) out of the table's cell syntax.
            signature = signature.split(" -> ")[0].replace("'", "")
            result = _wire_type(actions.get(spec.action, {}).get("result"))
            rows.append(f"| `{method}{signature}` | `{spec.action}` | {_cell(result)} |")
            total_actions += 1
        sections.append(
            f"### `client.{attr}`\n\n`{class_name}`, wire service `{wire_id}`.\n\n"
            + "\n".join(rows)
        )
    head = (
        f"Kaltura API schema {index['apiVersion']}: {len(sections)} services, "
        f"{total_actions} actions. Every method returns a `Call`; `await` it to send it.\n\n"
    )
    return head + "\n\n".join(sections)


def types_index() -> str:
    """Every type (Python name, wire name, base, fields) and every enum with its values."""
    from kaltura_async.enums._registry import ENUMS
    from kaltura_async.types._registry import OBJECT_TYPES

    index = _schema_index()
    rows = ["| Python | Wire | Base | Fields |", "|---|---|---|---|"]
    for wire in sorted(OBJECT_TYPES, key=lambda w: OBJECT_TYPES[w][1]):
        _module, name = OBJECT_TYPES[wire]
        info = index["classes"].get(wire, {})
        base = info.get("base") or ""
        base_name = OBJECT_TYPES[base][1] if base in OBJECT_TYPES else base
        fields = ", ".join(sorted(info.get("properties", {})))
        abstract = " (abstract)" if info.get("abstract") else ""
        rows.append(f"| `{name}`{abstract} | `{wire}` | {base_name} | {_cell(fields)} |")
    enum_rows = ["| Python | Wire | Values |", "|---|---|---|"]
    for wire in sorted(ENUMS, key=lambda w: ENUMS[w][1]):
        _module, name = ENUMS[wire]
        values = index["enums"].get(wire, {}).get("values", {})
        shown = ", ".join(f"{k}={v}" for k, v in values.items())
        enum_rows.append(f"| `{name}` | `{wire}` | {_cell(shown)} |")
    return (
        f"## Types\n\n{len(rows) - 2} classes in `kaltura_async.types` (fields by wire "
        "name; each is an attribute in snake_case on the class).\n\n"
        + "\n".join(rows)
        + f"\n\n## Enums\n\n{len(enum_rows) - 2} enums in `kaltura_async.enums`.\n\n"
        + "\n".join(enum_rows)
    )


def emulator_coverage() -> str:
    """Per service: hand-emulated, generic and not emulated actions, with the totals."""
    from kaltura_async.testing import coverage

    rows = coverage()
    hand = sum(len(r["hand"]) for r in rows)
    generic = sum(len(r["generic"]) for r in rows)
    missing = sum(len(r["missing"]) for r in rows)
    total = hand + generic + missing
    head = (
        f"**{hand + generic} of {total} actions** answer something other than "
        f"`ACTION_NOT_EMULATED`: {hand} by hand-written handlers, {generic} by the generic "
        f"engine; {missing} are not emulated.\n\n"
    )
    table = [
        "| Service | Served | Hand-emulated | Generic engine | Not emulated |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        served = len(r["hand"]) + len(r["generic"])
        size = served + len(r["missing"])
        cells = [", ".join(f"`{a}`" for a in r[k]) or "—" for k in ("hand", "generic", "missing")]
        label = f"`{r['name']}`" if r["name"].lower() == r["service"] else f"`{r['service']}`"
        table.append(f"| {label} | {served}/{size} | " + " | ".join(cells) + " |")
    return head + "\n".join(table)
