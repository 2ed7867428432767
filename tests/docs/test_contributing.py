"""CONTRIBUTING.md's module map names every handwritten core module, and only real ones."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "kaltura_async"


def test_module_map_lists_every_core_module() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([\w/.]+\.py)` \| \d+ \|", text, re.MULTILINE))
    assert listed, "no module map"
    for rel in listed:
        assert (PACKAGE / rel).is_file(), f"CONTRIBUTING.md lists a missing module: {rel}"
    core = {
        path.relative_to(PACKAGE).as_posix()
        for pattern in ("_*.py", "_codec/_*.py", "cli/*.py")
        for path in PACKAGE.glob(pattern)
        if path.name not in ("__main__.py", "__init__.py") or path.parent.name == "cli"
    } | {"__init__.py"}
    missing = sorted(core - listed)
    assert not missing, f"add a row to CONTRIBUTING.md's module map for: {missing}"
