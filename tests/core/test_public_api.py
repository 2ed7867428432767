"""The public surface: ``__all__`` is complete, sorted, and every name resolves lazily."""

from __future__ import annotations

import subprocess
import sys

import kaltura_async


def test_all_is_sorted_and_matches_the_lazy_table() -> None:
    names = [n for n in kaltura_async.__all__ if n != "__version__"]
    assert names == sorted(names)
    assert set(names) == set(kaltura_async._EXPORTS)
    for name in names:
        assert getattr(kaltura_async, name) is not None


def test_import_loads_no_handwritten_core_or_generated_module() -> None:
    code = (
        "import sys, kaltura_async; "
        "print(sorted(m for m in sys.modules if m.startswith('kaltura_async.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
