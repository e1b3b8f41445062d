"""Shared set-up for the tests of the generated ``oci_spec`` package.

The generated package is committed under ``<repo>/generated`` and is imported
from there (not installed; tests/conftest.py puts it on ``sys.path``).  The
``runtime_schema`` fixture validates documents with python-jsonschema against
the vendored runtime-spec schemas, which refer to sibling files by relative
``$ref`` and carry no ``id``: each file is registered as
``file:///schema/<name>`` so the relative references resolve offline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "generated"  # importable as oci_spec: tests/conftest.py

RUNTIME_SCHEMA_DIR = REPO / "spec" / "runtime-spec" / "schema"
RUNTIME_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "runtime"

_BASE = "file:///schema/"


def _runtime_validators() -> Callable[[str], Any]:
    import jsonschema
    import referencing
    import referencing.jsonschema

    draft4 = referencing.jsonschema.DRAFT4
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (_BASE + f.name, draft4.create_resource(json.loads(f.read_text("utf-8"))))
        for f in sorted(RUNTIME_SCHEMA_DIR.glob("*.json"))
    )
    cache: dict[str, Any] = {}

    def validator(name: str) -> Any:
        if name not in cache:
            cache[name] = jsonschema.Draft4Validator(
                {"$ref": _BASE + name}, registry=registry
            )
        return cache[name]

    return validator


@pytest.fixture(scope="session")
def runtime_schema() -> Callable[[str], Any]:
    """``runtime_schema("config-schema.json")`` -> a jsonschema Draft4Validator."""
    return _runtime_validators()


@pytest.fixture(scope="session")
def runtime_fixtures() -> Path:
    return RUNTIME_FIXTURES
