"""Upstream's own test cases get the verdict upstream expects.

image-spec: every table case of schema/*_test.go, extracted with the project's
own Go reader, not copied by hand.  runtime-spec: every document under
schema/test/{config,state,features}/{good,bad}/, which upstream validates
against its schema: a good one parses and round-trips, a bad one is rejected.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from generator.schema import Schemas
from support.gotables import TableCase, table_tests
from oci_spec import ValidationError
from oci_spec.image import v1
from oci_spec.runtime import Spec, State
from oci_spec.runtime.features import Features

SCHEMA = Path(__file__).resolve().parents[2] / "spec" / "image-spec" / "schema"

# Which generated type each upstream test validates against, and the case field
# holding the document (mirrors the Validator each Go test calls).
TESTS = {
    "TestManifest": (v1.Manifest, "manifest"),
    "TestDescriptor": (v1.Descriptor, "descriptor"),
    "TestConfig": (v1.Image, "config"),
    "TestImageIndex": (v1.Index, "imageIndex"),
    "TestImageLayout": (v1.ImageLayout, "imageLayout"),
    "TestBackwardsCompatibilityImageIndex": (v1.Index, "imageIndex"),
    "TestBackwardsCompatibilityManifest": (v1.Manifest, "manifest"),
    "TestBackwardsCompatibilityConfig": (v1.Image, "config"),
}

# backwards_compatibility_test.go's convertFormats: Docker media types -> OCI.
DOCKER_TO_OCI = {
    "application/vnd.docker.distribution.manifest.list.v2+json": v1.MEDIA_TYPE_IMAGE_INDEX,
    "application/vnd.docker.distribution.manifest.v2+json": v1.MEDIA_TYPE_IMAGE_MANIFEST,
    "application/vnd.docker.image.rootfs.diff.tar.gzip": v1.MEDIA_TYPE_IMAGE_LAYER_GZIP,
    "application/vnd.docker.container.image.v1+json": v1.MEDIA_TYPE_IMAGE_CONFIG,
}

# Cases where oci_spec deliberately disagrees with upstream's expectation:
# "TestName/index": reason.  A name that matches no case fails the suite.
KNOWN_DIFFERENCES: dict[str, str] = {}


def _cases() -> list[TableCase]:
    cases = []
    for path in sorted(SCHEMA.glob("*_test.go")):
        cases.extend(table_tests(path))
    return cases


CASES = _cases()


def _name(case: TableCase) -> str:
    return f"{case.func}/{case.index}"


def test_every_table_is_mapped() -> None:
    assert {c.func for c in CASES} == set(TESTS)
    assert len(CASES) == 69


def test_known_differences_name_real_cases() -> None:
    names = {_name(c) for c in CASES}
    assert set(KNOWN_DIFFERENCES) <= names


@pytest.mark.parametrize("case", CASES, ids=_name)
def test_upstream_verdict(case: TableCase) -> None:
    cls, key = TESTS[case.func]
    fields = dict(case.fields)
    doc = fields[key]
    assert isinstance(doc, str)
    if case.func.startswith("TestBackwardsCompatibility"):
        for docker, oci in DOCKER_TO_OCI.items():
            doc = doc.replace(docker, oci)
    expect_fail = bool(fields.get("fail", False))
    if _name(case) in KNOWN_DIFFERENCES:
        expect_fail = not expect_fail
    try:
        cls.from_json(doc)
    except ValidationError as e:
        assert expect_fail, f"{case.comment or _name(case)}: rejected: {e}"
        assert e.path
    else:
        assert not expect_fail, f"{case.comment or _name(case)}: accepted but upstream expects failure"


# --- runtime-spec: schema/test/{config,state,features}/{good,bad}/*.json ------------

RUNTIME_SCHEMA = SCHEMA.parents[1] / "runtime-spec" / "schema"
RUNTIME_TYPES: dict[str, tuple[type, str]] = {
    "config": (Spec, "config-schema.json"),
    "state": (State, "state-schema.json"),
    "features": (Features, "features-schema.json"),
}
RUNTIME_DOCS = sorted(RUNTIME_SCHEMA.glob("test/*/*/*.json"))
RUNTIME_SCHEMAS = Schemas(RUNTIME_SCHEMA, "spec/runtime-spec/schema")

# Documents where oci_spec deliberately disagrees with the directory they are in:
# "config/bad/x.json": reason.  A name that matches no document fails the suite.
RUNTIME_KNOWN_DIFFERENCES: dict[str, str] = {}


def _runtime_name(path: Path) -> str:
    return path.relative_to(RUNTIME_SCHEMA / "test").as_posix()


def test_runtime_schema_tests_found() -> None:
    # counted by listing the directories
    assert Counter(str(Path(_runtime_name(p)).parent) for p in RUNTIME_DOCS) == {
        "config/good": 9,
        "config/bad": 5,
        "features/good": 2,
        "features/bad": 1,
        "state/good": 1,
        "state/bad": 1,
    }
    assert set(RUNTIME_KNOWN_DIFFERENCES) <= {_runtime_name(p) for p in RUNTIME_DOCS}


@pytest.mark.parametrize("path", RUNTIME_DOCS, ids=_runtime_name)
def test_runtime_schema_test_verdict(path: Path) -> None:
    kind, verdict = path.parent.parent.name, path.parent.name
    cls, _ = RUNTIME_TYPES[kind]
    expect_fail = verdict == "bad"
    if _runtime_name(path) in RUNTIME_KNOWN_DIFFERENCES:
        expect_fail = not expect_fail
    raw = path.read_bytes()
    try:
        value = cls.from_json(raw)
    except ValidationError as e:
        assert expect_fail, f"rejected: {e}"
        assert e.path
    else:
        assert not expect_fail, "accepted, but upstream files it under bad/"
        out = value.to_json()  # an empty omitempty list reads back as None: bytes agree
        assert cls.from_json(out).to_json() == out


@pytest.mark.parametrize("path", RUNTIME_DOCS, ids=_runtime_name)
def test_runtime_schema_test_python_jsonschema_agrees(path: Path) -> None:
    """The oracle's oracle: python-jsonschema files each document where upstream does."""
    _, schema = RUNTIME_TYPES[path.parent.parent.name]
    try:
        doc = json.loads(path.read_bytes())
    except ValueError:
        valid = False
    else:
        valid = RUNTIME_SCHEMAS.validator(schema).is_valid(doc)
    assert valid == (path.parent.name == "good")
