"""Hostile input: ``from_json`` returns a value or raises ``ValidationError``.

Never another exception (RecursionError, UnicodeDecodeError, TypeError,
KeyError, AttributeError, json.JSONDecodeError ...), and the error always has a
non-empty ``.path``.  Inputs are the vendored valid documents mutated at random
JSON paths (fuzzlib.mutated_inputs), fixed hostile byte strings, and random
bytes.  The same holds for ``from_json(..., strict=True)``, which never accepts
what the default mode rejects.  A document that is accepted must survive its
own round trip: ``to_json`` writes JSON that parses back to the same bytes,
``validate`` passes (the exceptions, ``ROUND_TRIP_EXCEPTIONS``, are documented
upstream inconsistencies and one deliberate difference, each matched exactly).
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

import fuzzlib
from fuzzlib import COUNTS, ROOTS, TOLERATED, Root
from oci_spec import ValidationError
from oci_spec.runtime import VMImage
from support.source import class_node

PROFILE = settings.get_profile("ocigen-fuzz")


def _known_exception(root: Root, value: Any, exc: BaseException, out: bytes | None, again: bytes | None) -> str | None:
    for name, known in ROUND_TRIP_EXCEPTIONS.items():
        if known(root, value, exc, out, again):
            return name
    return None


def _vm_image_zero(root: Root, value: Any, exc: BaseException, out: bytes | None, again: bytes | None) -> bool:
    # Upstream inconsistency (lint value-struct-optional VM.image; README):
    # VM.image is a Go struct value, written even when absent, and the schema's
    # format enum rejects the empty format Go writes for it.
    return (
        isinstance(exc, ValidationError)
        and root.name == "Spec"
        and exc.path == "vm.image.format"
        and value.vm is not None
        and value.vm.image == VMImage(path="", format="")
    )


def _required_omitempty(root: Root, value: Any, exc: BaseException, out: bytes | None, again: bytes | None) -> bool:
    # Upstream inconsistency (lint required-omitempty; README): required by the
    # schema, omitempty in Go, so an empty string is written as nothing.
    names = {"ociVersionMin": "oci_version_min", "ociVersionMax": "oci_version_max"}
    return (
        isinstance(exc, ValidationError)
        and root.name == "Features"
        and exc.path in names
        and exc.message == "required property is missing"
        and getattr(value, names[exc.path]) == ""
    )


def _literals(raw: bytes) -> Any:
    """JSON with every number kept as its literal text."""
    return json.loads(raw, parse_int=lambda t: ("number", t), parse_float=lambda t: ("number", t))


def _only_negative_zero(a: Any, b: Any, path: tuple[str | int, ...]) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_only_negative_zero(a[k], b[k], path + (k,)) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_only_negative_zero(x, y, path + (i,)) for i, (x, y) in enumerate(zip(a, b)))
    if a == b:
        return True
    return path[:2] == ("windows", "credentialSpec") and a == ("number", "-0") and b == ("number", "0")


def _interface_negative_zero(root: Root, value: Any, exc: BaseException, out: bytes | None, again: bytes | None) -> bool:
    # Deliberate difference (README): inside interface{} (Windows.credentialSpec)
    # a float -0.0 is written "-0" as Go does, but "-0" read back is Python's
    # integer 0, written "0", where Go keeps float64 -0.  Only that, nothing else.
    return (
        isinstance(exc, AssertionError)
        and root.name == "Spec"
        and out is not None
        and again is not None
        and _only_negative_zero(_literals(out), _literals(again), ())
    )


# Round-trip failures that are documented behaviour, each matched exactly:
# the upstream inconsistencies and the deliberate difference oci_spec shares
# with or chose over Go (tested in test_fuzz_go_rules.py and
# tests/output/test_runtime.py).
ROUND_TRIP_EXCEPTIONS = {
    "upstream-vm-image-zero-value": _vm_image_zero,
    "upstream-required-omitempty": _required_omitempty,
    "interface-negative-zero": _interface_negative_zero,
}


def _has_strict(cls: type[Any]) -> bool:
    # From the source, not inspect.signature: the mypyc build (make
    # test-compiled) gives its methods no signature.
    method = next(f for f in class_node(cls).body
                  if isinstance(f, ast.FunctionDef) and f.name == "from_json")
    return "strict" in [a.arg for a in method.args.args + method.args.kwonlyargs]


def _parse(root: Root, data: Any, **kw: Any) -> Any:
    """from_json on one input: the value or the ValidationError (with a path);
    any other exception fails the test."""
    COUNTS[f"robustness/{root.spec}" + ("/strict" if kw else "")] += 1
    try:
        return root.cls.from_json(data, **kw)
    except ValidationError as e:
        assert isinstance(e.path, str) and e.path, f"empty path: {e!r}"
        assert str(e).startswith(e.path)
        assert isinstance(e, ValueError)
        return e
    except BaseException as e:  # noqa: BLE001 - the invariant under test
        pytest.fail(
            f"{root.name}.from_json({', '.join(f'{k}={v}' for k, v in kw.items())}) raised"
            f" {type(e).__name__}: {str(e)[:300]}\ninput: {fuzzlib.shorten(data)}",
            pytrace=False,
        )


def check_input(root: Root, data: Any, *, round_trip: bool = True) -> Any:
    """from_json on one input (and with strict=True: a value or a
    ValidationError too, and never accepting what the default rejects).
    Returns the value or the error of the default mode."""
    value = _parse(root, data)
    if _has_strict(root.cls):
        strict = _parse(root, data, strict=True)
        if isinstance(value, ValidationError) and not isinstance(strict, ValidationError):
            pytest.fail(
                f"strict accepted what the default rejects ({value}): {fuzzlib.shorten(data)}",
                pytrace=False,
            )
    if round_trip and not isinstance(value, ValidationError):
        check_round_trip(root, value, data)
    return value


def check_round_trip(root: Root, value: Any, data: Any) -> None:
    exc: BaseException | None = None
    out: bytes | None = None
    again: bytes | None = None
    try:
        out = value.to_json()
        assert isinstance(out, bytes)
        if fuzzlib._has_constant(out):
            raise AssertionError("to_json wrote a NaN/Infinity token")
        json.loads(out)
        again = root.cls.from_json(out).to_json()
        assert again == out, "to_json is not a fixed point"
        value.validate()
    except (ValueError, AssertionError) as e:  # ValidationError included
        exc = e
    except BaseException as e:  # noqa: BLE001 - RecursionError included
        pytest.fail(
            f"round trip of an accepted {root.name} raised {type(e).__name__}: {e}\n"
            f"input: {fuzzlib.shorten(data)}",
            pytrace=False,
        )
    if exc is None:
        return
    known = _known_exception(root, value, exc, out, again)
    if known is not None:
        TOLERATED[known] += 1
        return
    pytest.fail(
        f"accepted {root.name} does not survive its round trip: {type(exc).__name__}: {exc}\n"
        f"input: {fuzzlib.shorten(data)}\noutput: {fuzzlib.shorten(out or b'')}",
        pytrace=False,
    )


# --- mutated documents ------------------------------------------------------------


@pytest.mark.parametrize("spec", ["image-spec", "runtime-spec"])
@settings(PROFILE, max_examples=fuzzlib.examples(2.5))
@given(data=st.data())
def test_mutated_documents(spec: str, data: st.DataObject) -> None:
    inp = data.draw(fuzzlib.mutated_inputs(fuzzlib.seeds_for(spec)))
    note(repr(inp))
    check_input(inp.seed.root, inp.data)
    # The same hostile bytes against every other document type.
    for root in ROOTS.values():
        if root is not inp.seed.root:
            check_input(root, inp.data, round_trip=False)


@pytest.mark.parametrize("spec", ["image-spec", "runtime-spec"])
@settings(PROFILE, max_examples=fuzzlib.examples(1))
@given(data=st.data())
def test_bytes_and_str_and_dict_agree(spec: str, data: st.DataObject) -> None:
    """bytes, the same text as str, and json.loads'd dict give the same verdict
    (and the same value, or for from_dict the same output)."""
    inp = data.draw(fuzzlib.mutated_inputs(fuzzlib.seeds_for(spec), damage=False))
    raw = inp.data.encode("utf-8", "surrogatepass") if isinstance(inp.data, str) else inp.data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    if fuzzlib._has_constant(text):
        return
    root = inp.seed.root
    a = check_input(root, raw, round_trip=False)
    b = check_input(root, text, round_trip=False)
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        doc = None
    results = [a, b]
    if isinstance(doc, dict) and not fuzzlib._has_number_beyond_float64(text):
        # (json.loads makes 1e400 inf, which from_dict reports where it is and
        # from_json at '$' as not JSON Go can read)
        COUNTS[f"robustness/{root.spec}"] += 1
        try:
            results.append(root.cls.from_dict(doc))
        except ValidationError as e:
            results.append(e)
    kinds = {type(r).__name__ if isinstance(r, ValidationError) else "value" for r in results}
    assert len(kinds) == 1, results
    if isinstance(a, ValidationError):
        # from_dict gets json.loads' lone surrogates, from_json Go's U+FFFD
        paths = {_SURROGATES.sub("\ufffd", r.path) for r in results}
        assert paths == {a.path}, [str(r) for r in results]
    else:
        where = _first_difference(a, b)
        assert where is None, f"bytes and str differ at {where}: input {fuzzlib.shorten(text)}"
        # json.loads keeps lone surrogates (\\ud800) that from_json turns into
        # U+FFFD as Go does; what is written back must agree.
        for r in results[2:]:
            assert _written(r) == _written(a), f"from_dict differs: input {fuzzlib.shorten(text)}"


_SURROGATES = re.compile("[\ud800-\udfff]")


def _written(value: Any) -> Any:
    try:
        return value.to_json()
    except (ValueError, RecursionError) as e:  # round-trip bugs are test_mutated_documents' job
        return type(e).__name__


def _first_difference(x: Any, y: Any, path: str = "$") -> str | None:
    """Where two parsed values differ (dataclass fields, unknown members included)."""
    if type(x) is not type(y):
        return f"{path}: {type(x).__name__} {x!r:.80} vs {type(y).__name__} {y!r:.80}"
    if dataclasses.is_dataclass(x):
        for f in dataclasses.fields(x):
            d = _first_difference(getattr(x, f.name), getattr(y, f.name), f"{path}.{f.name}")
            if d:
                return d
        return None
    if isinstance(x, dict):
        if list(x) != list(y):
            return f"{path}: keys {list(x)!r:.120} vs {list(y)!r:.120}"
        for k in x:
            d = _first_difference(x[k], y[k], f"{path}[{k!r}]")
            if d:
                return d
        return None
    if isinstance(x, list):
        if len(x) != len(y):
            return f"{path}: {len(x)} vs {len(y)} items"
        for i, (p, q) in enumerate(zip(x, y)):
            d = _first_difference(p, q, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if x == y else f"{path}: {x!r:.80} vs {y!r:.80}"


@settings(PROFILE, max_examples=fuzzlib.examples(1))
@given(data=st.binary(max_size=256))
def test_random_bytes(data: bytes) -> None:
    for root in ROOTS.values():
        check_input(root, data)


@settings(PROFILE, max_examples=fuzzlib.examples(1))
@given(
    doc=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
        max_leaves=20,
    )
)
def test_random_json_values(doc: Any) -> None:
    data = json.dumps(doc).encode()  # NaN/Infinity tokens included on purpose
    for root in ROOTS.values():
        check_input(root, data)


# --- fixed hostile inputs ------------------------------------------------------------

HOSTILE: list[tuple[str, Any]] = [
    ("deep-array-bytes", b"[" * 100_000),
    ("deep-array-closed", b"[" * 100_000 + b"]" * 100_000),
    ("deep-object", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    ("deep-array-str", "[" * 100_000),
    ("deep-in-member", b'{"annotations":' + b"[" * 100_000 + b"}"),
    ("bom", b"\xef\xbb\xbf{}"),
    ("utf16", "{}".encode("utf-16")),
    ("utf32", "{}".encode("utf-32")),
    ("invalid-utf8-key", b'{"\xff":1}'),
    ("invalid-utf8-value", b'{"ociVersion":"\xc3","schemaVersion":2}'),
    ("cesu8-surrogate", b'{"x":"\xed\xa0\x80"}'),
    ("lone-surrogate-escape", b'{"\\ud800":"\\udc00x"}'),
    ("lone-surrogate-str", '{"ociVersion":"\ud800"}'),
    ("nan", b'{"x":NaN}'),
    ("infinity", b'{"x":-Infinity}'),
    ("huge-int", b'{"size":' + b"9" * 5000 + b"}"),
    ("huge-exp", b'{"x":1e400}'),
    ("tiny-exp", b'{"x":1e-400}'),
    ("nul", b"\x00"),
    ("empty", b""),
    ("whitespace", b" \t\r\n"),
    ("two-documents", b"{} {}"),
    ("trailing-comma", b'{"a":1,}'),
    ("comment", b"{} // x"),
    ("single-quotes", b"{'a':1}"),
    ("long-key", b'{"' + b"k" * 1_000_000 + b'":1}'),
    ("long-value", b'{"ociVersion":"' + b"v" * 1_000_000 + b'"}'),
    ("many-members", b"{" + b",".join(b'"k%d":%d' % (i, i) for i in range(100_000)) + b"}"),
    ("duplicate-keys", b'{"schemaVersion":"2","schemaVersion":2}'),
    ("not-object-null", b"null"),
    ("not-object-array", b"[]"),
    ("not-object-number", b"2"),
    ("not-object-string", b'"x"'),
    ("bytearray", bytearray(b"{}")),
    ("memoryview", memoryview(b"{}")),
    ("none", None),
    ("int", 5),
    ("list", [1]),
    ("dict", {"schemaVersion": 2}),
]


@pytest.mark.parametrize("root", list(ROOTS.values()), ids=list(ROOTS))
@pytest.mark.parametrize("name,data", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_fixed_hostile_inputs(root: Root, name: str, data: Any) -> None:
    check_input(root, data)


@pytest.mark.parametrize("root", list(ROOTS.values()), ids=list(ROOTS))
@pytest.mark.parametrize(
    "data",
    [{}, {"": None}, {"x": float("nan")}, {"x": float("inf")}, {"x": {1, 2}}, {"x": (1,)}, {"x": b"a"}],
    ids=["empty", "null-member", "nan", "inf", "set", "tuple", "bytes"],
)
def test_from_dict_json_like_values(root: Root, data: Any) -> None:
    """from_dict with Python values json.loads never makes: a value or a
    ValidationError, never another exception."""
    COUNTS[f"robustness/{root.spec}"] += 1
    try:
        root.cls.from_dict(data)
    except ValidationError as e:
        assert e.path


# --- the round-trip exceptions: each met by its case, and nothing wider -----------------

WIN = b'{"ociVersion":"1.2.1","windows":{"layerFolders":["a"],"credentialSpec":%s}}'


@pytest.mark.parametrize(
    "root,data,name",
    [
        ("Spec", b'{"ociVersion":"1.2.1","vm":{"kernel":{"path":"/k"}}}', "upstream-vm-image-zero-value"),
        ("Features", b'{"ociVersionMin":"","ociVersionMax":"1.2.1"}', "upstream-required-omitempty"),
        ("Spec", WIN % b'{"a":[1,-0.0]}', "interface-negative-zero"),
    ],
)
def test_round_trip_exception_is_met_by_its_case(root: str, data: bytes, name: str) -> None:
    before = TOLERATED[name]
    check_input(ROOTS[root], data)
    assert TOLERATED[name] == before + 1


@pytest.mark.parametrize(
    "out,again",
    [
        (WIN % b'{"a":-0}', WIN % b'{"a":1}'),  # another value changed
        (WIN % b'{"a":-0,"b":2}', WIN % b'{"a":0}'),  # a member lost
        (b'{"ociVersion":"1.2.1","x":-0}', b'{"ociVersion":"1.2.1","x":0}'),  # not interface{}
        (WIN % b'{"a":-0.5}', WIN % b'{"a":0.5}'),
    ],
)
def test_negative_zero_exception_is_exact(out: bytes, again: bytes) -> None:
    assert not _interface_negative_zero(ROOTS["Spec"], None, AssertionError(), out, again)
    assert _interface_negative_zero(ROOTS["Spec"], None, AssertionError(), WIN % b'{"a":-0}', WIN % b'{"a":0}')
