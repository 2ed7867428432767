"""``python -m kaltura_async``: the same command line as ``kaltura-async``."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
