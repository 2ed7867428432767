"""Command line: ``python -m kaltura_async.codegen SCHEMA [--out DIR] [--check]``."""

from __future__ import annotations

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
