"""The limits oci_spec puts on what it keeps: nesting depth and integer length.

Deep nesting can only survive decoding where no Go type bounds the JSON:
unknown members, ``interface{}`` values (Windows.credentialSpec) and
``struct{}`` values (ImageConfig.ExposedPorts / Volumes).  There a value may
nest ``MAX_DEPTH`` arrays and objects (the value itself counts as one); one more
is a ValidationError at that member.  Every accepted value can be written back
(``to_json``, ``validate``, strict mode) from a caller a few hundred frames deep.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from oci_spec import ValidationError
from oci_spec.image import v1
from oci_spec.runtime import Spec

MAX_DEPTH = 500  # README, "Untrusted input"
CALLER_DEPTH = 300  # frames between the test and the calls, on top of pytest's


def _arrays(n: int) -> bytes:
    return b"[" * n + b"]" * n


def _objects(n: int) -> bytes:
    return b'{"a":' * (n - 1) + b"{}" + b"}" * (n - 1)


# name -> (model, document with a value nested n deep, path of that value)
CASES: dict[str, tuple[type[Any], Callable[[int], bytes], str]] = {
    "unknown-arrays": (
        v1.ImageLayout,
        lambda n: b'{"imageLayoutVersion":"1.0.0","x":' + _arrays(n) + b"}",
        "x",
    ),
    "unknown-objects-lone-surrogate": (
        v1.ImageLayout,
        lambda n: b'{"imageLayoutVersion":"1.0.0","\\ud800":' + _objects(n) + b"}",
        '["\ufffd"]',
    ),
    "unknown-in-deepest-struct": (
        Spec,
        lambda n: b'{"ociVersion":"1.2.1","root":{"path":"r"},"linux":{"resources":{"blockIO":{"weightDevice":'
        b'[{"major":1,"minor":2,"weight":10,"x":' + _arrays(n) + b"}]}}}}",
        "linux.resources.blockIO.weightDevice[0].x",
    ),
    "interface": (
        Spec,
        lambda n: b'{"ociVersion":"1.2.1","root":{"path":"r"},"windows":{"layerFolders":["a"],"credentialSpec":'
        + _objects(n)
        + b"}}",
        "windows.credentialSpec",
    ),
    "empty-struct": (
        v1.ImageConfig,
        lambda n: b'{"ExposedPorts":{"80/tcp":' + _objects(n) + b"}}",
        'ExposedPorts["80/tcp"]',
    ),
}


def _at_depth(n: int, f: Callable[[], Any]) -> Any:
    return f() if n == 0 else _at_depth(n - 1, f)


@pytest.mark.parametrize("name", CASES)
def test_max_depth_is_accepted_and_written_back(name: str) -> None:
    cls, make, _ = CASES[name]
    raw = make(MAX_DEPTH)

    def everything() -> None:
        value = cls.from_json(raw)
        assert cls.from_json(raw.decode()) == value
        out = value.to_json()
        assert cls.from_json(out).to_json() == out
        value.validate()
        value.validate(strict=True)
        assert cls.from_json(raw, strict=True) == value
        assert cls.from_dict(json.loads(out)).to_json() == out

    _at_depth(CALLER_DEPTH, everything)


@pytest.mark.parametrize("name", CASES)
def test_one_level_more_is_refused_at_the_member(name: str) -> None:
    cls, make, path = CASES[name]
    raw = make(MAX_DEPTH + 1)
    for kw in ({}, {"strict": True}):
        with pytest.raises(ValidationError) as ei:
            cls.from_json(raw, **kw)
        assert ei.value.path == path
        assert ei.value.message == f"nested deeper than {MAX_DEPTH} arrays and objects"
    if b"\\u" not in raw:
        with pytest.raises(ValidationError) as ei:
            cls.from_dict(json.loads(raw))
        assert ei.value.path == path


def test_depth_in_typed_members_is_bounded_by_the_types() -> None:
    # Arrays where Go has a string: a type error at the first level, whatever
    # the depth, and no recursion in the decoders.
    raw = b'{"imageLayoutVersion":' + _arrays(MAX_DEPTH + 100) + b"}"
    with pytest.raises(ValidationError) as ei:
        v1.ImageLayout.from_json(raw)
    assert ei.value.path == "imageLayoutVersion"


def test_deeper_than_the_stack_is_a_validation_error() -> None:
    # 10^5 levels: Python's decoder runs out of stack, which is reported at '$'.
    with pytest.raises(ValidationError) as ei:
        v1.ImageLayout.from_json(b'{"x":' + _arrays(100_000) + b"}")
    assert ei.value.path == "$" and "nested too deeply" in ei.value.message


# --- integers longer than Python converts (sys.get_int_max_str_digits) ---------------

SHA = "sha256:" + "a" * 64
LONG = "9" * 5000


@pytest.mark.parametrize(
    "cls,data,path,message",
    [
        (v1.Descriptor, '{"mediaType":"a/b","digest":"%s","size":%s}' % (SHA, LONG), "size",
         "an integer of 5000 digits is beyond every Go number type (and Python's integer limit)"),
        (v1.Descriptor, '{"mediaType":-%s,"digest":"%s","size":1}' % (LONG, SHA), "mediaType",
         "expected string, found an integer of 5000 digits"),
        (v1.Descriptor, '{"mediaType":"a/b","digest":"%s","size":1,"x":[[%s]]}' % (SHA, LONG), "x",
         "an integer of 5000 digits is beyond every Go number type (and Python's integer limit)"),
        (Spec, '{"ociVersion":"1.2.1","windows":{"layerFolders":["a"],"credentialSpec":{"a":%s}}}' % LONG,
         "windows.credentialSpec",
         "an integer of 5000 digits is beyond every Go number type (and Python's integer limit)"),
    ],
    ids=["int64", "string", "unknown", "interface"],
)  # fmt: skip
def test_overlong_integer_is_refused_at_its_member(
    cls: type[Any], data: str, path: str, message: str
) -> None:
    # Go refuses such a number in a typed member and in interface{} (float64
    # range) and skips it in a member it does not know; oci_spec cannot keep an
    # integer it cannot write back, and says where it is.
    for raw in (data, data.encode()):
        with pytest.raises(ValidationError) as ei:
            cls.from_json(raw)
        assert (ei.value.path, ei.value.message) == (path, message)
