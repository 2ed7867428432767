"""The docs' generated pages: complete against the code they are generated from."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from kaltura_async import API_ERROR_CLASSES
from kaltura_async.enums._registry import ENUMS
from kaltura_async.services._registry import SERVICES
from kaltura_async.types._registry import OBJECT_TYPES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "_hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_error_table_lists_every_code_with_its_class() -> None:
    table = load_hooks().error_table()
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = set(re.findall(r"`([A-Z_]+)`", cells[1]))
    for code, cls in API_ERROR_CLASSES.items():
        assert code in rows[cls.__name__], code
    assert sum(len(codes) for codes in rows.values()) == len(API_ERROR_CLASSES)
    assert "<!-- generated: error-table -->" in (DOCS / "errors.md").read_text()


def test_the_hook_replaces_every_marker() -> None:
    hooks = load_hooks()
    page = "a\n<!-- generated: error-table -->\nb"
    out = hooks.on_page_markdown(page, page=None, config=None, files=None)
    assert "<!--" not in out
    assert "| `EntryNotFoundError` | `ENTRY_ID_NOT_FOUND` |" in out


def test_services_index_covers_every_service() -> None:
    index = load_hooks().services_index()
    for attr in SERVICES:
        assert f"### `client.{attr}`" in index, attr
    assert (
        "| `list(*, filter: MediaEntryFilter | None = None, pager: FilterPager | None = None)` | `list` |"
        in index
    )


def test_types_index_covers_every_type_and_enum() -> None:
    index = load_hooks().types_index()
    for _module, name in OBJECT_TYPES.values():
        assert f"| `{name}`" in index, name
    for _module, name in ENUMS.values():
        assert f"| `{name}`" in index, name
