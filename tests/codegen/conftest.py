"""Fixtures for the generator tests: the schema the committed tree was generated from."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: The schema the committed tree was generated from, kept in the repository (the generator's
#: default input); the installed package carries only the compact index derived from it.
SCHEMA_PATH = REPO / "schema" / "kaltura_api_schema_23.10.0.xml"
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
