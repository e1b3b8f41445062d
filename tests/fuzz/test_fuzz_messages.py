"""Errors a person can act on.

For failures found by mutation (a sample of every run) and for targeted ones:
the message says what was expected and what was found, in one of a few known
shapes; values are shown truncated, so a 1e6-character bad string gives a
message of a couple of hundred characters, and ``str(error)`` is the path
followed by that message.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

import fuzzlib
from fuzzlib import COUNTS, ROOTS
from oci_spec import ValidationError
from oci_spec.image import v1
from oci_spec.runtime import Spec, State
from oci_spec.runtime.features import Features

PROFILE = settings.get_profile("ocigen-fuzz")
LIMIT = 300  # characters of message
LONG = 10**6

_V = r'(?:"[^\n]*"(?: \(\d+ characters\))?)'  # a shown string value
# Each shape names the expectation and what was found.
SHAPES = [
    ("type", re.compile(r"expected (?:an? )?[\w ,:'\-\"./]+?, found (?:null|boolean|object|array|Python \w+|an integer of \d+ digits|(?:integer|number|string)(?: .+)?)")),
    ("range", re.compile(r"expected an integer [<>]= -?\d+, found (?:-?\d+|an integer of \d+ digits)")),
    ("float-range", re.compile(r"(?:-?\d+|an integer of \d+ digits|number -?inf) is beyond the range of a float64")),
    ("enum", re.compile(r"expected one of .+; found " + _V)),
    ("min-items", re.compile(r"expected at least \d+ items, found \d+")),
    ("missing", re.compile(r"required property is missing")),
    ("pattern", re.compile(_V + r" does not match pattern .+")),
    ("format", re.compile(_V + r" is not (?:an? )?(?:RFC 3339 timestamp|absolute URI|padded standard base64|valid \w+ digest: expected \d+ lowercase hex characters after the colon|digest of the form algorithm:encoded)")),
    ("long-integer", re.compile(r"an integer of \d+ digits is beyond every Go number type \(and Python's integer limit\)")),
    ("depth", re.compile(r"nested deeper than \d+ arrays and objects")),
    ("json", re.compile(r"invalid JSON: .+")),
    ("input", re.compile(r"expected JSON text as bytes or str, found \w+")),
]  # fmt: skip


def shape(message: str) -> str | None:
    for name, rx in SHAPES:
        if rx.fullmatch(message):
            return name
    return None


def check_message(e: ValidationError, data: Any) -> None:
    assert e.path, repr(e)
    assert str(e).startswith(e.path + ": "), str(e)[:300]
    assert len(e.message) <= LIMIT, f"{len(e.message)} characters: {e.message[:200]}…"
    assert shape(e.message) is not None, (
        f"message does not say what was expected and what was found: {e.message!r}\n"
        f"input: {fuzzlib.shorten(data)}"
    )


@pytest.mark.parametrize("spec", ["image-spec", "runtime-spec"])
@settings(PROFILE, max_examples=fuzzlib.examples(1.5))
@given(data=st.data())
def test_messages_of_mutated_documents(spec: str, data: st.DataObject) -> None:
    inp = data.draw(fuzzlib.mutated_inputs(fuzzlib.seeds_for(spec)))
    note(repr(inp))
    COUNTS[f"messages/{spec}"] += 1
    try:
        inp.seed.root.cls.from_json(inp.data)
    except ValidationError as e:
        assert len(e.path) <= LIMIT, f"{len(e.path)}-character path: {e.path[:200]}…"
        check_message(e, inp.data)


# --- a 1e6-character bad value, at every kind of check --------------------------------

SHA = "sha256:" + "a" * 64
LAYER = {"mediaType": v1.MEDIA_TYPE_IMAGE_LAYER, "digest": SHA, "size": 1}
IMAGE = {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}
FEATURES = {"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.1"}
BAD = "x" * LONG
BAD_HEX = "sha256:" + "a" * LONG

LONG_CASES: list[tuple[str, type[Any], dict[str, Any], str, str]] = [
    # id, class, document, expected path, expected shape
    ("pattern-mediaType", v1.Descriptor, {**LAYER, "mediaType": BAD}, "mediaType", "pattern"),
    ("pattern-digest", v1.Descriptor, {**LAYER, "digest": BAD}, "digest", "pattern"),
    ("digest-length", v1.Descriptor, {**LAYER, "digest": BAD_HEX}, "digest", "format"),
    ("uri", v1.Descriptor, {**LAYER, "urls": [BAD]}, "urls[0]", "format"),
    ("base64", v1.Descriptor, {**LAYER, "data": BAD + "!"}, "data", "format"),
    ("type-string-for-int", v1.Descriptor, {**LAYER, "size": BAD}, "size", "type"),
    ("type-string-for-object", v1.Manifest, {"schemaVersion": 2, "config": BAD, "layers": []}, "config", "type"),
    ("annotation-value", v1.Descriptor, {**LAYER, "annotations": {"k": [BAD]}}, 'annotations.k', "type"),
    ("timestamp", v1.Image, {**IMAGE, "created": BAD}, "created", "format"),
    ("env", v1.Image, {**IMAGE, "config": {"Env": [BAD]}}, "config.Env[0]", "pattern"),
    ("enum-rootfs-type", v1.Image, {**IMAGE, "rootfs": {"type": BAD, "diff_ids": []}}, "rootfs.type", "enum"),
    ("enum-layout-version", v1.ImageLayout, {"imageLayoutVersion": BAD}, "imageLayoutVersion", "enum"),
    ("enum-namespace", Spec, {"ociVersion": "1.2.1", "linux": {"namespaces": [{"type": BAD}]}}, "linux.namespaces[0].type", "enum"),
    ("enum-state-status", State, {"ociVersion": "1.2.1", "id": "c", "status": BAD, "bundle": "/"}, "status", "enum"),
    ("pattern-capability", Features, {**FEATURES, "linux": {"capabilities": [BAD]}}, "linux.capabilities[0]", "pattern"),
    ("pattern-rlimit", Spec, {"ociVersion": "1.2.1", "process": {"cwd": "/", "rlimits": [{"type": BAD, "hard": 1, "soft": 1}]}}, "process.rlimits[0].type", "pattern"),
    ("huge-integer", v1.Descriptor, {**LAYER, "size": 10**4000}, "size", "range"),
    ("huge-array", v1.Descriptor, {**LAYER, "size": [0] * LONG}, "size", "type"),
]  # fmt: skip


@pytest.mark.parametrize(
    "cls,document,path,kind", [pytest.param(*c[1:], id=c[0]) for c in LONG_CASES]
)
def test_long_bad_values_give_short_messages(cls: type[Any], document: dict[str, Any], path: str, kind: str) -> None:
    data = json.dumps(document)
    COUNTS["messages/targeted"] += 1
    with pytest.raises(ValidationError) as ei:
        cls.from_json(data)
    e = ei.value
    assert e.path == path, str(e)[:300]
    assert len(str(e)) < LIMIT, f"{len(str(e))}: {str(e)[:300]}"
    assert shape(e.message) == kind, e.message
    if "x" * 61 in data and kind in ("pattern", "format", "enum"):
        # the value is shown cut, with its length
        assert re.search(r"…\" \(100000\d characters\)", e.message), e.message


# expected / found wording for the common kinds, checked literally
WORDING: list[tuple[str, type[Any], dict[str, Any], list[str]]] = [
    ("missing", v1.Descriptor, {"mediaType": "a/b", "size": 1}, ["digest: required property is missing"]),
    ("string-for-int", v1.Descriptor, {**LAYER, "size": "12"}, ["size: expected integer, found string", '"12"']),
    ("null", v1.Manifest, {"schemaVersion": 2, "config": None, "layers": []}, ["config:", "found null"]),
    ("bool", v1.Descriptor, {**LAYER, "size": True}, ["expected integer, found boolean"]),
    ("range", v1.Descriptor, {**LAYER, "size": -(2**63) - 1}, ["expected an integer >= -9223372036854775808", "-9223372036854775809"]),
    ("enum", Spec, {"ociVersion": "1.2.1", "linux": {"namespaces": [{"type": "pidx"}]}}, ["expected one of", '"pid"', 'found "pidx"']),
    ("digest", v1.Descriptor, {**LAYER, "digest": "sha256:abc"}, ['"sha256:abc"', "expected 64 lowercase hex"]),
    ("min-items", v1.Manifest, {"schemaVersion": 2, "config": LAYER, "layers": []}, ["layers: expected at least 1 items, found 0"]),
    ("array-for-object", v1.Image, {**IMAGE, "rootfs": []}, ["rootfs: expected object, found array"]),
]  # fmt: skip


@pytest.mark.parametrize("cls,document,parts", [pytest.param(*w[1:], id=w[0]) for w in WORDING])
def test_messages_name_expected_and_found(cls: type[Any], document: dict[str, Any], parts: list[str]) -> None:
    with pytest.raises(ValidationError) as ei:
        cls.from_json(json.dumps(document))
    for part in parts:
        assert part in str(ei.value), str(ei.value)
    check_message(ei.value, document)


def test_long_map_key_in_path_is_truncated_in_str() -> None:
    data = json.dumps({**LAYER, "annotations": {"k" * LONG: 1}})
    with pytest.raises(ValidationError) as ei:
        v1.Descriptor.from_json(data)
    assert len(str(ei.value)) < LIMIT


def test_huge_number_message_names_the_member() -> None:
    data = '{"mediaType":"a/b","digest":"' + SHA + '","size":' + "9" * 5000 + "}"
    with pytest.raises(ValidationError) as ei:
        v1.Descriptor.from_json(data)
    assert ei.value.path == "size", str(ei.value)
    assert "sys." not in ei.value.message


def test_every_root_reports_document_level_errors_at_dollar() -> None:
    for root in ROOTS.values():
        for data in (b"[]", b"null", b"{", b"\xef\xbb\xbf{}", b'{"a":NaN}', b"[" * 100_000):
            with pytest.raises(ValidationError) as ei:
                root.cls.from_json(data)
            assert ei.value.path == "$"
            check_message(ei.value, data)


def test_long_enum_message_stays_short() -> None:
    data = json.dumps({"ociVersion": "1.2.1", "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": [BAD]}}})
    with pytest.raises(ValidationError) as ei:
        Spec.from_json(data)
    assert ei.value.path == "linux.seccomp.architectures[0]"
    assert len(ei.value.message) <= LIMIT, len(ei.value.message)
