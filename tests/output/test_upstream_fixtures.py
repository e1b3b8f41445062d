"""Every table case of upstream's schema/*_test.go gets the verdict upstream expects.

Cases are extracted with the project's own Go reader, not copied by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.gotables import TableCase, table_tests
from oci_spec import ValidationError
from oci_spec.image import v1

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
