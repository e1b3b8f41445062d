"""Edges of the strict-mode helpers that surviving mutants of
generated/oci_spec/_strict.py showed untested (docs/testing.md, mutation
testing).  Expected values are written by hand from the spec text and RFCs."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from oci_spec import ValidationError
from oci_spec.image.v1 import Descriptor
from oci_spec.runtime import State

import oci_spec

PACKAGE_DIR = str(Path(oci_spec.__file__).resolve().parent.parent)  # the package under test

LAYER = "application/vnd.oci.image.layer.v1.tar"


def _descriptor(data: bytes, size: int) -> bytes:
    return json.dumps({
        "mediaType": LAYER,
        "digest": "sha256:" + hashlib.sha256(data).hexdigest(),
        "size": size,
        "data": base64.b64encode(data).decode(),
    }).encode()


def test_data_longer_than_size_is_refused() -> None:
    # descriptor.md: the decoded data MUST match size and digest.
    raw = _descriptor(b"abc", 2)
    Descriptor.from_json(raw)  # the default checks neither
    with pytest.raises(ValidationError) as e:
        Descriptor.from_json(raw, strict=True)
    assert e.value.rule == "descriptor-data-matches"
    assert e.value.path == "data"


def test_data_of_a_large_size_that_matches_passes() -> None:
    # Sizes above 256 are distinct int objects: equality, not identity, decides.
    data = bytes(range(256)) * 3
    Descriptor.from_json(_descriptor(data, len(data)), strict=True)


def test_a_repeated_member_is_reported_at_the_first_name_repeated() -> None:
    # "a" is repeated before "b": the error names "a".
    raw = b'{"mediaType":"%s","digest":"sha256:%s","size":1,"annotations":{"a":"1","b":"1","a":"2","b":"2"}}' % (
        LAYER.encode(), b"a" * 64)
    with pytest.raises(ValidationError) as e:
        Descriptor.from_json(raw, strict=True)
    assert e.value.path == "annotations.a"


FRESH = """
import sys
sys.path.insert(0, sys.argv[1])
from oci_spec.runtime import State
from oci_spec.runtime.features import Features
doc = sys.argv[2].encode()
try:
    (Features if b"ociVersionMin" in doc else State).from_json(doc, strict=True)
    print("valid")
except ValueError as e:
    print(e.rule)
"""


@pytest.mark.parametrize("doc,verdict", [
    ('{"ociVersion":"1.3.0","id":"c","status":"created","bundle":"/b"}', "valid"),
    ('{"ociVersion":"1.3","id":"c","status":"created","bundle":"/b"}', "state-oci-version-semver"),
    ('{"ociVersionMin":"1.0.0","ociVersionMax":"1.3.0"}', "valid"),
    ('{"ociVersionMin":"1.3.0","ociVersionMax":"1.3.0-rc.1"}', "features-oci-version-order"),
])
def test_first_semver_check_in_a_fresh_interpreter(doc: str, verdict: str) -> None:
    # The SemVer pattern is compiled on first use: the first check of a process
    # must work (a test session has long compiled it).  SemVer 2.0.0 item 11:
    # a pre-release precedes its release.
    out = subprocess.run([sys.executable, "-I", "-c", FRESH, PACKAGE_DIR, doc],
                         check=True, capture_output=True, text=True).stdout
    assert out.strip() == verdict


def test_a_repeated_name_in_a_document_is_reported_at_the_first_one() -> None:
    # "id" is repeated before "status": the error names "id".
    raw = b'{"ociVersion":"1.3.0","id":"c","status":"created","id":"d","status":"running","bundle":"/b"}'
    State.from_json(raw)  # the default keeps the last occurrence
    with pytest.raises(ValidationError) as e:
        State.from_json(raw, strict=True)
    assert e.value.rule == "state-json-no-duplicate-names"
    assert e.value.path == "id"
