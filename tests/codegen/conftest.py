"""Fixtures for the generator tests: the schema the committed tree was generated from."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: The schema stays in the project's shared folder beside the repository; the generator
#: and its drift check read it from there (never from the installed package).
SCHEMA_PATH = Path(
    os.environ.get(
        "KALTURA_SCHEMA",
        REPO.parent / "shared" / "kaltura-api-schema" / "kaltura_api_schema_23.10.0.xml",
    )
)
PACKAGE_DIR = REPO / "kaltura_async"


@pytest.fixture(scope="session")
def schema_path() -> Path:
    return SCHEMA_PATH


@pytest.fixture(scope="session")
def schema_bytes() -> bytes:
    return SCHEMA_PATH.read_bytes()


@pytest.fixture(scope="session")
def schema_root() -> ET.Element:
    """The schema parsed with plain ElementTree, independently of the generator's parser."""
    return ET.parse(SCHEMA_PATH).getroot()


@pytest.fixture(scope="session")
def package_dir() -> Path:
    return PACKAGE_DIR
