"""Every Python block of README.md and of the docs pages passes ``mypy --strict``.

The samples are what users copy; a sample that only type-checks with casts, or not at all,
teaches the wrong thing. The blocks are written to a temporary folder, one file each, and
checked by one mypy process (its incremental cache lives in ``.mypy_cache/samples``). A
failure names the page and line of the block, and the line inside it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.docs.test_samples import ROOT, SAMPLES, Sample

MYPY_LINE = re.compile(r"^(?P<file>[^:\s]+\.py):(?P<line>\d+):(?P<rest>.*)$")


def _file_name(sample: Sample) -> str:
    stem = re.sub(r"\W", "_", sample.page.stem)
    return f"{stem}_{sample.number:02d}.py"


def mypy_problems(samples: list[Sample], folder: Path) -> list[str]:
    """Run one ``mypy --strict`` over ``samples``; each problem as ``page:line (block)``."""
    by_file: dict[str, Sample] = {}
    for sample in samples:
        name = _file_name(sample)
        (folder / name).write_text(sample.code)
        by_file[name] = sample
    env = {**os.environ, "MYPYPATH": str(ROOT)}  # the checkout, whatever the install mode
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "samples"),
            *sorted(by_file),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    problems = []
    for line in run.stdout.splitlines():
        match = MYPY_LINE.match(line)
        if match and match["file"] in by_file:
            sample = by_file[match["file"]]
            page_line = sample.line + int(match["line"]) - 1
            problems.append(
                f"{sample.page.relative_to(ROOT)}:{page_line} "
                f"(python block {sample.number}, line {match['line']}):{match['rest']}"
            )
        elif line.strip():
            problems.append(line)
    if run.returncode != 0 and not problems:
        problems.append(run.stderr or f"mypy exited {run.returncode}")
    return problems


def test_every_sample_passes_mypy_strict(tmp_path: Path) -> None:
    assert SAMPLES, "no python blocks found"
    problems = mypy_problems(SAMPLES, tmp_path)
    assert not problems, "\n".join(problems)


def test_a_type_error_is_named_by_page_and_line(tmp_path: Path) -> None:
    page = ROOT / "docs" / "concepts.md"
    bad = Sample(
        page,
        40,
        3,
        "from kaltura_async.types import MediaEntry\n\nname: str = MediaEntry().name\n",
    )
    problems = mypy_problems([bad], tmp_path)
    assert len(problems) == 1, problems
    assert problems[0].startswith("docs/concepts.md:42 (python block 3, line 3): error:")
