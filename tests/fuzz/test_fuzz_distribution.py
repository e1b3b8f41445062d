"""Hostile input for the distribution-spec types, which have no JSON Schema.

Without a schema, the oracle is Go's json.Unmarshal itself, re-implemented
below for these six structs from spec/distribution-spec/specs-go (the field
table is written here by hand, not read from the generator): a struct is an
object or null; a member matches a field by Go's case folding, unknown ones
are skipped (oci_spec keeps them: a deliberate difference); a string field
takes a string or null (null leaves the zero value); a slice takes an array or
null (null: nil, written as null); a null item is the zero element.  The seeds
are the spec's examples and the registry bodies of
tests/support/distribution_corpus.py, mutated as the other fuzz suites mutate
theirs.  For every input: from_json returns a value or raises ValidationError
with a path, exactly when Go's decoding fails; an accepted value is written
with Go's members and values (Go's field order, omitempty) and reads back to
the same bytes.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

import fuzzlib
from support.distribution_corpus import BODIES, EXAMPLES, INVALID, fenced_json, repaired

from oci_spec import ValidationError
from oci_spec.distribution.v1 import ErrorInfo, ErrorResponse, RepositoryList, TagList
from oci_spec.distribution.v1.extensions import Extension, ExtensionList

PROFILE = settings.get_profile("ocigen-fuzz")

# Go's fields, in declaration order: (json name, type, omitempty).  A type is
# "string", ("list", item) or a struct name.
GO: dict[str, list[tuple[str, Any, bool]]] = {
    "ErrorResponse": [("errors", ("list", "ErrorInfo"), False)],
    "ErrorInfo": [("code", "string", False), ("message", "string", False), ("detail", "string", False)],
    "TagList": [("name", "string", False), ("tags", ("list", "string"), False)],
    "RepositoryList": [("repositories", ("list", "string"), False)],
    "ExtensionList": [("extensions", ("list", "Extension"), False)],
    "Extension": [
        ("name", "string", False),
        ("url", "string", False),
        ("description", "string", True),
        ("endpoints", ("list", "string"), False),
    ],
}
CLASSES = {
    "ErrorResponse": ErrorResponse,
    "ErrorInfo": ErrorInfo,
    "TagList": TagList,
    "RepositoryList": RepositoryList,
    "ExtensionList": ExtensionList,
    "Extension": Extension,
}
ROOTS = ("ErrorResponse", "TagList", "RepositoryList", "ExtensionList")


_SURROGATE = re.compile("[\ud800-\udfff]")


class GoRefuses(Exception):
    pass


class Ambiguous(Exception):
    """Two members of one object fold to one field: Go decodes both, oci_spec
    keeps the last (a documented difference, tested in tests/go_behaviour.py)."""


def _fold(key: str) -> str | None:
    # bytes.EqualFold against ASCII names: besides ASCII case, U+017F folds to
    # s and U+212A to k; any other non-ASCII key matches no field.
    key = key.replace("\u017f", "s").replace("\u212a", "k")
    return key.lower() if key.isascii() else None


def _zero(t: Any) -> Any:
    return "" if t == "string" else None if isinstance(t, tuple) else go_decode(t, {})


def go_decode(t: Any, v: Any) -> Any:
    """What Go's json.Unmarshal leaves in a value of type ``t`` for JSON ``v``,
    as the JSON Go writes for it; raises GoRefuses."""
    if t == "string":
        if v is None:
            return ""
        if not isinstance(v, str):
            raise GoRefuses
        # A lone surrogate escape decodes to U+FFFD (json.loads keeps it).
        return _SURROGATE.sub("\ufffd", v)
    if isinstance(t, tuple):
        if v is None:
            return None
        if not isinstance(v, list):
            raise GoRefuses
        return [_zero(t[1]) if x is None else go_decode(t[1], x) for x in v]
    if v is None:
        v = {}
    if not isinstance(v, dict):
        raise GoRefuses
    fields = GO[t]
    by_fold = {name.lower(): (name, ft) for name, ft, _ in fields}
    got: dict[str, Any] = {}
    for key, x in v.items():
        folded = _fold(key)
        hit = None if folded is None else by_fold.get(folded)
        if hit is None:
            continue
        name, ft = hit
        if name in got:
            raise Ambiguous
        got[name] = x
    out: dict[str, Any] = {}
    for name, ft, omitempty in fields:
        value = go_decode(ft, got[name]) if name in got else _zero(ft)
        if omitempty and value in ("", None, []):
            continue
        out[name] = value
    return out


def _seeds() -> list[tuple[str, str, Any]]:
    seeds = []
    for body in [*BODIES, *INVALID]:
        name = body.cls.__name__
        if name in ROOTS:
            try:
                seeds.append((body.name, name, json.loads(body.raw)))
            except ValueError:
                pass
    for where, text in fenced_json():
        example = EXAMPLES.get(where)
        if example is not None and example.cls.__name__ in ROOTS:
            seeds.append((where, example.cls.__name__, json.loads(repaired(where, text))))
    return seeds


SEEDS = _seeds()


def _go_members(t: Any, v: Any) -> Any:
    """What oci_spec wrote, without the unknown members it keeps (Go drops them)."""
    if isinstance(t, tuple):
        return v if v is None else [_go_members(t[1], x) for x in v]
    if t == "string":
        return v
    return {name: _go_members(ft, v[name]) for name, ft, _o in GO[t] if name in v}


def test_seeds_cover_every_root() -> None:
    assert {root for _n, root, _d in SEEDS} == set(ROOTS)


def check(root: str, doc: Any) -> str:
    """One input against Go's decoding; returns the verdict for the counts."""
    cls = CLASSES[root]
    raw = json.dumps(doc).encode()  # \u escapes: lone surrogates stay JSON
    fuzzlib.COUNTS["robustness/distribution-spec"] += 1
    try:
        expected: Any = go_decode(root, doc)
    except GoRefuses:
        expected = GoRefuses
    except Ambiguous:
        expected = Ambiguous
    try:
        value = cls.from_json(raw)
    except ValidationError as e:
        assert e.path and str(e).startswith(e.path), repr(e)
        if expected is not Ambiguous:
            assert expected is GoRefuses, f"refused what Go accepts: {e}\n{raw!r}"
        return "refused"
    except BaseException as e:  # noqa: BLE001 - the invariant under test
        pytest.fail(f"{root}.from_json raised {type(e).__name__}: {e}\n{raw!r}", pytrace=False)
    if expected is Ambiguous:
        return "ambiguous"
    assert expected is not GoRefuses, f"accepted what Go refuses: {raw!r}"
    out = value.to_json()
    assert _go_members(root, json.loads(out)) == expected, raw
    assert cls.from_json(out).to_json() == out
    return "accepted"


@settings(PROFILE, max_examples=fuzzlib.examples(2))
@given(data=st.data())
def test_mutated_bodies_decode_as_go_does(data: st.DataObject) -> None:
    name, root, doc = data.draw(st.sampled_from(SEEDS))
    mutated = data.draw(fuzzlib.mutated_document(doc))
    if fuzzlib._contains_special(mutated):
        mutated = doc  # Raw bytes and duplicate pairs: the other fuzz suites
    note(f"{name}: {mutated!r}")
    check(root, mutated)


@pytest.mark.parametrize(
    "root,doc,verdict",
    [
        ("TagList", {"name": "r", "tags": None}, "accepted"),
        ("TagList", {"NAME": "r", "Tags": ["a", None]}, "accepted"),
        ("TagList", {"name": "r", "tags": "a"}, "refused"),
        ("TagList", {"name": "r", "tags": [1]}, "refused"),
        ("TagList", {"name": "r", "TAGS": [], "tags": []}, "ambiguous"),
        ("ErrorResponse", {"errors": [None, {"code": None, "detail": {}}]}, "refused"),
        ("ErrorResponse", {"errors": [None, {"code": "X", "x": {}}]}, "accepted"),
        ("ExtensionList", {"extensions": [{"name": "n", "description": ""}]}, "accepted"),
        ("ExtensionList", {"extensions": {}}, "refused"),
        ("RepositoryList", {"repo\u017fitories": ["a"]}, "accepted"),
        ("RepositoryList", [], "refused"),
    ],
)
def test_oracle_on_hand_written_cases(root: str, doc: Any, verdict: str) -> None:
    """The oracle and the parser agree on cases whose Go verdict was read off
    encoding/json's rules by hand (the differential suite asks Go itself)."""
    assert check(root, doc) == verdict


def test_oracle_writes_what_go_writes() -> None:
    # Hand-written: ErrorInfo has no omitempty; Extension.description has.
    assert go_decode("ErrorResponse", {"errors": [{}]}) == {
        "errors": [{"code": "", "message": "", "detail": ""}]
    }
    assert go_decode("ExtensionList", {"extensions": [None]}) == {
        "extensions": [{"name": "", "url": "", "endpoints": None}]
    }
